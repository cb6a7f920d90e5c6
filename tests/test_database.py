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
