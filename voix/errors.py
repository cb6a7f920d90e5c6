"""Error pages in the user's language, and JSON errors under /api/."""
from flask import current_app, make_response, render_template, request
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from .extensions import db


def _messages():
    return {
        400: _("The request could not be understood."),
        401: _("Please log in."),
        403: _("You are not allowed to do this here."),
        404: _("This page does not exist."),
        405: _("This action is not possible here."),
        413: _("What you sent is too large."),
        415: _("Send JSON (Content-Type: application/json)."),
        # Honest: a 500 may come before or after the write. A re-sent answer is not counted
        # twice (its UUID), so sending again is the safe advice.
        500: _("Something went wrong on our side, and what you just sent may not have been saved. You can send it again: it will not be counted twice."),
    }


def init_app(app):
    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        return _render(400, _("The form had expired. Please go back, reload the page and send it again."))

    @app.errorhandler(RateLimitExceeded)
    def _too_many(error):
        # Flask-Limiter's description is the limit itself ("60 per 1 minute"): not for residents.
        return _render(429, _("You have sent a lot in a short time. What you just sent was not saved: "
                              "please wait a minute, then send it again."))

    @app.errorhandler(HTTPException)
    def _http_error(error):
        # Our own abort(..., description=...) texts go to API clients; Werkzeug's generic
        # English ones are replaced by the translated message.
        own_detail = error.description if error.description != type(error).description else None
        return _render(error.code, None, own_detail)

    @app.errorhandler(DBAPIError)
    def _database_error(error):
        if not write_refused(error):
            return _unexpected(error)
        app.logger.error("The database refused a write on %s %s: %s", request.method, request.path, error.orig)
        _forget_the_failed_transaction()
        if request.endpoint in SIGN_IN_ENDPOINTS:
            message = _("Signing in is not possible at the moment: the platform is read-only for a while. "
                        "Please try again later.")
        elif request.method in ("GET", "HEAD"):
            message = _("The platform cannot be reached at the moment. Please try again in a few minutes.")
        else:
            message = not_saved_message()
        response = make_response(_render(503, message))
        response.headers["Retry-After"] = "120"
        return response

    @app.errorhandler(Exception)
    def _unexpected(error):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return _render(500, None)


# --- The database refuses to write: read-only, disk full, a lock held too long -----------
#
# Then nothing was stored, and the resident must be told so (503), never "nothing was lost".

SIGN_IN_ENDPOINTS = ("accounts.login", "residents.sign_in", "residents.sign_up")
# PostgreSQL SQLSTATEs that mean "cannot write now" although psycopg does not call them
# OperationalError: 25006 (read-only transaction: a standby, default_transaction_read_only)
# and class 53 (insufficient resources: disk full, out of memory, too many connections).
REFUSED_WRITE_STATES = ("25006", "53")


def write_refused(error: DBAPIError) -> bool:
    """Whether the database refused to write or could not be reached (a retry may work later)."""
    if isinstance(error, OperationalError):  # SQLite read-only, disk full, locked; PostgreSQL down, lock timeout
        return True
    state = getattr(error.orig, "sqlstate", None) or ""
    return state.startswith(REFUSED_WRITE_STATES)


def nothing_saved(error: DBAPIError) -> str:
    """For a form shown again with what was typed when the database refuses the write: the
    message to show, once the failed transaction is forgotten. Any other error is raised again."""
    if not write_refused(error):
        raise error
    current_app.logger.error("The database refused a write on %s %s: %s", request.method, request.path, error.orig)
    _forget_the_failed_transaction()
    return _("What you sent was NOT saved: the platform cannot save anything at the moment. "
             "What you wrote is still here: please send it again in a few minutes.")


def not_saved_message() -> str:
    return _("The platform cannot save anything at the moment. What you just sent was NOT saved: "
             "please try again in a few minutes.")


def _forget_the_failed_transaction():
    try:
        db.session.rollback()
    except DBAPIError:  # the connection itself is gone: the pool replaces it
        db.session.invalidate()


def _render(code, message=None, api_detail=None):
    message = message or _messages().get(code) or _("Something went wrong.")
    if request.path.startswith("/api/"):
        return {"error": code, "message": api_detail or message}, code
    return render_template("error.html", code=code, message=message), code


