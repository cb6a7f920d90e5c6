"""Writes run on the database driver's own connection, for the one hot path: submissions.

Every kiosk and phone answer goes through `surveys/submission.py`. Measured there, the
SQLAlchemy execution layer cost more than the database's own work for the few statements
of a submission: building the cache key of the statement, the execution context and its
events, the result object, switching the connection's isolation level and resetting it.
So those statements are still written and compiled by SQLAlchemy, once per database
kind, and then run on the pooled connection's driver (psycopg or sqlite3) with the
parameters converted by the statement's own column types. Everything else in the
platform uses the ORM or Core as usual.
"""
from contextlib import contextmanager

from sqlalchemy import exc

from .extensions import db


class DriverStatement:
    """A SQLAlchemy statement compiled once for one database kind, ready for the driver."""

    def __init__(self, statement, dialect):
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.positions = compiled.positiontup  # sqlite3 takes positional parameters, psycopg names
        self.converters = {}
        for name, bind in compiled.binds.items():
            converter = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if converter is not None:
                self.converters[name] = converter
        # Values written in the statement itself (a status to compare with, a 0), converted once.
        self.constants = self._converted({name: bind.effective_value for name, bind in compiled.binds.items()
                                          if not bind.required})

    def _converted(self, values: dict) -> dict:
        converters = self.converters
        return {name: converters[name](value) if name in converters else value for name, value in values.items()}

    def parameters(self, values: dict):
        parameters = {**self.constants, **self._converted(values)}
        return [parameters[name] for name in self.positions] if self.positions else parameters


class DriverWriter:
    def __init__(self, driver):
        self.driver = driver

    def first_value(self, statement: DriverStatement, values: dict):
        """Run the statement; the first column of its first row, or None without a row."""
        cursor = self.driver.cursor()
        try:
            cursor.execute(statement.sql, statement.parameters(values))
            row = cursor.fetchone()
            return None if row is None else row[0]
        finally:
            cursor.close()

    def many(self, statement: DriverStatement, rows: list[dict]):
        cursor = self.driver.cursor()
        try:
            cursor.executemany(statement.sql, [statement.parameters(values) for values in rows])
        finally:
            cursor.close()


@contextmanager
def driver_writer():
    """A DriverWriter on a pooled connection, for writes only.

    SQLite: the block is one transaction, begun IMMEDIATE (the write lock covers these
    writes only), committed at the end, rolled back if it raises. The request's ORM
    session ends its read transaction first: its snapshot would not see the new rows.
    PostgreSQL: every statement commits by itself (autocommit), so write what must be
    atomic in one statement; BEGIN and COMMIT would cost two more round trips.

    The driver's errors come out as SQLAlchemy's, as everywhere else. A connection that
    failed otherwise than by an IntegrityError is dropped from the pool.
    """
    engine = db.engine
    sqlite = engine.dialect.name == "sqlite"
    if sqlite and db.session.registry.has() and db.session().in_transaction():
        db.session.rollback()
    connection = engine.raw_connection()
    driver = connection.driver_connection
    dbapi = engine.dialect.loaded_dbapi
    try:
        if sqlite:
            driver.execute("BEGIN IMMEDIATE")
        else:
            driver.autocommit = True
        try:
            yield DriverWriter(driver)
            if sqlite:
                driver.execute("COMMIT")
        except BaseException:
            if sqlite and driver.in_transaction:
                driver.execute("ROLLBACK")
            raise
        finally:
            if not sqlite:
                driver.autocommit = False
    except dbapi.IntegrityError as error:
        raise exc.IntegrityError(None, None, error) from error
    except dbapi.Error as error:
        connection.invalidate()
        # As SQLAlchemy's (OperationalError for a read-only or full database...), so that
        # voix/errors.py tells the resident that nothing was saved.
        raise exc.DBAPIError.instance(None, None, error, dbapi.Error) from error
    finally:
        connection.close()  # back to the pool
