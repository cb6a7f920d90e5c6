"""More than one app server (docs/deploy.md): one secret key from the configuration, what
one server stores or counts is seen by the other, and analysis workers share the work."""
import http.cookiejar
import json
import os
import threading
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from insights.models import TextAnalysis
from insights.pipeline import Analyzer
from insights.store import analyze_pending
from surveys.models import Response
from surveys.submission import load_target, submit_response
from tests.conftest import count_rows, make_app
from tests.test_insights_store import QUESTIONS
from voix import create_app
from voix.extensions import db

# --- The secret key ---------------------------------------------------------------------


@pytest.mark.parametrize("config", [
    {"SERVERS": 2, "UPLOAD_FOLDER": "/srv/voix/uploads", "SQLALCHEMY_DATABASE_URI": "sqlite://"},
    {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://voix@db.example/voix"},
], ids=["two servers", "postgresql"])
def test_a_shared_platform_refuses_to_start_without_a_configured_key(config):
    with pytest.raises(RuntimeError, match="No secret key configured.*VOIX_SECRET_KEY"):
        create_app({"TESTING": True, **config})


def test_a_configured_key_is_used_by_every_server():
    config = {"TESTING": True, "SERVERS": 2, "UPLOAD_FOLDER": "/srv/voix/uploads", "SECRET_KEY": "shared",
              "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://voix@db.example/voix"}
    assert create_app(config).secret_key == create_app(dict(config)).secret_key == "shared"


def test_several_servers_need_a_shared_upload_folder():
    with pytest.raises(RuntimeError, match="VOIX_UPLOAD_FOLDER"):
        create_app({"TESTING": True, "SERVERS": 3, "SECRET_KEY": "shared", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


# --- Two analysis workers ---------------------------------------------------------------


class RecordingAnalyzer(Analyzer):
    """Records what it analyses; the first text can wait until the test lets it go."""

    def __init__(self, hold=None):
        super().__init__()
        self.texts, self.hold, self.started = [], hold, threading.Event()

    def analyze(self, text):
        self.texts.append(text)
        self.started.set()
        if self.hold is not None:
            assert self.hold.wait(30)
            self.hold = None
        return super().analyze(text)


def _worker(app, analyzer, results, errors):
    def run():
        try:
            with app.app_context():
                results.append(analyze_pending(batch_size=2, analyzer=analyzer))
                db.session.remove()
        except Exception as error:  # reported by the test, not lost in the thread
            errors.append(error)
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_analysis_workers_never_analyse_a_text_twice(app, make_wave):
    wave = make_wave(questions=QUESTIONS)
    texts = ["La CAF ne répond jamais.", "Merci au centre social.", "La mairie a refait le parc.",
             "Le bailleur ne répare rien."]
    for text in texts:
        submit_response(load_target(wave.id), {"avis": text}, uuid=str(uuid.uuid4()), channel="api", language="fr")
    db.session.commit()
    release = threading.Event()
    first, second = RecordingAnalyzer(hold=release), RecordingAnalyzer()
    results, errors = [], []
    one = _worker(app, first, results, errors)
    assert first.started.wait(30)  # the first worker holds its first batch, mid-analysis
    two = _worker(app, second, results, errors)
    two.join(60)
    release.set()
    one.join(60)
    assert not errors
    assert count_rows(TextAnalysis) == len(texts)  # never stored twice, on both databases
    if db.engine.dialect.name == "postgresql":
        # Claimed with SKIP LOCKED: the second worker took the other texts, and only those.
        assert sorted(first.texts + second.texts) == sorted(texts)
        assert len(first.texts) == 2 and len(second.texts) == 2
    else:  # SQLite: no row locks; docs/deploy.md says to run one worker
        assert set(first.texts + second.texts) == set(texts)


# --- Two app servers, one PostgreSQL, one Redis -----------------------------------------


@contextmanager
def app_server(database_url, **config):
    server_app = make_app(database_url, **config)
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        with server_app.app_context():
            db.engine.dispose()


class Browser:
    """One resident's or staff member's browser: its cookies go to whichever server answers."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  NoRedirect())

    def request(self, url, data=None, json_body=None):
        headers = {}
        if json_body is not None:
            data, headers = json.dumps(json_body).encode(), {"Content-Type": "application/json"}
        elif data is not None:
            data = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(urllib.request.Request(url, data=data, headers=headers), timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None



def test_two_app_servers_share_sessions_limits_and_submissions(database_url, redis_url, make_wave, make_user):
    if database_url.startswith("sqlite"):
        pytest.skip("two app servers need PostgreSQL (the [postgresql] case, with TEST_DATABASE_URL): SQLite is one machine's file")
    wave = make_wave()
    staff = make_user("facilitator", ("sanitas",))
    config = {"SERVERS": 2, "UPLOAD_FOLDER": str(os.environ.get("TMPDIR", "/tmp")), "REDIS_URL": redis_url,
              "RATELIMIT_ENABLED": True, "RATELIMIT_ADDRESS": "5 per minute", "SECRET_KEY": "the-shared-key"}
    with app_server(database_url, **config) as one, app_server(database_url, **config) as two:
        # A staff session opened on one server is valid on the other.
        staff_browser = Browser()
        assert staff_browser.request(f"{two}/kiosk/enregistrer")[0] == 302  # not signed in: to the sign-in page
        status, _ = staff_browser.request(f"{one}/connexion", {"email": staff.email, "password": "correct horse battery"})
        assert status == 302
        assert staff_browser.request(f"{two}/kiosk/enregistrer")[0] == 200

        # A kiosk re-sending its response to the other server: stored once.
        resident = Browser()
        body = {"uuid": str(uuid.uuid4()), "answers": {"mood": 4}}
        assert resident.request(f"{one}/api/v1/waves/{wave.id}/responses", json_body=body)[0] == 201
        status, answer = resident.request(f"{two}/api/v1/waves/{wave.id}/responses", json_body=body)
        assert status == 200 and json.loads(answer)["status"] == "already_recorded"
        assert count_rows(Response) == 1

        # The per-address limit counts across both servers (Redis): the sign-in and the two
        # submissions above were 3 public writes of this address; 2 more, then 429.
        def submit(server, lang="fr"):
            body = {"uuid": str(uuid.uuid4()), "answers": {"mood": 2}}
            return resident.request(f"{server}/api/v1/waves/{wave.id}/responses?lang={lang}", json_body=body)
        assert submit(one)[0] == 201
        assert submit(two)[0] == 201
        status, refused = submit(one, lang="en")
        assert status == 429 and "not saved" in json.loads(refused)["message"]
        assert submit(two)[0] == 429
    assert count_rows(Response) == 3
