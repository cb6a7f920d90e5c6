"""Database behaviour that must hold on both SQLite and PostgreSQL.

SQLite with several writers fails with "database is locked" under plain deferred
`BEGIN`, even with a busy timeout: a reader that later tries to write cannot wait its
turn. So every web request that may write (any method but GET/HEAD/OPTIONS) and every
CLI write starts its transaction with `BEGIN IMMEDIATE` (SQLAlchemy's pysqlite recipe),
and duplicates are refused by UNIQUE constraints with `ON CONFLICT DO NOTHING`.
"""
import functools
import select

from flask import request
from sqlalchemy import event, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from .errors import write_refused
from .extensions import db

WRITE_OPTION = "voix_write"


def init_app(app):
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    elif engine.dialect.name == "postgresql":
        _drop_closed_connections(engine)

    @app.before_request
    def _writes_take_the_lock_first():
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        view = app.view_functions.get(request.endpoint)
        if not getattr(view, "takes_write_lock_itself", False):
            try:
                begin_write()
            except exc.DBAPIError as error:
                if not write_refused(error):
                    raise
                # Read-only or full: the view reads, fails at its first write and shows its
                # form again with what was typed (deliberation/views.py), or the 503 page.
                db.session.rollback()


def takes_write_lock_itself(view):
    """Mark a view that reads first and then writes on a connection of its own
    (voix/driver_writes.py), so that it does not begin the request's session as a write.

    For hot paths (survey submissions): on SQLite the write lock then covers the inserts
    only, not the validation, so several workers validate at once.
    """
    view.takes_write_lock_itself = True
    return view


def begin_write():
    """Open the session's transaction as a write transaction (BEGIN IMMEDIATE on SQLite).

    Call before the first query of any operation that writes; a no-op on PostgreSQL and
    when the session already holds a connection.
    """
    if not db.session().in_transaction():
        db.session.connection(execution_options={WRITE_OPTION: True})


def _configure_sqlite(engine: Engine, busy_timeout_ms: int):
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, emit BEGIN, so that we can choose IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _drop_closed_connections(engine: Engine):
    """A pooled server connection can be closed by the server (restart, idle timeout,
    administrator): such a connection is replaced before a request uses it.

    The server tells an idle client it is closing (an error message, then end of file),
    so a closed connection is one whose socket has something to read while idle. Checking
    that costs a system call, where SQLAlchemy's pool_pre_ping costs a round trip to the
    server on every request.
    """
    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection, _record, _proxy):
        if dbapi_connection.closed or select.select([dbapi_connection.fileno()], [], [], 0)[0]:
            raise exc.DisconnectionError("the server closed this connection")  # the pool connects anew


def insert_ignoring_duplicates(model, values: dict, *, conflict_columns=None):
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id; returns the new id or None.

    This is what makes a re-sent response or vote count once: the database, not a
    Python check, decides which of two concurrent inserts wins. Without
    `conflict_columns`, any unique constraint makes the insert a no-op.
    """
    connection = db.session.connection()
    statement = _insert_or_nothing(model, tuple(conflict_columns or ()), connection.dialect.name)
    return connection.execute(statement, values).scalar_one_or_none()


@functools.cache
def _insert_or_nothing(model, conflict_columns: tuple, dialect: str):
    # Built once per model: constructing the statement costs more than running it.
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    index_elements = list(conflict_columns) if conflict_columns else None
    return insert(model).on_conflict_do_nothing(index_elements=index_elements).returning(model.id)


def upsert(model, values: dict, *, conflict_columns, update_columns):
    """INSERT ... ON CONFLICT (conflict_columns) DO UPDATE: the row ends with these values.

    A re-vote replaces the previous vote in one statement, so two concurrent votes by
    the same participant leave exactly one row, holding one of the two values.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=list(conflict_columns),
        set_={column: statement.excluded[column] for column in update_columns},
    )
    db.session.execute(statement)

