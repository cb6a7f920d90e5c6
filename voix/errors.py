"""Error pages in the user's language, and JSON errors under /api/."""
from flask import render_template, request
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
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
        500: _("Something went wrong on our side. Nothing you sent was lost or counted twice."),
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

    @app.errorhandler(Exception)
    def _unexpected(error):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return _render(500, None)


def _render(code, message=None, api_detail=None):
    message = message or _messages().get(code) or _("Something went wrong.")
    if request.path.startswith("/api/"):
        return {"error": code, "message": api_detail or message}, code
    return render_template("error.html", code=code, message=message), code


