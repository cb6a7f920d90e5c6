"""Rate limits on the public writes, in one place (Flask-Limiter).

Every POST to an endpoint of PUBLIC_WRITES counts against two budgets, shared by all of
those endpoints:

- the caller's: a registered kiosk counts as itself (its signed device cookie, or the
  X-Kiosk-Token header of the API), with the generous RATELIMIT_KIOSK; anyone else
  counts by client address, with RATELIMIT_ADDRESS. Keying kiosks on their address would
  misfire: every tablet of an EPN goes out through the same one.
- the participant's, RATELIMIT_TOKEN: the participation token a deliberation write
  carries (the API's "token", or the tokens in a browser's session), or the signed-in
  resident; a script holding one token cannot write faster from many addresses.

Counters live in Redis when VOIX_REDIS_URL is set, so that the limits hold across app
servers; in each process's memory otherwise (one server). A refused write gets 429 with a
translated message (voix/errors.py) and a Retry-After header. RATELIMIT_ENABLED=False
switches every limit off (the test suite and the throughput bench do).
"""
import hashlib

from flask import current_app, g, request, session
from flask_limiter import ApplicationLimit, Limiter

from .kiosk.device import calling_kiosk

PUBLIC_WRITES = frozenset({
    # survey responses
    "surveys.answer", "surveys.kiosk_answer", "api.surveys_api.submit",
    # ideas, supports, votes, comments, questions to institutions, reports, committees
    "deliberation.propose", "deliberation.ask", "deliberation.support", "deliberation.co_carry",
    "deliberation.comment", "deliberation.report", "deliberation.volunteer", "deliberation.pairwise",
    "deliberation.statements", "deliberation.propose_statement", "deliberation.report_statement",
    "api.deliberation_api.new_participant", "api.deliberation_api.propose", "api.deliberation_api.ask",
    "api.deliberation_api.support", "api.deliberation_api.statement_vote", "api.deliberation_api.pairwise",
    "api.deliberation_api.comment", "api.deliberation_api.report",
    "api.deliberation_api.propose_statement", "api.deliberation_api.report_statement",
    # sign-ins (each account also has its own throttle: voix/accounts/throttle.py)
    "accounts.login", "residents.sign_in", "residents.sign_up",
})

EXTENSION = "voix.limiter"
SESSION_TOKENS = "participation"  # where deliberation/views.py keeps a browser's tokens


def init_app(app):
    """Call last in create_app: the hook then runs after the one that opens write
    transactions (voix/database.py), so the kiosk lookup below never begins a read
    transaction that a SQLite write would then have to upgrade."""
    redis_url = app.config.get("REDIS_URL")
    if not redis_url and int(app.config.get("SERVERS") or 1) > 1 and app.config.get("RATELIMIT_ENABLED", True):
        app.logger.warning("VOIX_SERVERS > 1 without VOIX_REDIS_URL: each process counts the rate limits alone, "
                           "so every server and worker lets the whole limit through (docs/deploy.md).")
    limiter = Limiter(
        _caller_key,
        application_limits=[
            ApplicationLimit(_caller_limits, scope="public-writes", methods=["POST"], exempt_when=_not_a_public_write),
            ApplicationLimit(lambda: current_app.config["RATELIMIT_TOKEN"], key_function=_participant_key,
                             scope="public-writes-participant", methods=["POST"], exempt_when=_no_participant),
        ],
        storage_uri=redis_url or "memory://",
        # Redis unreachable: count in this process's memory meanwhile, never refuse or
        # fail a resident's write because of the counters.
        in_memory_fallback_enabled=bool(redis_url),
        swallow_errors=True,
        key_prefix="voix",
        headers_enabled=True,
        enabled=app.config.get("RATELIMIT_ENABLED", True),
    )
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    return limiter


def _not_a_public_write() -> bool:
    return request.endpoint not in PUBLIC_WRITES


def _caller_limits() -> str:
    return current_app.config["RATELIMIT_KIOSK" if calling_kiosk() else "RATELIMIT_ADDRESS"]


def _caller_key() -> str:
    kiosk = calling_kiosk()
    return f"kiosk:{kiosk.id}" if kiosk else f"address:{request.remote_addr or 'unknown'}"


def _participant_key() -> str | None:
    if "limits_participant" not in g:
        g.limits_participant = _find_participant_key()
    return g.limits_participant


def _find_participant_key() -> str | None:
    resident = g.get("resident")
    if resident is not None:
        return f"resident:{resident.id}"
    body = request.get_json(silent=True) if request.is_json else None
    tokens = [body["token"]] if isinstance(body, dict) and isinstance(body.get("token"), str) and body["token"] \
        else sorted(str(token) for token in (session.get(SESSION_TOKENS) or {}).values())
    if not tokens:
        return None
    # A digest: the token is a credential, and Redis keys are readable by whoever runs it.
    return "participant:" + hashlib.sha256("|".join(tokens).encode()).hexdigest()[:32]


def _no_participant() -> bool:
    return _not_a_public_write() or _participant_key() is None


def reset(app):
    """Forget every counter (tests, or after changing the limits)."""
    app.extensions[EXTENSION].reset()
