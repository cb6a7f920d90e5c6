"""A facilitator builds a questionnaire, plans waves and runs them from the web screens."""
import uuid
from datetime import timedelta

from sqlalchemy import select

from surveys.models import Questionnaire, QuestionType, Wave, WaveStatus
from voix.extensions import db
from tests.conftest import residents_today


def test_facilitator_builds_and_opens_a_survey(client, auth, make_user, territories):
    auth.login(make_user("facilitator", ("sanitas",)))
    sanitas = territories["sanitas"].id
    created = client.post("/animation/enquetes/nouveau", data={
        "title_fr": "Le square", "title_ar": "الحديقة", "territory": sanitas, "ask_about_you": "y"})
    questionnaire = db.session.scalar(select(Questionnaire))
    assert created.headers["Location"].endswith(f"/animation/enquetes/{questionnaire.id}")
    assert questionnaire.title == {"fr": "Le square", "ar": "الحديقة"}
    base = f"/animation/enquetes/{questionnaire.id}"

    added = client.post(f"{base}/questions/nouvelle", data={
        "code": "Usage", "type": "single_choice", "required": "y", "text_fr": "Vous y allez ?", "text_ar": "هل تذهب؟",
        "options": "souvent | Souvent | Often | غالبا\njamais | Jamais"})
    assert added.status_code == 302
    client.post(f"{base}/questions/nouvelle", data={
        "code": "pourquoi", "type": "long_text", "text_fr": "Pourquoi jamais ?",
        "condition_mode": "all", "condition_lines-0-question": "usage", "condition_lines-0-test": "=",
        "condition_lines-0-value": "Jamais"})  # a label works as well as the option's code
    client.post(f"{base}/questions/nouvelle", data={
        "code": "age_enfants", "type": "number", "text_fr": "Âge des enfants ?", "minimum": "0", "maximum": "17"})
    db.session.expire_all()
    questions = questionnaire.latest_version.questions
    assert [q.code for q in questions] == ["usage", "pourquoi", "age_enfants"]
    assert questions[0].options[0] == {"code": "souvent", "label": {"fr": "Souvent", "en": "Often", "ar": "غالبا"}}
    assert questions[1].condition == {"op": "=", "question": "usage", "value": "jamais"}
    assert questions[2].settings == {"min": 0, "max": 17}

    edit_page = client.get(f"{base}/questions/{questions[0].id}")
    assert "souvent | Souvent | Often | غالبا" in edit_page.text

    today = residents_today()
    client.post(f"{base}/vagues", data={"territory": sanitas, "opens_on": today.isoformat(),
                                         "closes_on": (today + timedelta(days=20)).isoformat()})
    wave = db.session.scalar(select(Wave))
    assert wave.status is WaveStatus.draft
    client.post(f"/animation/enquetes/vagues/{wave.id}/ouvrir")
    db.session.refresh(wave)
    assert wave.status is WaveStatus.open
    page = client.get(f"/animation/enquetes/vagues/{wave.id}")
    assert "<svg" in page.text and f"/enquete/{wave.id}" in page.text  # QR code and link for phones
    assert client.get(f"{base}/apercu").status_code == 200


def test_editor_errors_are_shown_and_change_nothing(client, auth, make_user, make_wave):
    wave = make_wave(status=WaveStatus.draft)
    auth.login(make_user("facilitator", ("sanitas",)))
    base = f"/animation/enquetes/{wave.questionnaire_id}"
    before = [q.code for q in wave.version.questions]
    for data in (
        {"code": "mood", "type": "yes_no", "text_fr": "Doublon ?"},
        {"code": "choix", "type": "single_choice", "text_fr": "Un seul choix ?", "options": "a | A"},
        {"code": "cond", "type": "yes_no", "text_fr": "Condition ?", "condition_mode": "all",
         "condition_lines-0-question": "inconnue", "condition_lines-0-test": "answered"},
        {"code": "cond", "type": "yes_no", "text_fr": "Condition ?", "condition_mode": "any",
         "condition_lines-0-question": "mood", "condition_lines-0-test": ">"},  # no value
        {"code": "cond", "type": "yes_no", "text_fr": "Condition ?", "condition_mode": "none",
         "condition_lines-0-question": "mood", "condition_lines-0-test": "selected", "condition_lines-0-value": "3"},
        {"code": "opts", "type": "single_choice", "text_fr": "Options ?", "options": "a | A\na | encore A"},
        {"code": "", "type": "yes_no", "text_fr": "Sans code"},
    ):
        response = client.post(f"{base}/questions/nouvelle?lang=en", data=data)
        assert response.status_code == 200, data
        assert 'class="error"' in response.text
    db.session.expire_all()
    assert [q.code for q in wave.version.questions] == before


def test_locked_version_offers_a_new_version(client, auth, make_user, make_wave):
    wave = make_wave()
    client.post(f"/api/v1/waves/{wave.id}/responses", json={"uuid": "0b7d8a3e-6f1c-4a0b-9c52-3f7d1b2e4a10", "answers": {"mood": 3}})
    auth.login(make_user("facilitator", ("tours",)))
    base = f"/animation/enquetes/{wave.questionnaire_id}"
    question = wave.version.questions[0]
    refused = client.post(f"{base}/questions/{question.id}", data={"code": "mood", "type": "smiley", "text_fr": "Changé"})
    assert refused.status_code == 200
    client.post(f"{base}/version")
    db.session.expire_all()
    assert wave.questionnaire.latest_version.number == 2
    new_mood = wave.questionnaire.latest_version.question("mood")
    client.post(f"{base}/questions/{new_mood.id}", data={"code": "mood", "type": "smiley", "text_fr": "Humeur du jour ?"})
    client.post(f"{base}/questions/{new_mood.id}/descendre")
    db.session.expire_all()
    assert wave.version.question("mood").text["fr"] == "Humeur ?"  # the answered version is untouched
    assert wave.questionnaire.latest_version.question("mood").text["fr"] == "Humeur du jour ?"
    assert wave.questionnaire.latest_version.question("mood").position == 2


def test_next_wave_from_the_wave_page(client, auth, make_user, make_wave):
    wave = make_wave()
    auth.login(make_user("facilitator", ("sanitas",)))
    response = client.post(f"/animation/enquetes/vagues/{wave.id}/suivante")
    following = db.session.scalar(select(Wave).where(Wave.number == 2))
    assert response.headers["Location"].endswith(f"/animation/enquetes/vagues/{following.id}")
    schedule = client.get(f"/animation/enquetes/{wave.questionnaire_id}?lang=en")
    assert "Wave 1" in schedule.text and "Wave 2" in schedule.text


def test_shared_metropole_questionnaire_is_run_by_quartier_facilitators(client, auth, make_user, make_wave, territories):
    wave = make_wave("metropole")
    auth.login(make_user("facilitator", ("rabiere",)))
    base = f"/animation/enquetes/{wave.questionnaire_id}"
    assert client.get(base).status_code == 200  # they see it
    assert client.post(f"{base}/questions/nouvelle", data={"code": "x", "type": "yes_no", "text_fr": "X ?"}).status_code == 403
    today = residents_today().isoformat()
    dates = {"opens_on": today, "closes_on": today}
    client.post(f"{base}/vagues", data={"territory": territories["metropole"].id, **dates})  # not theirs: refused
    client.post(f"{base}/vagues", data={"territory": territories["rabiere"].id, **dates})
    waves = db.session.scalars(select(Wave).order_by(Wave.id)).all()
    assert [w.territory.slug for w in waves] == ["metropole", "rabiere"]


def test_question_type_labels_cover_every_type():
    from surveys.forms import TYPE_LABELS

    assert set(TYPE_LABELS) == set(QuestionType)


def test_live_counts_follow_new_responses(client, auth, make_user, make_wave):
    wave = make_wave()
    auth.login(make_user("facilitator", ("sanitas",)))
    url = f"/animation/enquetes/vagues/{wave.id}/compteurs"
    assert client.get(url).get_json() == {"total": 0, "by_quartier": []}
    for quartier in ("sanitas", "sanitas", "rabiere", ""):
        body = {"uuid": str(uuid.uuid4()), "answers": {"mood": 3}, "about": {"quartier": quartier}}
        assert client.post(f"/api/v1/waves/{wave.id}/responses", json=body).status_code == 201
    counts = client.get(url).get_json()
    assert counts["total"] == 4
    assert {row["quartier"]: row["responses"] for row in counts["by_quartier"]} == {"Sanitas": 2, "Rabière": 1, None: 1}
