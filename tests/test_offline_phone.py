"""The server side of a personal phone's offline mode (surveys/offline.py): its worker,
scoped to /enquete/, its offline screen, and the responses its outbox sends, recorded as
personal. SQLite and PostgreSQL. The browser side: tests/test_offline_phone_browser.py."""
import json
import re
import uuid

from sqlalchemy import select

from surveys.models import Channel, Response
from tests.conftest import count_rows
from voix.extensions import db


def settings_of(script: str) -> dict:
    return json.loads(re.match(r"self\.VOIX_SW = (\{.*\});\n", script).group(1))


def test_the_phone_worker_lives_in_the_survey_folder_and_keeps_no_wave_list(client, make_wave):
    make_wave()
    response = client.get("/enquete/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    settings = settings_of(response.text)
    # Its scope is its folder, /enquete/: it never sees a kiosk's pages nor the rest of the site.
    assert settings["offlineScreen"] == "/enquete/hors-ligne"
    assert sorted(settings["offlinePages"]) == [f"/enquete/hors-ligne?lang={code}" for code in ("ar", "en", "fr")]
    assert settings["maxSurveys"] == 3 and settings["keepRefusedDays"] == 30
    assert "pagesUrl" not in settings and "stateUrl" not in settings  # no list of waves, no report
    assert "/static/js/outbox.js" in settings["staticFiles"]
    assert not any("sw" in name.rsplit("/", 1)[-1] for name in settings["staticFiles"])  # workers are not static files
    assert settings["version"] == settings_of(client.get("/sw.js").text)["version"]


def test_survey_pages_and_the_offline_screen_carry_the_phone_outbox_but_kiosks_do_not(client, make_wave):
    wave = make_wave()
    page = client.get(f"/enquete/{wave.id}?lang=ar").text
    assert 'name="voix-phone-outbox" content="/enquete/sw.js"' in page and "js/outbox.js" in page
    screen = client.get("/enquete/hors-ligne?lang=ar")
    assert screen.status_code == 200 and 'lang="ar" dir="rtl"' in screen.text
    assert "voix-phone-outbox" in screen.text and "offline-saved" in screen.text and "offline-refused" in screen.text
    assert "Your answers are saved on this phone" not in screen.text  # translated
    assert "Vos réponses sont enregistrées sur ce téléphone" in client.get("/enquete/hors-ligne?lang=fr").text
    assert "Your answers are saved on this phone" in client.get("/enquete/hors-ligne?lang=en").text


def test_what_a_phone_kept_offline_is_stored_once_as_a_personal_response(client, make_wave):
    wave = make_wave()
    body = {"uuid": str(uuid.uuid4()), "answers": {"mood": 4}, "language": "ar", "channel": "personal",
            "answered_at": None}
    first = client.post(f"/api/v1/waves/{wave.id}/responses?lang=ar", json=body)
    assert first.status_code == 201, first.text
    assert client.post(f"/api/v1/waves/{wave.id}/responses?lang=ar", json=body).status_code == 200
    assert count_rows(Response) == 1
    stored = db.session.scalar(select(Response))
    assert stored.channel is Channel.personal and stored.language == "ar"
    # Any other claim is an API client's, as before.
    other = client.post(f"/api/v1/waves/{wave.id}/responses", json={**body, "uuid": str(uuid.uuid4()), "channel": "kiosk"})
    assert other.status_code == 201
    assert sorted(c.value for c in db.session.scalars(select(Response.channel))) == ["api", "personal"]


def test_a_phones_refusal_speaks_the_residents_language(client, make_wave):
    wave = make_wave(days=(-30, -20))  # closed ten days ago: beyond the grace period
    body = {"uuid": str(uuid.uuid4()), "answers": {"mood": 4}, "channel": "personal", "language": "en"}
    refused = client.post(f"/api/v1/waves/{wave.id}/responses?lang=en", json=body)
    assert refused.status_code == 409 and "closed" in refused.get_json()["message"]
    assert count_rows(Response) == 0
