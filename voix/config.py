"""Configuration defaults.

Secrets and deployment settings come from the instance folder (`instance/config.py`)
or from `VOIX_`-prefixed environment variables (`VOIX_SECRET_KEY`, ...); `DATABASE_URL`
selects PostgreSQL. Tests pass a mapping to `create_app` instead.
"""

LANGUAGES = {
    # code: (name in its own script, text direction)
    "fr": ("Français", "ltr"),
    "ar": ("العربية", "rtl"),
    "en": ("English", "ltr"),
}

BABEL_DEFAULT_LOCALE = "fr"
BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
BABEL_TRANSLATION_DIRECTORIES = "../translations"

SQLALCHEMY_ENGINE_OPTIONS = {}
# How long SQLite waits for another writer before giving up (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 15000

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = 8 * 3600  # a staff working day

# Flask-WTF tokens expire after an hour; kiosk pages renew theirs without losing answers.
WTF_CSRF_TIME_LIMIT = 3600

# Kiosk behaviour (seconds). WCAG 2.2.1 wants at least 20 s to react to the idle warning.
KIOSK_IDLE_SECONDS = 90
KIOSK_WARNING_SECONDS = 30
KIOSK_THANKS_SECONDS = 8
KIOSK_COOKIE_NAME = "voix_kiosk"
KIOSK_COOKIE_MAX_AGE = 365 * 24 * 3600
# A tablet that was offline may send, this many days after a wave closed, the responses
# answered before it closed (VOIX_OFFLINE_GRACE_DAYS).
OFFLINE_GRACE_DAYS = 7

# Bodies larger than this are refused with 413 (answers, votes and ideas are small).
MAX_CONTENT_LENGTH = 2 * 1024 * 1024

# Behind a TLS-terminating proxy: trust this many X-Forwarded-* hops (0 = no proxy),
# and send cookies over HTTPS only (VOIX_SESSION_COOKIE_SECURE=true).
PROXY_FIX_HOPS = 0
SESSION_COOKIE_SECURE = False

# Idea photos: the largest file accepted (a phone photo), and where uploads are kept
# (default: the "uploads" folder of the instance folder; never under /static).
IDEA_PHOTO_MAX_BYTES = 8 * 1024 * 1024
UPLOAD_FOLDER = None

# A resident's sign-in lasts this long at most: on a personal device, and on a kiosk (as
# a safety net behind the explicit sign-out and the idle reset).
RESIDENT_SESSION_DAYS = 30

# Sign-in, staff and residents: after this many wrong passwords for one account within
# this many minutes, the account waits (voix/accounts/throttle.py).
SIGN_IN_MAX_FAILURES = 5
SIGN_IN_LOCK_MINUTES = 15
KIOSK_RESIDENT_SESSION_MINUTES = 30
