"""Alembic environment, run through Flask-Migrate (`flask --app wsgi db upgrade`)."""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
# Keep the application's own loggers working when migrations run inside it (tests, `flask demo`).
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
config.set_main_option("sqlalchemy.url", target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_db.metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def skip_empty_autogenerate(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    configure_args = current_app.extensions["migrate"].configure_args
    configure_args.setdefault("process_revision_directives", skip_empty_autogenerate)
    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it into a new one and dropping the old one
            # (batch mode). With foreign keys on, that DROP deletes every row pointing to
            # the old table (a response's answers: ON DELETE CASCADE). So keys are off while
            # migrating (the PRAGMA only works outside a transaction, hence on the driver's
            # connection) and checked at the end, as SQLite's own ALTER TABLE recipe says.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, target_metadata=target_db.metadata, **configure_args)
        try:
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"the migration left rows pointing to nothing: {broken[:10]}")
        finally:
            if sqlite:
                connection.invalidate()  # its keys are off: the pool opens a new connection instead


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
