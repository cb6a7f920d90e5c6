"""Who is making this request: staff session (cookie) or staff API token (bearer).

Both end: a session after STAFF_SESSION_IDLE_MINUTES without a request, and in any case
STAFF_SESSION_MAX_DAYS after sign-in; a token when it expires or is revoked."""
import functools
import hashlib
import secrets
import time
from datetime import timedelta

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from ..database import WRITE_OPTION
from ..extensions import db
from ..models import utcnow
from .models import ApiToken, Role, StaffSession, User, as_utc

SESSION_KEY = "staff_session"
# A token's "last used" is written at most this often: an API read stays a read.
LAST_USED_PRECISION = timedelta(hours=1)


def load_current_user():
    """before_request hook: sets g.user to the logged-in staff member or None."""
    g.user = None
    header = request.headers.get("Authorization", "")
    # A token is for scripts calling the API: it never opens the staff screens.
    if header.startswith("Bearer ") and (request.blueprint or "").startswith("api"):
        g.user = _token_user(header[7:].strip())
        return
    stamp = session.get(SESSION_KEY)
    if stamp:
        g.user = _session_user(stamp)


def _session_user(stamp) -> User | None:
    """The staff member of a session cookie that has not ended, or None (signed out).

    The cookie holds the server-side session's id with its sign-in and last-seen times
    (seconds since the epoch; cookies from before these times count from the row's
    creation). The last-seen time is written back at most every SESSION_SEEN_REFRESH_SECONDS:
    in between, a request does not send the cookie again."""
    if not isinstance(stamp, dict):  # a cookie written before the times were kept: the id alone
        stamp = {"id": stamp}
    staff_session = db.session.get(StaffSession, stamp.get("id")) if isinstance(stamp.get("id"), str) else None
    if staff_session is None or not staff_session.user.active:
        session.pop(SESSION_KEY, None)
        return None
    config, now = current_app.config, time.time()
    started = as_utc(staff_session.created_at).timestamp()
    signed_in, seen = stamp.get("signed_in_at", started), stamp.get("seen_at", started)
    if (now - seen > config["STAFF_SESSION_IDLE_MINUTES"] * 60
            or now - min(signed_in, started) > config["STAFF_SESSION_MAX_DAYS"] * 86400):
        session.pop(SESSION_KEY, None)
        _write_now(delete(StaffSession).where(StaffSession.id == staff_session.id))
        flash(_("Your session has ended. Please sign in again."), "info")
        return None
    if now - seen >= config["SESSION_SEEN_REFRESH_SECONDS"]:
        session[SESSION_KEY] = {"id": staff_session.id, "signed_in_at": signed_in, "seen_at": int(now)}
    return staff_session.user


def _write_now(statement):
    """Run one small write from a before_request hook, committed whatever the view does.

    When the request already holds the write lock (a POST), in its transaction: a second
    writer would wait for it on SQLite. Otherwise on a connection of its own, as a write
    from the start: the request's transaction is a read, which on SQLite cannot safely
    turn into a write."""
    if db.session().in_transaction() and db.session.connection().get_execution_options().get(WRITE_OPTION):
        db.session.execute(statement)
        return
    with db.engine.connect().execution_options(**{WRITE_OPTION: True}) as connection, connection.begin():
        connection.execute(statement)


def _token_user(token: str) -> User:
    """The active account a working token belongs to. A token that is unknown, expired or
    revoked is refused at once (401), whatever the endpoint: the script must be told."""
    found = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    now = utcnow()
    if found is None or not found.works_at(now) or not found.user.active:
        abort(401, description=_("This API token is unknown, expired or revoked. Ask for a new one."))
    if found.last_used_at is None or as_utc(found.last_used_at) < now - LAST_USED_PRECISION:
        _write_now(update(ApiToken).where(ApiToken.id == found.id).values(last_used_at=now))
    return found.user


def log_in(user: User):
    session.clear()  # a fresh session: nothing from before the login survives it
    now = utcnow()
    # Sessions that have ended for good are of no use to anyone any more.
    db.session.execute(delete(StaffSession).where(
        StaffSession.created_at < now - timedelta(days=current_app.config["STAFF_SESSION_MAX_DAYS"])))
    staff_session = StaffSession(user=user, created_at=now)
    db.session.add(staff_session)
    db.session.flush()
    session[SESSION_KEY] = {"id": staff_session.id, "signed_in_at": int(now.timestamp()), "seen_at": int(now.timestamp())}
    session.permanent = True


def log_out():
    stamp = session.pop(SESSION_KEY, None)
    session_id = stamp.get("id") if isinstance(stamp, dict) else stamp
    if isinstance(session_id, str):
        db.session.execute(delete(StaffSession).where(StaffSession.id == session_id))
    session.clear()


def issue_api_token(user: User, name: str, days: int | None = None) -> str:
    """Create a token that works `days` days (API_TOKEN_DAYS by default) and return it;
    it is shown once and never stored in clear."""
    token = secrets.token_urlsafe(32)
    days = current_app.config["API_TOKEN_DAYS"] if days is None else days
    now = utcnow()
    db.session.add(ApiToken(user=user, name=name, token_hash=_digest(token), created_at=now,
                            expires_at=now + timedelta(days=days)))
    return token


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def staff_required(*roles: Role):
    """View decorator: a logged-in staff member, with one of `roles` if any are given."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if g.user is None:
                if request.blueprint and request.blueprint.startswith("api"):
                    abort(401)
                return redirect(url_for("accounts.login", next=request.full_path))
            if roles and g.user.role not in roles and g.user.role is not Role.admin:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
