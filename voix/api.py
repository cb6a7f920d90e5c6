"""The JSON API under /api/v1; each feature contributes a nested blueprint.

The API does not rely on the CSRF token: it accepts only `application/json` bodies,
which a cross-site form cannot send without a CORS preflight we never grant. Staff
calls authenticate with a bearer token (`flask users token`).
"""
from flask import Blueprint, abort, request
from flask_babel import gettext as _

from .extensions import csrf
from .i18n import available_languages


def create_blueprint(*feature_blueprints) -> Blueprint:
    api = Blueprint("api", __name__, url_prefix="/api/v1")
    for feature in feature_blueprints:
        api.register_blueprint(feature)
        # Flask-WTF looks up the blueprint of the request, i.e. the nested one.
        csrf.exempt(feature)

    @api.before_request
    def _json_only():
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and not request.is_json:
            abort(415)

    return api


def body_language(body: dict) -> str:
    """The language a JSON body says it was written in, if the platform speaks it; else French."""
    language = body.get("language")
    return language if isinstance(language, str) and language in available_languages() else "fr"


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, description=_("The body must be a JSON object."))
    return body
