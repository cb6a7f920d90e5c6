"""Database connections: one the server has closed is replaced, never handed to a request."""
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from voix.extensions import db


def test_a_connection_the_server_closed_is_replaced_before_a_request_uses_it(app, database_url, client):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: a SQLite file has no server to close it")
    assert client.get("/resultats/").status_code == 200  # the serving app now has a pooled connection
    with db.engine.connect() as connection:  # and so has the test's own app, idle in its pool
        connection.exec_driver_sql("SELECT 1")
    administrator = sa.create_engine(database_url, poolclass=NullPool)
    with administrator.connect() as connection:  # as a restart or an idle timeout would
        closed = connection.exec_driver_sql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()").scalar()
    administrator.dispose()
    assert closed >= 2
    time.sleep(0.2)  # the server's goodbye reaches the pooled sockets
    assert client.get("/resultats/").status_code == 200
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT 1").scalar() == 1


# --- voix/driver_writes.py: the submissions' writes, on the driver's own connection -----

def _territory_insert():
    from voix.driver_writes import DriverStatement
    from voix.territories.models import Territory

    statement = sa.insert(Territory).values(slug=sa.bindparam("slug"), name=sa.bindparam("name"),
                                            kind=sa.bindparam("kind", type_=Territory.kind.type))
    return DriverStatement(statement.returning(Territory.id), db.engine.dialect)


def test_driver_writes_convert_values_as_the_column_types_do(app):
    from voix.driver_writes import driver_writer
    from voix.territories.models import Territory, TerritoryKind

    with driver_writer() as writer:
        new_id = writer.first_value(_territory_insert(), {"slug": "tonnelle", "name": "La Tonnelle",
                                                      "kind": TerritoryKind.quartier})
    db.session.remove()
    stored = db.session.get(Territory, new_id)
    assert (stored.slug, stored.kind, stored.name) == ("tonnelle", TerritoryKind.quartier, "La Tonnelle")


def test_driver_writes_roll_back_whole_and_raise_sqlalchemy_errors(app, territories):
    from voix.driver_writes import driver_writer
    from voix.territories.models import Territory, TerritoryKind

    before = db.session.scalar(sa.select(sa.func.count(Territory.id)))
    db.session.remove()
    with pytest.raises(sa.exc.IntegrityError):  # as the ORM would raise it: callers catch one kind
        with driver_writer() as writer:
            writer.first_value(_territory_insert(), {"slug": "tonnelle", "name": "x", "kind": TerritoryKind.quartier})
            writer.first_value(_territory_insert(), {"slug": "sanitas", "name": "x", "kind": TerritoryKind.quartier})
    with pytest.raises(RuntimeError):
        with driver_writer() as writer:
            writer.first_value(_territory_insert(), {"slug": "rochette", "name": "x", "kind": TerritoryKind.quartier})
            raise RuntimeError("something failed after the insert")
    after = db.session.scalar(sa.select(sa.func.count(Territory.id)))
    if db.engine.dialect.name == "sqlite":  # one transaction: nothing of either block is kept
        assert after == before
    else:  # autocommit, each statement its own transaction: the valid inserts stay
        assert after == before + 2
    # The pooled connection went back as it came (PostgreSQL: autocommit off again;
    # SQLite: no transaction left open), so the session can write with it again.
    db.session.add(Territory(slug="bords-de-loire", name="Bords de Loire", kind=TerritoryKind.quartier))
    db.session.commit()
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            assert connection.connection.driver_connection.autocommit is False
        else:
            assert connection.connection.driver_connection.in_transaction is False
