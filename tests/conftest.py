"""Fixtures: every test that takes `app` runs on SQLite and on PostgreSQL.

PostgreSQL runs when TEST_DATABASE_URL is set (`.ci/run` sets it) and is skipped with
the reason otherwise. The schema is built once per backend by the real migrations; each
test then starts from empty tables.
"""
import os
import re
import shutil
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from voix import create_app
from voix.accounts.cli import create_user
from voix.accounts.models import Role
from voix.demo import _create_territories
from voix.extensions import db
from voix.territories.models import Territory

BACKENDS = ["sqlite", "postgresql"]
PG_HINT = "set TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test to run the PostgreSQL tests"


def residents_today():
    """Today where the residents live, as the app reckons it (`voix.models.local_today`):
    between 23:00 and midnight UTC, ``date.today()`` on a UTC machine is already yesterday
    in Tours, and a wave "opening today" or a count "this month" would be off by a day."""
    from zoneinfo import ZoneInfo

    from voix.config import BABEL_DEFAULT_TIMEZONE

    return datetime.now(ZoneInfo(BABEL_DEFAULT_TIMEZONE)).date()



def make_app(uri, **extra):
    # Tests write far more than any resident: rate limits are off unless a test turns them
    # on (tests/test_rate_limits.py).
    # No background analysis either: tests call analyze_pending() or turn it on and join the
    # thread (tests/test_insights_store.py).
    config = {"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
              "INSIGHTS_ANALYZE_IN_BACKGROUND": False, "SQLALCHEMY_DATABASE_URI": uri, **extra}
    return create_app(config)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated, empty SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "voix.sqlite"
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url():
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip(PG_HINT)
    url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    except sa.exc.OperationalError as error:
        pytest.skip(f"PostgreSQL at TEST_DATABASE_URL is unreachable ({error.orig}); {PG_HINT}")
    finally:
        engine.dispose()
    app = make_app(url)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        db.engine.dispose()
    return url


@contextmanager
def fresh_database(request, folder):
    """The URL of an empty, migrated database of the backend `request.param`: a copy of the
    SQLite template in `folder`, or the PostgreSQL test database, emptied afterwards."""
    if request.param == "sqlite":
        path = folder / "voix.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    with fresh_database(request, tmp_path) as url:
        yield url


@pytest.fixture
def redis_url():
    """An emptied Redis database for the tests that count in Redis (rate limits, two servers)."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("set TEST_REDIS_URL=redis://127.0.0.1:6379/15 to run the tests that count in Redis")
    import redis

    try:
        redis.Redis.from_url(url).flushdb()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"Redis at TEST_REDIS_URL is unreachable ({error})")
    return url


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


class SessionReleasingClient(FlaskClient):
    """Commits the test's own session before each request.

    The test's session would otherwise keep a transaction open across requests: on
    SQLite that blocks the request's writes, or gives the test a stale snapshot.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        return super().open(*args, **kwargs)


@contextmanager
def serving(database_url, **config):
    """A client of a second app instance on the same database.

    Requests then get their own app context (fresh `g`, fresh locale) as in production,
    instead of sharing the one the test holds open for its own queries.
    """
    server = make_app(database_url, **config)
    server.test_client_class = SessionReleasingClient
    yield server.test_client()
    with server.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app, database_url):
    with serving(database_url) as client:
        yield client


def count_rows(model) -> int:
    """Rows in a model's table, read in a new transaction (SQLite snapshots are per transaction)."""
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def territories(app):
    """The demo's metropole, communes and quartiers, by slug."""
    _create_territories()
    db.session.commit()
    return {t.slug: t for t in db.session.scalars(sa.select(Territory))}


@pytest.fixture
def make_user(app, territories):
    def make(role="facilitator", scope=("sanitas",), email=None, password="correct horse battery"):
        email = email or f"{role}-{'-'.join(scope) or 'all'}@example.org"
        user, _ = create_user(email, email.split("@")[0], Role(role), scope, password=password)
        db.session.commit()
        return user

    return make


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user, password="correct horse battery"):
        response = self.client.post("/connexion", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.text
        return response

    def logout(self):
        return self.client.post("/deconnexion")


@pytest.fixture
def auth(client):
    return Auth(client)


SIMPLE_QUESTIONS = [
    dict(code="mood", type="smiley", required=True, text={"fr": "Humeur ?", "en": "Mood?", "ar": "المزاج؟"}),
    dict(code="priority", type="single_choice", text={"fr": "Priorité ?", "en": "Priority?"},
         options=[{"code": "clean", "label": {"fr": "Propreté", "en": "Cleanliness", "ar": "النظافة"}},
                  {"code": "youth", "label": {"fr": "Jeunes", "en": "Youth"}}]),
    dict(code="why", type="long_text", text={"fr": "Pourquoi ?", "en": "Why?"},
         condition={"question": "priority", "equals": "clean"}),
]


@pytest.fixture
def make_wave(app, territories):
    """A questionnaire with SIMPLE_QUESTIONS (or others) and one wave in a territory."""
    from surveys import operations as ops
    from surveys.models import QuestionType, WaveStatus

    def make(territory="sanitas", questions=SIMPLE_QUESTIONS, status=WaveStatus.open, days=(-1, 30)):
        place = territories[territory]
        questionnaire = ops.create_questionnaire({"fr": "Enquête test", "en": "Test survey", "ar": "استبيان"}, place)
        db.session.flush()
        for fields in questions:
            ops.save_question(questionnaire.latest_version, **{**fields, "type": QuestionType(fields["type"])})
        today = residents_today()
        wave = ops.create_wave(questionnaire, place, today + timedelta(days=days[0]), today + timedelta(days=days[1]))
        wave.status = status
        db.session.commit()
        return wave

    return make


@pytest.fixture(scope="module")
def an():
    """The discourse analyzer with its default gazetteer and lexicons (insights tests)."""
    from insights import Analyzer

    return Analyzer()


def stance(an, text, code):
    """The stance the analyzer gives institution `code` in `text`."""
    return an.analyze(text).by_code[code].stance
