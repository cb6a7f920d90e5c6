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
# Raw free-text survey answers are deleted this long after they were written, once
# analysed (`flask --app wsgi privacy purge`, insights/retention.py).
FREE_TEXT_RETENTION_MONTHS = 24
# Whom residents write to about their personal data (the data protection officer of the
# organisation running the platform), shown on /donnees-personnelles.
PRIVACY_CONTACT = "dpo@example.org"
KIOSK_WARNING_SECONDS = 30
KIOSK_THANKS_SECONDS = 8
KIOSK_COOKIE_NAME = "voix_kiosk"
KIOSK_COOKIE_MAX_AGE = 365 * 24 * 3600

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

# Rate limits on public writes (voix/limits.py; "N per minute; M per hour"): per
# registered kiosk (generous: a whole room of residents takes turns on one tablet), per
# client address for everyone else, per participation token or signed-in resident.
RATELIMIT_ENABLED = True
RATELIMIT_KIOSK = "120 per minute; 3000 per hour"
RATELIMIT_ADDRESS = "60 per minute; 1000 per hour"
RATELIMIT_TOKEN = "30 per minute; 600 per hour"

# Several app servers: VOIX_SERVERS=N (N > 1 requires a configured secret key) and
# VOIX_REDIS_URL=redis://host:6379/0, where the rate limits are counted (docs/deploy.md).
SERVERS = 1
REDIS_URL = None
