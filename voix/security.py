"""HTTP headers that hold on every page (OWASP ASVS): no inline script, no framing, HTTPS
only once a browser has come over HTTPS; and the signed session cookie, sent over HTTPS
only, whose signer is built once per secret key, not per request."""
import ipaddress

from flask import has_request_context, request
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
# Sent over HTTPS only (a browser ignores it over HTTP): a year, subdomains included.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def cookies_are_secure(app) -> bool:
    """The session cookie goes over HTTPS only, except in debug mode, with
    INSECURE_COOKIES (VOIX_INSECURE_COOKIES=1, for a plain-HTTP lab), and for a browser
    on this machine talking to Flask's development server over plain HTTP (`flask run`,
    the README's demo): nothing crosses the network there, and a Secure cookie would not
    come back, so nobody could sign in. Asked by Flask on every request, session or not:
    the common case (gunicorn) is answered from the configuration and one environ key."""
    config = app.config
    if config["DEBUG"] or config["INSECURE_COOKIES"] or not config["SESSION_COOKIE_SECURE"]:
        return False
    if not has_request_context() or not request.environ.get("SERVER_SOFTWARE", "").startswith("Werkzeug/"):
        return True  # gunicorn and other servers name themselves
    return not _local_plain_http()


def _local_plain_http() -> bool:
    if request.is_secure:
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


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

    def get_cookie_secure(self, app):
        return cookies_are_secure(app)

    def open_session(self, app, request):
        # No Cookie header (every kiosk and phone submission): what Flask would find, an
        # empty session, without parsing the cookies of a header that is not there.
        if "HTTP_COOKIE" not in request.environ and self.get_signing_serializer(app) is not None:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        # An empty session nobody changed sets and deletes no cookie: Flask's own code
        # would only add "Vary: Cookie" if it was read, after working out the cookie's
        # name, domain, path and flags for nothing.
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def init_app(app):
    app.session_interface = SessionInterface()

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        present = {name.lower() for name, _value in headers.items()}  # a view may set its own
        for name, value in EVERY_RESPONSE if request.endpoint == "static" else EVERY_PAGE:
            if name.lower() not in present:
                headers.add(name, value)
        if request.is_secure:  # behind a proxy, right once PROXY_FIX_HOPS trusts its X-Forwarded-Proto
            headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
        return response
