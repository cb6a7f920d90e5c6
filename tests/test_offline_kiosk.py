"""The server side of offline kiosks: the service worker, the pages it caches, and the
outbox state a tablet reports for the staff's Kiosks screen. SQLite and PostgreSQL."""
import json
import re
from datetime import timedelta

from sqlalchemy import select

from tests.test_kiosk import register_kiosk
from voix.accounts.models import User
from voix.extensions import db
from voix.kiosk.models import Kiosk
from voix.models import utcnow


def report(client, **state):
    return client.post("/kiosk/etat", json={"waiting": 0, "refused": 0, "refusals": [], **state})


def test_the_service_worker_is_served_at_the_root_with_a_version(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    settings = json.loads(re.match(r"self\.VOIX_SW = (\{.*\});\n", response.text).group(1))
    assert re.fullmatch(r"[0-9a-f]{16}", settings["version"])
    assert "/static/js/outbox.js" in settings["staticFiles"] and "/static/css/voix.css" in settings["staticFiles"]
    assert "http" not in response.text.split("\n", 1)[0]  # nothing from another site
    assert "importScripts(VOIX_SW.outbox)" in response.text


def test_the_pages_to_cache_are_the_kiosks_own_in_every_language(client, auth, make_user, make_wave, territories):
    assert client.get("/kiosk/hors-ligne/pages").status_code == 403  # not a kiosk
    mine, theirs = make_wave("sanitas"), make_wave("rabiere")
    register_kiosk(client, auth, make_user, territories["sanitas"])
    pages = client.get("/kiosk/hors-ligne/pages").get_json()["pages"]
    for language in ("fr", "en", "ar"):
        assert f"/kiosk/?lang={language}" in pages and f"/kiosk/hors-ligne?lang={language}" in pages
        assert f"/kiosk/enquete/{mine.id}?lang={language}" in pages
    assert not any(f"/enquete/{theirs.id}?" in page for page in pages)


def test_caching_a_page_leaves_the_residents_language_alone(client, auth, make_user, make_wave, territories):
    make_wave()
    register_kiosk(client, auth, make_user, territories["sanitas"])
    assert client.get("/kiosk/?lang=en").status_code == 200  # the resident chose English
    cached = client.get("/kiosk/?lang=ar", headers={"X-Voix-Precache": "1"})
    assert 'lang="ar"' in cached.text
    assert 'lang="en" dir="ltr"' in client.get("/kiosk/").text  # still English for the resident


def test_the_offline_screen_speaks_every_language(client):
    arabic = client.get("/kiosk/hors-ligne?lang=ar")
    assert arabic.status_code == 200 and 'dir="rtl"' in arabic.text and "offline-saved" in arabic.text
    assert "There is no network" not in arabic.text
    assert "Il n'y a pas de réseau" in client.get("/kiosk/hors-ligne?lang=fr").text


def test_a_kiosk_reports_its_outbox_and_staff_see_a_tablet_behind(client, auth, make_user, territories):
    assert report(client, waiting=1).status_code == 403  # not a kiosk
    kiosk = register_kiosk(client, auth, make_user, territories["sanitas"])
    oldest = (utcnow() - timedelta(hours=3)).isoformat()
    refusal = {"uuid": "6f1c1f4e-3c1a-4b7e-9f0a-1d2e3f4a5b6c", "wave": 7, "answered_at": "2026-12-01T10:00:00Z",
               "status": 422, "reason": "check the tablet's clock"}
    assert report(client, waiting=2, oldest_waiting_at=oldest, refused=1, refusals=[refusal]).status_code == 200
    db.session.refresh(kiosk)
    assert kiosk.outbox_waiting == 2 and kiosk.outbox_refused == 1 and kiosk.last_contact_at is not None
    assert kiosk.outbox_refusals[0]["reason"] == "check the tablet's clock"
    contact = kiosk.last_contact_at
    same = report(client, waiting=2, oldest_waiting_at=oldest, refused=1, refusals=[refusal])
    assert same.get_json()["status"] == "unchanged"  # nothing written for a page load that changes nothing
    db.session.refresh(kiosk)
    assert kiosk.last_contact_at == contact

    facilitator = db.session.scalar(select(User))
    auth.login(facilitator)
    screen = client.get("/kiosk/appareils?lang=en").text
    assert "Not synced" in screen and "check the tablet&#39;s clock" in screen and "No news" not in screen
    auth.logout()
    assert report(client).status_code == 200  # all sent since
    auth.login(facilitator)
    assert "Not synced" not in client.get("/kiosk/appareils?lang=en").text


def test_staff_see_a_tablet_that_has_been_silent(client, auth, make_user, territories):
    kiosk = register_kiosk(client, auth, make_user, territories["sanitas"])
    kiosk.last_contact_at = utcnow() - timedelta(days=2)
    db.session.commit()
    auth.login(db.session.scalar(select(User)))
    assert "No news for over a day" in client.get("/kiosk/appareils?lang=en").text


def test_a_bad_report_is_refused_and_changes_nothing(client, auth, make_user, territories):
    kiosk = register_kiosk(client, auth, make_user, territories["sanitas"])
    for bad in ({"waiting": -1}, {"waiting": "2"}, {"refused": True}, {"oldest_waiting_at": "soon"},
                {"refusals": "none"}, {"refusals": [1]}):
        assert report(client, **bad).status_code == 400, bad
    assert client.post("/kiosk/etat", data="waiting=3").status_code == 400
    assert client.post("/kiosk/etat", data="[1]", content_type="application/json").status_code == 400
    db.session.rollback()
    assert db.session.scalar(select(Kiosk.last_contact_at)) is None and kiosk.outbox_waiting == 0
