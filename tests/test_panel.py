"""Panel surveys: a pseudonymous card code links a resident's answers wave after wave."""
import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from surveys import operations as ops
from surveys.models import Response, WaveStatus
from tests.conftest import count_rows, residents_today
from voix.extensions import db


@pytest.fixture
def panel_waves(make_wave):
    """Two open waves of one panel questionnaire."""
    first = make_wave()
    first.questionnaire.panel = True
    second = ops.create_wave(first.questionnaire, first.territory, residents_today() - timedelta(days=1),
                             residents_today() + timedelta(days=30))
    second.status = WaveStatus.open
    db.session.commit()
    return first, second


def send(client, wave, uuid, **extra):
    return client.post(f"/api/v1/waves/{wave.id}/responses",
                       json={"uuid": uuid, "answers": {"mood": 4}, **extra})


def test_a_first_answer_gets_a_card_that_follows_the_resident(client, panel_waves):
    first, second = panel_waves
    answer = send(client, first, "6f1c2a9e-8b7d-4c21-9e55-0a6f1d2b7c01")
    assert answer.status_code == 201
    card = answer.get_json()["panel_code"]
    assert card and len(card) == 8
    again = send(client, second, "6f1c2a9e-8b7d-4c21-9e55-0a6f1d2b7c02", panel_code=card.lower())
    assert again.status_code == 201 and again.get_json()["panel_code"] == card
    assert sorted(db.session.scalars(select(Response.wave_id).where(Response.panel_code == card))) == sorted(
        [first.id, second.id])


def test_a_card_answers_each_wave_once_and_unknown_cards_are_refused(client, panel_waves):
    first, _second = panel_waves
    card = send(client, first, "6f1c2a9e-8b7d-4c21-9e55-0a6f1d2b7c11").get_json()["panel_code"]
    twice = send(client, first, "6f1c2a9e-8b7d-4c21-9e55-0a6f1d2b7c12", panel_code=card)
    assert twice.status_code == 422 and "panel_code" in twice.get_json()["errors"]
    unknown = send(client, first, "6f1c2a9e-8b7d-4c21-9e55-0a6f1d2b7c13", panel_code="7KQ2M9XA")
    assert unknown.status_code == 422 and "panel_code" in unknown.get_json()["errors"]
    assert count_rows(Response) == 1
    resent = send(client, first, "6f1c2a9e-8b7d-4c21-9e55-0a6f1d2b7c11", panel_code=card)
    assert resent.status_code == 200 and resent.get_json()["panel_code"] == card  # a re-send, not a second answer


def test_cross_section_surveys_never_link_answers(client, make_wave):
    wave = make_wave()
    answer = send(client, wave, "6f1c2a9e-8b7d-4c21-9e55-0a6f1d2b7c21", panel_code="7KQ2M9XA")
    assert answer.status_code == 201 and answer.get_json()["panel_code"] is None
    assert db.session.scalar(select(Response.panel_code)) is None


def test_the_web_form_asks_for_the_card_and_the_thanks_page_gives_it(client, panel_waves):
    from test_kiosk import form_fields

    first, second = panel_waves
    page = client.get(f"/enquete/{first.id}")
    assert 'name="about-panel_code"' in page.text
    sent = client.post(f"/enquete/{first.id}", data={"q-mood": "4", **form_fields(page.text)})
    card = db.session.scalar(select(Response.panel_code))
    assert card in client.get(sent.headers["Location"]).text
    page = client.get(f"/enquete/{second.id}")
    wrong = client.post(f"/enquete/{second.id}", data={"q-mood": "4", "about-panel_code": "ZZZZ", **form_fields(page.text)})
    assert wrong.status_code == 422 and "8" in wrong.text
    assert count_rows(Response) == 1


def test_exports_carry_the_card(client, auth, make_user, panel_waves):
    first, _second = panel_waves
    card = send(client, first, "6f1c2a9e-8b7d-4c21-9e55-0a6f1d2b7c31").get_json()["panel_code"]
    auth.login(make_user("facilitator", ("sanitas",)))
    export = client.get(f"/api/v1/waves/{first.id}/export?format=wide")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0]["panel_code"] == card


def test_the_database_itself_refuses_a_card_twice_in_a_wave(app, panel_waves, territories):
    """The last guard when two tablets send the same card at the same moment: the partial
    unique index. Responses without a card are not in it at all, so never collide."""
    from sqlalchemy.exc import IntegrityError

    from tests.test_indicators import respond
    from voix.models import utcnow

    first, second = panel_waves
    for _ in range(3):
        respond(first, utcnow(), territories["sanitas"])  # no card
    respond(first, utcnow(), territories["sanitas"], card="7KQ2M9XA")
    respond(second, utcnow(), territories["sanitas"], card="7KQ2M9XA")  # the next wave: fine
    db.session.commit()
    with pytest.raises(IntegrityError):
        respond(first, utcnow(), territories["sanitas"], card="7KQ2M9XA")
    db.session.rollback()
    assert count_rows(Response) == 5
