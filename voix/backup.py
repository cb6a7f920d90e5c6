"""`flask backup create PATH` and `flask backup restore PATH`: whole-database copies.

SQLite is copied with its online backup API (a consistent copy while the platform runs,
WAL included); PostgreSQL with `pg_dump --format=custom` and `pg_restore`, the tools
PostgreSQL documents for this. A restore first keeps the database as it was beside the
backup (`PATH.before-restore`), so a restore from the wrong file can be undone.
"""
import os
import sqlite3
import subprocess
from pathlib import Path

import click
from flask.cli import AppGroup

from .extensions import db

backup = AppGroup("backup", help="Back up and restore the whole database.")


class BackupError(click.ClickException):
    pass


@backup.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create_command(path):
    """Write a copy of the whole database to PATH."""
    create(path)
    click.echo(f"Backup written to {path} ({path.stat().st_size} bytes).")


@backup.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(path):
    """Replace the whole database by the backup at PATH (stop the app servers first)."""
    kept = path.with_name(path.name + ".before-restore")
    restore(path, keep_current_in=kept)
    click.echo(f"Database restored from {path}. The database as it was is kept in {kept}.")


def create(path: Path):
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(Path(url.database), path)
    elif url.get_backend_name() == "postgresql":
        _run_pg("pg_dump", "--format=custom", "--no-owner", "--file", str(path))
    else:
        raise BackupError(f"No backup method for {url.get_backend_name()}.")


def restore(path: Path, keep_current_in: Path | None = None):
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        _check_sqlite_backup(path)
    elif url.get_backend_name() == "postgresql":
        _check_pg_backup(path)
    if keep_current_in is not None:
        create(keep_current_in)
    db.session.remove()
    db.engine.dispose()  # our own connections would otherwise hold locks on what is replaced
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(path, Path(url.database))
    elif url.get_backend_name() == "postgresql":
        _run_pg("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                "--exit-on-error", str(path))
    else:
        raise BackupError(f"No restore method for {url.get_backend_name()}.")


def _sqlite_copy(source: Path, target: Path):
    source_connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    target_connection = sqlite3.connect(target)
    try:
        source_connection.backup(target_connection)
    finally:
        target_connection.close()
        source_connection.close()


def _check_sqlite_backup(path: Path):
    """Refuse a file that is not a sound SQLite database of this platform before it
    replaces anything."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (integrity,) = connection.execute("PRAGMA integrity_check").fetchone()
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a backup of this platform ({error}).") from error
    if integrity != "ok" or revision is None:
        raise BackupError(f"{path} is damaged or is not a backup of this platform.")


def _check_pg_backup(path: Path):
    """pg_restore reads the archive's table of contents without touching the database."""
    result = _pg_tool(["pg_restore", "--list", str(path)])
    if result.returncode != 0 or "alembic_version" not in result.stdout:
        raise BackupError(f"{path} is damaged or is not a backup of this platform.")


def _run_pg(tool, *args):
    """Run pg_dump or pg_restore on the configured database. The password goes through
    the environment, never on the command line where `ps` would show it."""
    url = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    result = _pg_tool([tool, *args, "--dbname", target], env=env)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()}")


def _pg_tool(command, env=None):
    try:
        return subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).") from error
