"""The JSON API under /api/v1; each feature contributes a nested blueprint.

The API does not rely on the CSRF token: it accepts only `application/json` bodies,
which a cross-site form cannot send without a CORS preflight we never grant. Staff
calls authenticate with a bearer token (`flask users token`).
"""
from flask import Blueprint, abort, request
from flask_babel import gettext as _

from .extensions import csrf
from .i18n import available_languages
from .request_input import outside_id


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

    @api.errorhandler(InvalidField)
    def _invalid_field(error):
        return {"error": 422, "message": error.message}, 422

    return api


def body_language(body: dict) -> str:
    """The language a JSON body says it was written in, if the platform speaks it; else French."""
    language = body.get("language")
    return language if isinstance(language, str) and language in available_languages() else "fr"


def json_body() -> dict:
    """The request's JSON object, its strings already cleaned (voix/request_input.py).

    JSON that is not UTF-8, too deep or too large is a 400 with the reason.
    """
    body = request.get_json()
    if not isinstance(body, dict):
        abort(400, description=_("The body must be a JSON object."))
    return body


class InvalidField(Exception):
    """A field of a JSON body has the wrong type; answered 422 by the API (see create_blueprint)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def text_field(body: dict, key: str) -> str:
    """A text field of a JSON body: missing or null is "", anything but a string is refused."""
    value = body.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidField(_("%(field)s must be text.", field=key))
    return value


def optional_id(body: dict, key: str) -> int | None:
    """An id field of a JSON body: None when missing or null, refused unless a whole number in range."""
    value = body.get(key)
    if value is None:
        return None
    number = outside_id(value) if isinstance(value, int) else None  # JSON says 12, not "12"
    if number is None:
        raise InvalidField(_("%(field)s must be the id of an existing item.", field=key))
    return number
