"""The signed device token that makes a tablet a kiosk of a place.

It lives in its own long-lived cookie, apart from the session, so that resetting the
session between two residents keeps the tablet registered.
"""
from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

from ..request_input import row_by_outside_id
from .models import Kiosk

ACTIVITY_PROVIDERS = "voix.kiosk_activities"
RESET_HOOKS = "voix.kiosk_reset_hooks"


def _serializer():
    return URLSafeSerializer(current_app.secret_key, salt="voix-kiosk-device")


def device_token(kiosk: Kiosk) -> str:
    return _serializer().dumps({"kiosk": kiosk.id, "nonce": kiosk.nonce})


def kiosk_from_token(token: str | None) -> Kiosk | None:
    if not token:  # most requests come from no kiosk: no signature to check
        return None
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    # Signed, so ours, but perhaps by an older version or another key holder: an id in range, or nothing.
    kiosk = row_by_outside_id(Kiosk, data.get("kiosk")) if isinstance(data, dict) else None
    if kiosk is None or kiosk.revoked_at is not None or kiosk.nonce != data.get("nonce"):
        return None
    return kiosk


def current_kiosk() -> Kiosk | None:
    if "kiosk" not in g:
        g.kiosk = kiosk_from_token(request.cookies.get(current_app.config["KIOSK_COOKIE_NAME"]))
    return g.kiosk


def calling_kiosk() -> Kiosk | None:
    """The kiosk making this request: the API's X-Kiosk-Token header, else the browser's
    device cookie. Looked up once per request (the rate limiter and the view both ask)."""
    if "calling_kiosk" not in g:
        header = request.headers.get("X-Kiosk-Token")
        g.calling_kiosk = kiosk_from_token(header) if header else current_kiosk()
    return g.calling_kiosk


def remember_device(response, kiosk: Kiosk):
    response.set_cookie(
        current_app.config["KIOSK_COOKIE_NAME"], device_token(kiosk),
        max_age=current_app.config["KIOSK_COOKIE_MAX_AGE"], httponly=True, samesite="Lax",
        secure=request.is_secure,
    )
    return response


def register_activity_provider(app, provider):
    """Features add what a kiosk offers: provider(kiosk) -> [{"title", "url", "kind"}]; the
    start screen groups them by kind ("survey", "consultation"). An item may also name
    "offline_urls": more pages the service worker keeps for offline use."""
    app.extensions.setdefault(ACTIVITY_PROVIDERS, []).append(provider)


def activities_for(kiosk: Kiosk) -> list[dict]:
    return [item for provider in current_app.extensions.get(ACTIVITY_PROVIDERS, []) for item in provider(kiosk)]


def register_reset_hook(app, hook):
    """Features end what they keep on the server for a resident: hook() runs at each reset,
    before the session is cleared (e.g. a resident's sign-in)."""
    app.extensions.setdefault(RESET_HOOKS, []).append(hook)


def run_reset_hooks():
    for hook in current_app.extensions.get(RESET_HOOKS, []):
        hook()
