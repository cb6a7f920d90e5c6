import re

import pytest
from sqlalchemy import select

from surveys.models import Channel, Response
from tests.conftest import count_rows, serving
from voix.extensions import db
from voix.kiosk.models import Kiosk


def register_kiosk(client, auth, make_user, territory):
    auth.login(make_user("facilitator", ("sanitas",)))
    response = client.post("/kiosk/enregistrer", data={"place": "EPN du Sanitas", "territory": territory.id})
    assert response.status_code == 302
    auth.logout()
    return db.session.scalar(select(Kiosk))


def form_fields(html):
    return dict(re.findall(r'name="(csrf_token|uuid)" value="([^"]*)"', html))


def test_unregistered_tablet_sees_no_survey(client, make_wave):
    wave = make_wave()
    assert client.get("/kiosk/").status_code == 403
    assert client.get(f"/kiosk/enquete/{wave.id}").status_code == 302


def test_facilitator_cannot_register_a_kiosk_outside_their_territory(client, auth, make_user, territories):
    auth.login(make_user("facilitator", ("sanitas",)))
    response = client.post("/kiosk/enregistrer", data={"place": "X", "territory": territories["rabiere"].id})
    assert response.status_code == 200  # not a valid choice for them
    assert count_rows(Kiosk) == 0


def test_kiosk_shows_its_territorys_open_waves(client, auth, make_user, make_wave, territories):
    mine, theirs = make_wave("sanitas"), make_wave("rabiere")
    register_kiosk(client, auth, make_user, territories["sanitas"])
    welcome = client.get("/kiosk/")
    assert welcome.status_code == 200
    assert f"/kiosk/enquete/{mine.id}" in welcome.text
    assert f"/kiosk/enquete/{theirs.id}" not in welcome.text
    assert client.get(f"/kiosk/enquete/{theirs.id}").status_code == 404
    for code, name in (("fr", "Français"), ("ar", "العربية"), ("en", "English")):
        assert f'lang="{code}"' in welcome.text and name in welcome.text


def test_kiosk_submission_resets_everything(client, auth, make_user, make_wave, territories):
    wave = make_wave()
    register_kiosk(client, auth, make_user, territories["sanitas"])
    client.get("/kiosk/?lang=ar")
    page = client.get(f"/kiosk/enquete/{wave.id}")
    assert page.headers["Cache-Control"] == "no-store"
    assert 'dir="rtl"' in page.text
    secret = "Le bailleur ne répond jamais, signé Zorglub"
    answers = {"q-mood": "2", "q-priority": "clean", "q-why": secret, "about-gender": "woman", **form_fields(page.text)}
    sent = client.post(f"/kiosk/enquete/{wave.id}", data=answers)
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/kiosk/merci")
    assert sent.headers["Cache-Control"] == "no-store"

    thanks = client.get("/kiosk/merci")
    stored = db.session.scalar(select(Response))
    assert stored.channel is Channel.kiosk and stored.language == "ar" and stored.gender == "woman"
    assert stored.invitation_code in thanks.text
    # The session holds nothing of the resident any more: language back to French, code shown once.
    with client.session_transaction() as session:
        assert dict(session) == {}
    again = client.get(f"/kiosk/enquete/{wave.id}")  # what the back button would fetch
    assert again.headers["Cache-Control"] == "no-store"
    assert 'dir="ltr"' in again.text and "Zorglub" not in again.text and "checked" not in again.text
    assert form_fields(again.text)["uuid"] != answers["uuid"]
    assert stored.invitation_code not in client.get("/kiosk/merci").text


def test_kiosk_reset_keeps_the_device_and_a_facilitators_login(client, auth, make_user, make_wave, territories):
    make_wave()
    facilitator = make_user("facilitator", ("sanitas",))
    auth.login(facilitator)
    client.post("/kiosk/enregistrer", data={"place": "EPN", "territory": territories["sanitas"].id})
    client.get("/kiosk/?lang=en")
    response = client.get("/kiosk/reinitialiser")
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert set(session) == {"staff_session"}
    assert client.get("/kiosk/").status_code == 200


def test_revoked_kiosk_stops_working(client, auth, make_user, make_wave, territories):
    make_wave()
    kiosk = register_kiosk(client, auth, make_user, territories["sanitas"])
    assert client.get("/kiosk/").status_code == 200
    auth.login(make_user("facilitator", ("tours",), email="commune@example.org"))
    assert client.post(f"/kiosk/appareils/{kiosk.id}/revoquer").status_code == 302
    auth.logout()
    assert client.get("/kiosk/").status_code == 403


def test_forged_device_cookie_is_refused(client, make_wave):
    make_wave()
    client.set_cookie("voix_kiosk", "eyJraW9zayI6MX0.forged")
    assert client.get("/kiosk/").status_code == 403


def test_invalid_answers_are_shown_again_with_messages(client, auth, make_user, make_wave, territories):
    wave = make_wave()
    register_kiosk(client, auth, make_user, territories["sanitas"])
    page = client.get(f"/kiosk/enquete/{wave.id}")
    response = client.post(f"/kiosk/enquete/{wave.id}?lang=en", data={"q-priority": "youth", **form_fields(page.text)})
    assert response.status_code == 422
    assert 'id="mood-error" role="alert">This question needs an answer.' in response.text
    assert 'aria-describedby="mood-help mood-error" aria-invalid="true"' in response.text
    assert 'value="youth" checked' in response.text  # the given answer is kept
    assert count_rows(Response) == 0


@pytest.fixture
def csrf_client(database_url, territories):
    """An app with CSRF protection switched on, as in production."""
    with serving(database_url, WTF_CSRF_ENABLED=True) as client:
        yield client


def test_expired_csrf_token_keeps_the_answers(csrf_client, make_wave):
    wave = make_wave()
    page = csrf_client.get(f"/enquete/{wave.id}")
    fields = form_fields(page.text)
    answers = {"q-mood": "5", "q-priority": "clean", "q-why": "Plus de bancs au square", "uuid": fields["uuid"],
               "csrf_token": "expired-or-forged"}
    response = csrf_client.post(f"/enquete/{wave.id}", data=answers)
    assert response.status_code == 400
    assert "Plus de bancs au square" in response.text and 'value="5" checked' in response.text
    assert count_rows(Response) == 0
    renewed = form_fields(response.text)
    assert renewed["uuid"] == fields["uuid"] and renewed["csrf_token"] != "expired-or-forged"
    ok = csrf_client.post(f"/enquete/{wave.id}", data={**answers, "csrf_token": renewed["csrf_token"]})
    assert ok.status_code == 303
    assert count_rows(Response) == 1


def test_fresh_token_endpoint_gives_a_working_token(csrf_client, make_wave):
    wave = make_wave()
    page = csrf_client.get(f"/enquete/{wave.id}")
    token = csrf_client.get("/kiosk/jeton").get_json()["csrf_token"]
    data = {"q-mood": "3", "uuid": form_fields(page.text)["uuid"], "csrf_token": token}
    assert csrf_client.post(f"/enquete/{wave.id}", data=data).status_code == 303


def test_staff_forms_refuse_a_missing_csrf_token(csrf_client, make_user):
    user = make_user("facilitator")
    response = csrf_client.post("/connexion", data={"email": user.email, "password": "correct horse battery"})
    assert response.status_code == 400


def test_personal_device_submission_and_double_submit(client, make_wave):
    wave = make_wave()
    page = client.get(f"/enquete/{wave.id}")
    data = {"q-mood": "4", **form_fields(page.text)}
    assert client.post(f"/enquete/{wave.id}", data=data).status_code == 303
    assert client.post(f"/enquete/{wave.id}", data=data).status_code == 303  # double tap: stored once
    stored = db.session.scalars(select(Response)).all()
    assert len(stored) == 1 and stored[0].channel is Channel.personal


def test_closed_wave_page_says_so(client, make_wave):
    from surveys.models import WaveStatus

    wave = make_wave(status=WaveStatus.closed)
    response = client.get(f"/enquete/{wave.id}")
    assert response.status_code == 410


def test_switching_language_mid_survey_keeps_the_answers(client, make_wave):
    wave = make_wave()
    page = client.get(f"/enquete/{wave.id}?lang=fr")
    assert 'name="switch_lang" value="ar"' in page.text
    fields = form_fields(page.text)
    switched = client.post(f"/enquete/{wave.id}", data={"q-mood": "4", "q-priority": "clean", "switch_lang": "ar", **fields})
    assert switched.status_code == 200
    assert 'dir="rtl"' in switched.text and "المزاج؟" in switched.text
    assert 'value="4" checked' in switched.text and 'value="clean" checked' in switched.text
    assert form_fields(switched.text)["uuid"] == fields["uuid"]
    assert count_rows(Response) == 0


def test_ranking_form_with_odd_ranks_is_refused_not_a_500(client, make_wave):
    questions = [dict(code="top", type="ranking", text={"fr": "Classez"},
                      options=[{"code": "a", "label": {"fr": "A"}}, {"code": "b", "label": {"fr": "B"}}])]
    wave = make_wave(questions=questions)
    page = client.get(f"/enquete/{wave.id}")
    for ranks in ({"q-top-rank-a": "²"}, {"q-top-rank-a": "1", "q-top-rank-b": "1"}):
        response = client.post(f"/enquete/{wave.id}", data={**ranks, **form_fields(page.text)})
        assert response.status_code == 422
    ok = client.post(f"/enquete/{wave.id}", data={"q-top-rank-a": "2", "q-top-rank-b": "1", **form_fields(page.text)})
    assert ok.status_code == 303
    assert [a.value for a in db.session.scalar(select(Response)).answers] == [["b", "a"]]


def test_a_wave_closing_while_a_kiosk_resident_answers_shows_the_closed_page(client, auth, make_user, make_wave, territories):
    from surveys.models import WaveStatus

    wave = make_wave()
    register_kiosk(client, auth, make_user, territories["sanitas"])
    page = client.get(f"/kiosk/enquete/{wave.id}")
    wave.status = WaveStatus.closed
    db.session.commit()
    response = client.post(f"/kiosk/enquete/{wave.id}", data={"q-mood": "3", **form_fields(page.text)})
    assert response.status_code == 410


def test_thank_you_page_lets_the_resident_stop_the_countdown(client, auth, make_user, make_wave, territories):
    register_kiosk(client, auth, make_user, territories["sanitas"])
    page = client.get("/kiosk/merci")
    assert 'class="big-button stay-here"' in page.text and "data-seconds" in page.text
