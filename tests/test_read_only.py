"""When the database refuses to write (read-only, disk full, locked too long), residents are
told that what they sent was NOT saved (503), and the survey form keeps their answers.

The database is made read-only for the serving app's connections: `PRAGMA query_only` on
SQLite, `SET default_transaction_read_only` on PostgreSQL (what a standby, or a disk that
the administrator switched to read-only, answers).
"""
import re
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from deliberation import operations as ops
from deliberation.models import Idea
from surveys.models import Response
from tests.conftest import SessionReleasingClient, count_rows, make_app
from tests.test_kiosk import form_fields
from voix.extensions import db

NOT_SAVED_EN = "Your answers were NOT saved"


@contextmanager
def read_only_server(database_url):
    server = make_app(database_url)
    server.test_client_class = SessionReleasingClient
    with server.app_context():
        engine = db.engine
        engine.dispose()

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET default_transaction_read_only = on")
            dbapi_connection.commit()
        cursor.close()

    yield server.test_client()
    with server.app_context():
        db.engine.dispose()


def test_survey_form_says_not_saved_and_keeps_the_answers(database_url, make_wave):
    wave = make_wave()
    with read_only_server(database_url) as client:
        page = client.get(f"/enquete/{wave.id}?lang=en")
        assert page.status_code == 200
        fields = form_fields(page.text)
        sent = client.post(f"/enquete/{wave.id}", data={**fields, "q-mood": "4", "q-priority": "clean",
                                                        "q-why": "Les poubelles débordent"})
    assert sent.status_code == 503
    html = sent.get_data(as_text=True)
    assert NOT_SAVED_EN in html
    assert "lost or counted twice" not in html
    # The form is shown again with every answer and the same response id, ready to re-send.
    assert re.search(r'name="q-mood"[^>]*value="4"[^>]*checked|value="4"[^>]*name="q-mood"[^>]*checked', html)
    assert "Les poubelles débordent" in html
    assert f'value="{fields["uuid"]}"' in html
    assert count_rows(Response) == 0


def test_survey_form_message_is_translated(database_url, make_wave):
    wave = make_wave()
    with read_only_server(database_url) as client:
        fields = form_fields(client.get(f"/enquete/{wave.id}?lang=fr").text)
        sent = client.post(f"/enquete/{wave.id}", data={**fields, "q-mood": "2"})
    assert sent.status_code == 503
    assert "n’ont PAS été enregistrées" in sent.get_data(as_text=True)


def test_api_answers_503_json_in_the_callers_language(database_url, make_wave):
    wave = make_wave()
    with read_only_server(database_url) as client:
        sent = client.post(f"/api/v1/waves/{wave.id}/responses?lang=en",
                           json={"uuid": str(uuid.uuid4()), "answers": {"mood": 3}})
    assert sent.status_code == 503
    body = sent.get_json()
    assert body["error"] == 503 and "NOT saved" in body["message"]
    assert count_rows(Response) == 0


def test_an_idea_is_not_lost_silently(database_url, territories):
    consultation = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    db.session.commit()
    with read_only_server(database_url) as client:
        sent = client.post(f"/consultations/{consultation.id}/proposer?lang=en",
                           data={"title": "Des bancs à l'ombre", "body": "Des bancs pour tout le monde, à l'ombre."})
    assert sent.status_code == 503
    assert "NOT saved" in sent.get_data(as_text=True)
    assert count_rows(Idea) == 0


@pytest.mark.parametrize("password", ["correct horse battery", "wrong password"])
def test_staff_sign_in_says_the_platform_is_read_only(database_url, make_user, password):
    user = make_user()
    with read_only_server(database_url) as client:
        sent = client.post("/connexion?lang=en", data={"email": user.email, "password": password})
    assert sent.status_code == 503
    assert "read-only" in sent.get_data(as_text=True)


def test_an_unreachable_database_answers_503_not_500(tmp_path):
    server = make_app(f"sqlite:///{tmp_path}/no-such-folder/voix.sqlite")
    client = server.test_client()
    page = client.get("/?lang=en")
    assert page.status_code == 503
    assert "cannot be reached" in page.get_data(as_text=True)
    assert page.headers["Retry-After"] == "120"
    sent = client.post("/api/v1/waves/1/responses?lang=en", json={"uuid": str(uuid.uuid4()), "answers": {}})
    assert sent.status_code == 503 and "NOT saved" in sent.get_json()["message"]
