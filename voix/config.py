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
# A staff sign-in ends after this long without a request, and in any case this many days
# after signing in (voix/accounts/auth.py). The last-seen time in the cookie is written
# back at most this often, so that most requests do not send the cookie again; Flask's
# own refresh of a permanent cookie on every request is off for the same reason.
STAFF_SESSION_IDLE_MINUTES = 8 * 60
STAFF_SESSION_MAX_DAYS = 7
SESSION_SEEN_REFRESH_SECONDS = 300
SESSION_REFRESH_EACH_REQUEST = False

# Flask-WTF tokens expire after an hour; kiosk pages renew theirs without losing answers.
WTF_CSRF_TIME_LIMIT = 3600

# Kiosk behaviour (seconds). WCAG 2.2.1 wants at least 20 s to react to the idle warning.
KIOSK_IDLE_SECONDS = 90
# Without a worker (`flask insights analyze --every N`), the discourse and indicator screens
# start the analysis of waiting texts in one background thread per process (insights/waiting.py).
# Set it off (VOIX_INSIGHTS_ANALYZE_IN_BACKGROUND=false) where a worker runs.
INSIGHTS_ANALYZE_IN_BACKGROUND = True
# Raw free-text survey answers are deleted this long after they were written, once
# analysed (`flask --app wsgi privacy purge`, insights/retention.py).
FREE_TEXT_RETENTION_MONTHS = 24
# Whom residents write to about their personal data (the data protection officer of the
# organisation running the platform), shown on /donnees-personnelles.
PRIVACY_CONTACT = "dpo@example.org"
KIOSK_WARNING_SECONDS = 30
KIOSK_THANKS_SECONDS = 30  # at least 20 (voix/kiosk/views.py)
KIOSK_COOKIE_NAME = "voix_kiosk"
KIOSK_COOKIE_MAX_AGE = 365 * 24 * 3600
# A tablet that was offline may send, this many days after a wave closed, the responses
# answered before it closed (VOIX_OFFLINE_GRACE_DAYS).
OFFLINE_GRACE_DAYS = 7
# A personal phone keeps a response the server refused (shown to the resident, who may delete it)
# this many days after it was answered, then erases it (docs/surveys.md).
OFFLINE_PHONE_KEEP_REFUSED_DAYS = 30

# Bodies larger than this are refused with 413 (answers, votes and ideas are small).
MAX_CONTENT_LENGTH = 2 * 1024 * 1024

# Behind a TLS-terminating proxy: trust this many X-Forwarded-* hops (0 = no proxy).
PROXY_FIX_HOPS = 0
# The session cookie is sent over HTTPS only (voix/security.py), except in debug mode, for
# a browser on the same machine as `flask run`, or with VOIX_INSECURE_COOKIES=1 (a
# plain-HTTP lab, tablets on a local network: never on the Internet).
SESSION_COOKIE_SECURE = True
INSECURE_COOKIES = False

# Idea photos: the largest file accepted (a phone photo), and where uploads are kept
# (default: the "uploads" folder of the instance folder; never under /static).
IDEA_PHOTO_MAX_BYTES = 8 * 1024 * 1024
UPLOAD_FOLDER = None

# A resident's sign-in lasts this long at most: on a personal device, and on a kiosk (as
# a safety net behind the explicit sign-out and the idle reset).
RESIDENT_SESSION_DAYS = 30
# ... and on a personal device it ends sooner when unused this many days.
RESIDENT_SESSION_IDLE_DAYS = 7

# Sign-in, staff and residents (voix/accounts/throttle.py, docs/security.md). Within
# SIGN_IN_LOCK_MINUTES: this many wrong passwords for one account from one address make
# that account wait at that address; this many from one address, whatever the accounts,
# make the address wait (an EPN's tablets share one); this many for one account from
# anywhere make it wait everywhere but at the addresses where it signed in before.
SIGN_IN_MAX_FAILURES = 5
SIGN_IN_MAX_FAILURES_PER_ADDRESS = 30
SIGN_IN_MAX_FAILURES_PER_ACCOUNT = 20
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

# API bearer tokens work this many days unless `flask users token --days` says otherwise
# (VOIX_API_TOKEN_DAYS=30).
API_TOKEN_DAYS = 90
