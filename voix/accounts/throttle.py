"""Password guessing is slowed down, for staff and resident accounts alike, without
letting a stranger lock the owner out.

Three limits, all within SIGN_IN_LOCK_MINUTES (voix/config.py has the numbers):

- one account from one address: after SIGN_IN_MAX_FAILURES wrong passwords, that account
  waits *at that address* only. The owner, elsewhere, signs in as usual: a guesser can no
  longer lock anyone out by typing their email wrong five times.
- one address, all accounts: after SIGN_IN_MAX_FAILURES_PER_ADDRESS wrong passwords,
  everything from that address waits. Looser, because residents share the tablets of an
  EPN or a centre social behind one address; it slows down one place trying many accounts.
- one account, all addresses: after SIGN_IN_MAX_FAILURES_PER_ACCOUNT wrong passwords, only
  the addresses where the account signed in before may still try. This slows down a
  guesser who spreads over many addresses, while the owner's usual places keep working.

A successful sign-in forgets the failures of that account at that address and remembers
the address as one of the account's places. The tables keep hashes only: SHA-256 of the
email or pseudonym typed (mistyped identifiers are personal data we have no use for), and
an HMAC of the address keyed with the secret key (there are too few IPv4 addresses for a
plain hash to hide one). IPv6 addresses count by their /64 network, which one subscriber
usually holds whole. Two guesses sent at the same instant may both be checked before
either is counted: the limits slow guessing down, they are not exact counts.
"""
import hashlib
import hmac
import ipaddress
import math
from datetime import datetime, timedelta, timezone

from flask import current_app, request
from flask_babel import ngettext
from sqlalchemy import DateTime, Index, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from ..database import upsert
from ..extensions import db
from ..models import utcnow

# A place where an account signed in is remembered this long after its last success.
KNOWN_PLACE_DAYS = 365


class SignInFailure(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64))
    address_key: Mapped[str] = mapped_column(String(64), default="")
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_sign_in_failure_account_key_failed_at", "account_key", "failed_at"),
                      Index("ix_sign_in_failure_address_key_failed_at", "address_key", "failed_at"))


class SignInPlace(db.Model):
    """An address (as its HMAC) from which an account (as its hash) signed in."""

    account_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    address_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_success_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def _account_key(kind: str, identifier: str) -> str:
    """The same key for every way of typing one account: "staff" emails, "resident" pseudonyms."""
    normalized = " ".join((identifier or "").split()).lower()
    return hashlib.sha256(f"{kind}:{normalized}".encode()).hexdigest()


def _address_key() -> str:
    """The client's address (the real one behind ProxyFix), as a keyed hash."""
    address = request.remote_addr or ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        network = address
    else:
        if parsed.version == 6 and parsed.ipv4_mapped:
            parsed = parsed.ipv4_mapped
        network = str(ipaddress.ip_network(f"{parsed}/64", strict=False)) if parsed.version == 6 else str(parsed)
    secret = current_app.secret_key
    secret = secret if isinstance(secret, bytes) else secret.encode()
    return hmac.new(secret, f"address:{network}".encode(), hashlib.sha256).hexdigest()


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["SIGN_IN_LOCK_MINUTES"])


def _minutes_to_wait(limit: int, *conditions) -> int:
    """0 while fewer than `limit` failures match `conditions` within the window; otherwise
    the minutes until the oldest of the last `limit` of them leaves the window."""
    now = utcnow()
    recent = db.session.scalars(select(SignInFailure.failed_at).where(
        *conditions, SignInFailure.failed_at > now - _window())
        .order_by(SignInFailure.failed_at.desc()).limit(limit)).all()
    if len(recent) < limit:
        return 0
    oldest = recent[-1].replace(tzinfo=recent[-1].tzinfo or timezone.utc)  # SQLite: naive UTC
    return max(1, math.ceil((oldest + _window() - now).total_seconds() / 60))


def _is_known_place(account_key: str, address_key: str) -> bool:
    return db.session.get(SignInPlace, (account_key, address_key)) is not None


class Wait(int):
    """Minutes to wait (0: none), and whether the whole address waits or one account there."""

    def __new__(cls, minutes: int, from_address: bool = False):
        wait = super().__new__(cls, minutes)
        wait.from_address = from_address
        return wait


def _wait(account_key: str, address_key: str) -> Wait:
    config = current_app.config
    address_wait = _minutes_to_wait(config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"], SignInFailure.address_key == address_key)
    if address_wait:
        return Wait(address_wait, from_address=True)
    account_wait = _minutes_to_wait(config["SIGN_IN_MAX_FAILURES"], SignInFailure.account_key == account_key,
                                    SignInFailure.address_key == address_key)
    if not account_wait and not _is_known_place(account_key, address_key):
        account_wait = _minutes_to_wait(config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"], SignInFailure.account_key == account_key)
    return Wait(account_wait)


def attempt(kind: str, identifier: str, authenticate):
    """A sign-in through the throttle: (account, Wait(0)) when `authenticate()` gives one
    (the caller commits with its sign-in), (None, Wait(minutes)) while this account or this
    address must wait (authenticate is not called), (None, Wait(0)) for a wrong password,
    counted and committed."""
    account_key, address_key = _account_key(kind, identifier), _address_key()
    wait = _wait(account_key, address_key)
    if wait:
        return None, wait
    account = authenticate()
    if account is not None:
        _remember_success(account_key, address_key)
        return account, wait
    _record_failure(account_key, address_key)
    db.session.commit()
    return None, wait


def _record_failure(account_key: str, address_key: str):
    now = utcnow()
    db.session.execute(delete(SignInFailure).where(SignInFailure.failed_at <= now - _window()))  # no use any more
    db.session.add(SignInFailure(account_key=account_key, address_key=address_key, failed_at=now))


def _remember_success(account_key: str, address_key: str):
    now = utcnow()
    db.session.execute(delete(SignInFailure).where(SignInFailure.account_key == account_key,
                                                   SignInFailure.address_key == address_key))
    db.session.execute(delete(SignInPlace).where(SignInPlace.last_success_at < now - timedelta(days=KNOWN_PLACE_DAYS)))
    upsert(SignInPlace, dict(account_key=account_key, address_key=address_key, last_success_at=now),
           conflict_columns=["account_key", "address_key"], update_columns=["last_success_at"])


def wait_message(minutes: int) -> str:
    """The page's message for a Wait (a plain number of minutes: one account waits)."""
    if getattr(minutes, "from_address", False):
        return ngettext("Too many wrong passwords from this connection. Try again in %(num)d minute.",
                        "Too many wrong passwords from this connection. Try again in %(num)d minutes.", minutes)
    return ngettext("Too many wrong passwords for this account. Try again in %(num)d minute.",
                    "Too many wrong passwords for this account. Try again in %(num)d minutes.", minutes)
