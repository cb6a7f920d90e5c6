"""Small helpers shared by the models of every feature."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import DateTime, Enum
from sqlalchemy.orm import mapped_column


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def local_today() -> date:
    """Today where the residents live: a wave closing "on the 30th" closes at midnight in Tours."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def enum_type(enum_class):
    # Stored as its value in a VARCHAR on both databases: adding a value needs no migration.
    return Enum(enum_class, native_enum=False, length=20)


def created_at_column():
    # A callable default: evaluated per row, not once at import.
    return mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
