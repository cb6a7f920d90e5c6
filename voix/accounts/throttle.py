"""Password guessing is slowed down, for staff and resident accounts alike.

After SIGN_IN_MAX_FAILURES wrong passwords for one account within SIGN_IN_LOCK_MINUTES,
that account cannot sign in until the oldest of them is that old, even with the right
password; a successful sign-in forgets its failures.

Counted per account, not per address: residents sign in on the same few shared tablets
of an EPN or a centre social, behind one address, and one person's typos must not lock
the whole room out. The table keeps a hash of the email or pseudonym typed, not the text:
mistyped identifiers are personal data we have no use for. Two guesses sent at the same
instant may both be checked before either is counted: the limit slows guessing down, it
is not an exact count.
"""
import hashlib
import math
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import ngettext
from sqlalchemy import DateTime, Index, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import utcnow


class SignInFailure(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_sign_in_failure_account_key_failed_at", "account_key", "failed_at"),)


def _account_key(kind: str, identifier: str) -> str:
    """The same key for every way of typing one account: "staff" emails, "resident" pseudonyms."""
    normalized = " ".join((identifier or "").split()).lower()
    return hashlib.sha256(f"{kind}:{normalized}".encode()).hexdigest()


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["SIGN_IN_LOCK_MINUTES"])


def _minutes_to_wait(key: str) -> int:
    """0 when the account may try; otherwise the minutes until its next attempt."""
    limit = current_app.config["SIGN_IN_MAX_FAILURES"]
    now = utcnow()
    recent = db.session.scalars(select(SignInFailure.failed_at).where(
        SignInFailure.account_key == key, SignInFailure.failed_at > now - _window())
        .order_by(SignInFailure.failed_at.desc()).limit(limit)).all()
    if len(recent) < limit:
        return 0
    oldest = recent[-1].replace(tzinfo=recent[-1].tzinfo or timezone.utc)  # SQLite: naive UTC
    return max(1, math.ceil((oldest + _window() - now).total_seconds() / 60))


def attempt(kind: str, identifier: str, authenticate):
    """A sign-in through the throttle: (account, 0) when `authenticate()` gives one (its
    failures are forgotten; the caller commits with its sign-in), (None, minutes) while the
    account must wait (authenticate is not called), (None, 0) for a wrong password, counted
    and committed."""
    key = _account_key(kind, identifier)
    wait = _minutes_to_wait(key)
    if wait:
        return None, wait
    account = authenticate()
    if account is not None:
        _forget_failures(key)
        return account, 0
    _record_failure(key)
    db.session.commit()
    return None, 0


def _record_failure(key: str):
    now = utcnow()
    db.session.execute(delete(SignInFailure).where(SignInFailure.failed_at <= now - _window()))  # no use any more
    db.session.add(SignInFailure(account_key=key, failed_at=now))


def _forget_failures(key: str):
    db.session.execute(delete(SignInFailure).where(SignInFailure.account_key == key))


def wait_message(minutes: int) -> str:
    return ngettext("Too many wrong passwords for this account. Try again in %(num)d minute.",
                    "Too many wrong passwords for this account. Try again in %(num)d minutes.", minutes)
