"""HTTP headers that hold on every page (OWASP ASVS): no inline script, no framing; and
the signed session cookie, whose signer is built once per secret key, not per request."""
from flask import request
from flask.sessions import SecureCookieSessionInterface

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])
EVERY_RESPONSE = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
)
# Pages carry a resident's answers or staff data: the browser keeps nothing, so the back
# button on a shared kiosk cannot show the previous person's page.
EVERY_PAGE = (*EVERY_RESPONSE, ("Cache-Control", "no-store"))


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, with its serializer kept while the keys stay the same.

    Flask builds a new serializer on every request, session or not; on the survey
    submission path that cost more than reading the cookie."""

    _cached = (None, None)

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached_keys, serializer = self._cached
        if cached_keys != keys:
            serializer = super().get_signing_serializer(app)
            self._cached = (keys, serializer)
        return serializer


def init_app(app):
    app.session_interface = SessionInterface()

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        present = {name.lower() for name, _value in headers.items()}  # a view may set its own
        for name, value in EVERY_RESPONSE if request.endpoint == "static" else EVERY_PAGE:
            if name.lower() not in present:
                headers.add(name, value)
        return response
