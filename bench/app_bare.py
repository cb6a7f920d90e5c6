"""The baseline of bench/submit_throughput.py: a bare Flask app storing one row per POST.

It does the least a response endpoint must do: parse the JSON body, check the client
UUID, insert (uuid, payload) in one transaction and answer 201. Same database kind and
settings as the real app: on SQLite the WAL file with the pragmas and `BEGIN IMMEDIATE`
of voix/database.py, on PostgreSQL the same server through psycopg 3.

    BENCH_BARE_DATABASE_URI=sqlite:////tmp/x/bare.sqlite gunicorn app_bare:app
"""
import gc
import os
import uuid as uuid_module
from datetime import UTC, datetime

from flask import Flask, abort, request
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
)

metadata = MetaData()
bare_response = Table(
    "bare_response", metadata,
    Column("id", Integer, primary_key=True),
    Column("uuid", String(36), unique=True, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
)

SQLITE_BUSY_TIMEOUT_MS = 15000  # as voix/config.py


def make_engine(uri: str):
    engine = create_engine(uri)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    return engine


def create_app(uri: str) -> Flask:
    app = Flask(__name__)
    engine = make_engine(uri)
    insert = bare_response.insert().returning(bare_response.c.id)

    @app.get("/")
    def ready():
        return "ok"

    @app.post("/api/v1/waves/<int:wave_id>/responses")
    def submit(wave_id):
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("answers", {}), dict):
            abort(400)
        try:
            response_uuid = str(uuid_module.UUID(str(body.get("uuid", ""))))
        except ValueError:
            abort(422)
        with engine.begin() as connection:
            connection.execute(insert, {
                "uuid": response_uuid, "submitted_at": datetime.now(UTC),
                "payload": {"wave": wave_id, "answers": body.get("answers", {}), "about": body.get("about"),
                            "language": body.get("language")},
            })
        return {"uuid": response_uuid, "status": "created"}, 201

    return app


def create_schema(uri: str):
    engine = make_engine(uri)
    metadata.create_all(engine)
    engine.dispose()


def stored_uuids(uri: str) -> list[str]:
    engine = make_engine(uri)
    with engine.connect() as connection:
        uuids = [row[0] for row in connection.execute(bare_response.select().with_only_columns(bare_response.c.uuid))]
    engine.dispose()
    return uuids


if os.environ.get("BENCH_BARE_DATABASE_URI"):
    app = create_app(os.environ["BENCH_BARE_DATABASE_URI"])
    gc.freeze()  # as the real app (wsgi.py) does after start-up
