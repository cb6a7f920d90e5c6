"""Who is making this request: staff session (cookie) or staff API token (bearer)."""
import functools
import hashlib
import secrets

from flask import abort, g, redirect, request, session, url_for
from sqlalchemy import select

from ..extensions import db
from .models import ApiToken, Role, StaffSession, User

SESSION_KEY = "staff_session"


def load_current_user():
    """before_request hook: sets g.user to the logged-in staff member or None."""
    g.user = None
    header = request.headers.get("Authorization", "")
    # A token is for scripts calling the API: it never opens the staff screens.
    if header.startswith("Bearer ") and (request.blueprint or "").startswith("api"):
        token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(header[7:].strip())))
        g.user = token.user if token and token.user.active else None
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


def issue_api_token(user: User, name: str) -> str:
    """Create a token and return it; it is shown once and never stored in clear."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, name=name, token_hash=_digest(token)))
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
