"""Who is making this request: staff session (cookie) or staff API token (bearer)."""
import functools
import hashlib
import secrets
from datetime import timedelta

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select, update

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
    session_id = session.get(SESSION_KEY)
    if session_id:
        staff_session = db.session.get(StaffSession, session_id)
        if staff_session is None or not staff_session.user.active:
            session.pop(SESSION_KEY, None)
        else:
            g.user = staff_session.user


def log_in(user: User):
    session.clear()  # a fresh session: nothing from before the login survives it
    staff_session = StaffSession(user=user)
    db.session.add(staff_session)
    db.session.flush()
    session[SESSION_KEY] = staff_session.id
    session.permanent = True


def log_out():
    session_id = session.pop(SESSION_KEY, None)
    if session_id:
        db.session.execute(StaffSession.__table__.delete().where(StaffSession.id == session_id))
    session.clear()


def _token_user(token: str) -> User:
    """The active account a working token belongs to. A token that is unknown, expired or
    revoked is refused at once (401), whatever the endpoint: the script must be told."""
    found = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    now = utcnow()
    if found is None or not found.works_at(now) or not found.user.active:
        abort(401, description=_("This API token is unknown, expired or revoked. Ask for a new one."))
    if found.last_used_at is None or as_utc(found.last_used_at) < now - LAST_USED_PRECISION:
        _note_use(found.id, now)
    return found.user


def _note_use(token_id: int, now):
    # On a connection of its own, as a write from the start: the request's own transaction
    # may be a read, which on SQLite cannot safely turn into a write.
    with db.engine.connect().execution_options(**{WRITE_OPTION: True}) as connection, connection.begin():
        connection.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))


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
