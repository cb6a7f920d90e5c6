"""Shared tablets you can trust, without a browser: the language switch as the server sees
it (no JavaScript), the thank-you page's language, every kiosk screen's idle reset, the
staff notice, and consultations reachable from the home and kiosk start pages."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from surveys import operations as survey_ops
from surveys.models import Response, WaveStatus
from tests.conftest import count_rows
from tests.test_kiosk import form_fields, register_kiosk
from voix.demo import QUESTIONS
from voix.extensions import db

# The demo survey, answered step by step: (question code, posted fields).
DEMO_ANSWERS = [
    ("satisfaction", {"q-satisfaction": "4"}),
    ("securite", {"q-securite": "dk"}),
    ("services", {"q-services": ["caf", "epn"]}),
    ("contact_mairie", {"q-contact_mairie": "yes"}),
    ("contact_facile", {"q-contact_facile": "5"}),
    ("priorite", {"q-priorite": "jeunes"}),
    ("commentaire", {"q-commentaire": "Plus de bancs au square"}),
]
ROUND = [("fr", "ar"), ("ar", "en"), ("en", "fr")]


@pytest.fixture
def demo_wave(app, territories):
    questionnaire = survey_ops.create_questionnaire({"fr": "Vivre dans mon quartier", "ar": "العيش في حيّي"},
                                                    territories["sanitas"])
    questionnaire.ask_about_you = True
    db.session.flush()
    for fields in QUESTIONS:
        survey_ops.save_question(questionnaire.latest_version, **fields)
    today = datetime.now(timezone.utc).date()
    wave = survey_ops.create_wave(questionnaire, territories["sanitas"], today, today + timedelta(days=9))
    wave.status = WaveStatus.open
    db.session.commit()
    return wave


def html_lang(page):
    return re.search(r'<html lang="(\w+)" dir="(\w+)"', page.text).groups()


def assert_kept(page, given: dict):
    for name, values in given.items():
        for value in values if isinstance(values, list) else [values]:
            if name == "q-commentaire":
                assert f">{value}</textarea>" in page.text
            else:
                assert re.search(rf'name="{name}" value="{value}" checked', page.text), (name, value)


@pytest.mark.parametrize("channel", ["kiosk", "personal"])
def test_a_language_switch_without_javascript_at_every_question_stores_nothing(client, auth, make_user, territories,
                                                                              demo_wave, channel):
    if channel == "kiosk":
        register_kiosk(client, auth, make_user, territories["sanitas"])
    url = f"/kiosk/enquete/{demo_wave.id}" if channel == "kiosk" else f"/enquete/{demo_wave.id}"
    page = client.get(url + "?lang=fr")
    fields, given = form_fields(page.text), {}
    for index, (code, answer) in enumerate(DEMO_ANSWERS):
        source, target = ROUND[index % 3]
        assert html_lang(page)[0] == source
        given.update(answer)
        # The address may still say ?lang=...: the button wins all the same.
        page = client.post(f"{url}?lang={source}", data={**fields, **given, "step": code, "switch_lang": target})
        assert page.status_code == 200
        assert html_lang(page) == (target, "rtl" if target == "ar" else "ltr")
        assert_kept(page, given)
        assert f'name="step" value="{code}"' in page.text and f'data-step="{code}"' in page.text
        assert 'class="flash flash-error"' not in page.text and 'role="alert">This' not in page.text
        assert form_fields(page.text)["uuid"] == fields["uuid"]
        assert count_rows(Response) == 0
    assert demo_wave.questionnaire.display_title("ar") in client.post(
        url, data={**fields, **given, "switch_lang": "ar"}).text
    sent = client.post(url, data={**fields, **given})
    assert sent.status_code == 303 and count_rows(Response) == 1


@pytest.mark.parametrize("switch", ["xx", "", "ar"])
def test_a_language_switch_is_never_a_submission_whatever_it_carries(client, make_wave, switch):
    """Every required answer given, a language button of any value: still nothing stored."""
    wave = make_wave()
    page = client.get(f"/enquete/{wave.id}?lang=fr")
    response = client.post(f"/enquete/{wave.id}", data={"q-mood": "4", "q-priority": "clean", "switch_lang": switch,
                                                        **form_fields(page.text)})
    assert response.status_code == 200
    assert html_lang(response)[0] == (switch or "fr").replace("xx", "fr")
    assert count_rows(Response) == 0


def test_the_kiosk_thank_you_page_speaks_the_residents_language_then_forgets_it(client, auth, make_user, territories,
                                                                                 demo_wave):
    register_kiosk(client, auth, make_user, territories["sanitas"])
    demo_wave.questionnaire.panel = True
    db.session.commit()
    page = client.get(f"/kiosk/enquete/{demo_wave.id}?lang=ar")
    answers = {k: v for _, answer in DEMO_ANSWERS for k, v in answer.items()}
    sent = client.post(f"/kiosk/enquete/{demo_wave.id}", data={**answers, **form_fields(page.text)})
    assert sent.status_code == 303
    thanks = client.get("/kiosk/merci")
    assert html_lang(thanks) == ("ar", "rtl")
    assert "Keep this code" not in thanks.text and "احتفظ" in thanks.text  # the panel card's instructions
    assert int(re.search(r'data-seconds="(\d+)"', thanks.text).group(1)) >= 20
    with client.session_transaction() as session:
        assert dict(session) == {}  # the next person starts afresh, in French
    assert html_lang(client.get("/kiosk/")) == ("fr", "ltr")


def test_the_personal_thank_you_page_speaks_the_residents_language(client, demo_wave):
    page = client.get(f"/enquete/{demo_wave.id}?lang=fr")
    fields = form_fields(page.text)
    switched = client.post(f"/enquete/{demo_wave.id}", data={**fields, "switch_lang": "ar"})
    answers = {k: v for _, answer in DEMO_ANSWERS for k, v in answer.items()}
    assert client.post(f"/enquete/{demo_wave.id}", data={**form_fields(switched.text), **answers}).status_code == 303
    assert html_lang(client.get("/enquete/merci")) == ("ar", "rtl")


@pytest.fixture
def consultation(app, territories):
    from deliberation import operations as deliberation
    from deliberation.models import Origin, Statement
    from voix.institutions.models import Institution, InstitutionCode

    c = deliberation.create_consultation({"fr": "Le square", "ar": "الحديقة", "en": "The square"}, territories["sanitas"])
    carrier = deliberation.new_participant(c, Origin.personal)
    deliberation.propose_idea(c, carrier, title="Des bancs", body="Des bancs à l'ombre pour tout le monde")
    deliberation.propose_idea(c, carrier, title="Une fresque", body="Une fresque avec les jeunes du quartier")
    db.session.add(Statement(consultation_id=c.id, text="Le square est propre."))
    db.session.add(Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=territories["tours"]))
    deliberation.advance_phase(c)
    db.session.commit()
    return c


def test_every_kiosk_screen_carries_the_idle_reset(client, auth, make_user, territories, consultation):
    from deliberation.models import Idea

    register_kiosk(client, auth, make_user, territories["sanitas"])
    idea = db.session.scalar(select(Idea))
    for path in (f"/consultations/{consultation.id}", f"/consultations/idees/{idea.id}",
                 f"/consultations/{consultation.id}/duel", f"/consultations/{consultation.id}/affirmations",
                 f"/consultations/{consultation.id}/questions"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert 'data-reset-url="/kiosk/reinitialiser"' in page.text and "kiosk-idle.js" in page.text, path
        assert "sinon il reviendra à l'accueil" in page.text, path  # the anonymous warning, in French
    # The start screen only resets when the session keeps something of a resident.
    client.get("/kiosk/reinitialiser")
    assert "kiosk-idle.js" not in client.get("/kiosk/").text
    assert "kiosk-idle.js" in client.get("/kiosk/?lang=ar").text
    # On a personal device, no idle reset.
    client.delete_cookie("voix_kiosk")
    assert "data-reset-url" not in client.get(f"/consultations/{consultation.id}").text


def test_the_kiosk_reset_forgets_the_previous_persons_support(client, auth, make_user, territories, consultation):
    from deliberation.models import Idea, Support

    register_kiosk(client, auth, make_user, territories["sanitas"])
    idea = db.session.scalar(select(Idea))
    page = client.get(f"/consultations/{consultation.id}")
    uuid = re.search(r'name="uuid" value="([^"]+)"', page.text).group(1)
    client.post(f"/consultations/idees/{idea.id}/soutien", data={"uuid": uuid, "back": "list"})
    assert count_rows(Support) == 1
    assert 'aria-pressed="true"' in client.get(f"/consultations/{consultation.id}").text
    client.get("/kiosk/reinitialiser")  # what the idle warning does
    assert 'aria-pressed="true"' not in client.get(f"/consultations/{consultation.id}").text


def test_staff_on_a_kiosk_see_a_notice_and_a_log_out_button(client, auth, make_user, territories, make_wave):
    wave = make_wave()
    register_kiosk(client, auth, make_user, territories["sanitas"])
    auth.login(make_user("facilitator", ("sanitas",), email="testing-the-kiosk@example.org"))
    page = client.get(f"/kiosk/enquete/{wave.id}")
    assert 'class="staff-notice' in page.text and 'action="/kiosk/deconnexion"' in page.text
    out = client.post("/kiosk/deconnexion")
    assert out.status_code == 303 and out.headers["Location"].endswith("/kiosk/")
    with client.session_transaction() as session:
        assert dict(session) == {}
    assert 'class="staff-notice' not in client.get("/kiosk/").text


def test_running_consultations_are_listed_on_the_home_and_kiosk_start_pages(client, auth, make_user, territories,
                                                                            consultation):
    from deliberation import operations as deliberation

    elsewhere = deliberation.create_consultation({"fr": "La Rabière propose"}, territories["rabiere"])
    later = deliberation.create_consultation({"fr": "Pas encore ouverte"}, territories["sanitas"])
    later.opens_on = datetime.now(timezone.utc) + timedelta(days=3)
    done = deliberation.create_consultation({"fr": "Déjà close"}, territories["sanitas"])
    while deliberation.advance_phase(done).value != "closed":
        pass
    db.session.commit()
    home = client.get("/?lang=ar")
    assert f'href="/consultations/{consultation.id}"' in home.text and "الحديقة" in home.text
    assert f'href="/consultations/{elsewhere.id}"' in home.text
    assert "Pas encore ouverte" not in home.text and "Déjà close" not in home.text
    register_kiosk(client, auth, make_user, territories["sanitas"])
    start = client.get("/kiosk/?lang=en")
    assert f'href="/consultations/{consultation.id}"' in start.text and "The square" in start.text
    assert start.text.index("Consultations: propose, vote") < start.text.index(f'href="/consultations/{consultation.id}"')
    assert f'href="/consultations/{elsewhere.id}"' not in start.text
    assert "Pas encore ouverte" not in start.text and "Déjà close" not in start.text
