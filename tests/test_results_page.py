"""The public results page of a quartier: what was said, decided and answered."""
import html
import uuid

import pytest

from deliberation import operations as ops
from deliberation.models import AnswerStatus, Origin
from surveys.models import Answer, Channel, Response, WaveStatus
from voix.extensions import db
from voix.institutions.models import Institution, InstitutionCode


def respond(wave, territory, mood, priority):
    questions = {q.code: q for q in wave.version.questions}
    response = Response(uuid=str(uuid.uuid4()), wave_id=wave.id, version_id=wave.version_id, channel=Channel.kiosk,
                        language="fr", territory_id=territory.id)
    response.answers = [Answer(question=questions["mood"], value=mood),
                        Answer(question=questions["priority"], value=priority)]
    db.session.add(response)


@pytest.fixture
def quartier_life(territories, make_wave):
    sanitas, rabiere = territories["sanitas"], territories["rabiere"]
    wave = make_wave("sanitas", status=WaveStatus.closed)
    for index in range(12):  # 9 of 12 feel good (4 or 5); 7 of 12 chose cleanliness
        respond(wave, sanitas, 5 if index < 5 else 4 if index < 9 else 2, "clean" if index < 7 else "youth")
    small = make_wave("rabiere", status=WaveStatus.closed)
    for _ in range(9):
        respond(small, rabiere, 5, "clean")
    consultation = ops.create_consultation({"fr": "Le square"}, sanitas)
    carrier = ops.new_participant(consultation, Origin.kiosk)
    bancs = ops.propose_idea(consultation, carrier, title="Des bancs", body="Des bancs à l'ombre")
    fresque = ops.propose_idea(consultation, carrier, title="Une fresque", body="Sur le mur du parking")
    secret = ops.propose_idea(consultation, carrier, title="Idée masquée", body="Hors sujet")
    mairie = Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=territories["tours"])
    db.session.add(mairie)
    db.session.flush()
    ops.answer_idea(bancs, mairie, None, AnswerStatus.accepted, "Les bancs seront posés en mai.")
    ops.answer_idea(fresque, mairie, None, AnswerStatus.refused, "Le mur appartient au bailleur.")
    ops.answer_idea(secret, mairie, None, AnswerStatus.accepted, "Texte d'une idée masquée.")
    ops.hide(secret, None, "Hors sujet")
    for text, answer, hidden in (("Quand rouvre la piscine ?", "La piscine rouvre le 2 mai.", False),
                                 ("Une question restée sans réponse", None, False),
                                 ("Une question masquée", "Réponse à une question masquée.", True)):
        question, _ = ops.ask_question(consultation, carrier, mairie.id, text, uuid=str(uuid.uuid4()))
        if answer:
            ops.answer_question(question, None, answer, uuid=str(uuid.uuid4()))
        if hidden:
            ops.hide(question, None, "Hors sujet")
    db.session.commit()


def test_what_was_said_in_plain_words(quartier_life, client):
    page = client.get("/resultats/sanitas?lang=en")
    assert page.status_code == 200
    assert "75% of the 12 people who answered feel good." in page.text
    assert '"Cleanliness", by 58% of the 12 people who answered.' in html.unescape(page.text)


def test_too_few_answers_show_nothing(quartier_life, client):
    page = client.get("/resultats/rabiere?lang=en")
    assert "Not enough answers yet" in page.text
    assert "9 people" not in page.text


def test_what_was_decided_and_answered(quartier_life, client):
    page = client.get("/resultats/sanitas")
    decided = page.text.split('id="decided"')[1].split("</section>")[0]
    assert "Des bancs" in decided and "Une fresque" not in decided  # refused is not decided
    answered = page.text.split('id="answered"')[1]
    assert "Les bancs seront posés en mai." in answered and "Le mur appartient au bailleur." in answered
    assert "Idée masquée" not in page.text and "Texte d'une idée masquée." not in page.text
    # Answered questions are among what each institution answered; unanswered and hidden ones are not.
    assert "Quand rouvre la piscine ?" in answered and "La piscine rouvre le 2 mai." in answered
    assert 'href="/consultations/' in answered and "#question-" in answered
    assert "sans réponse" not in answered
    assert "Une question masquée" not in page.text and "Réponse à une question masquée." not in page.text
    assert "Des bancs" not in client.get("/resultats/rabiere").text


def test_results_pages_speak_every_language(quartier_life, client):
    assert 'dir="rtl"' in client.get("/resultats/sanitas?lang=ar").text
    assert client.get("/resultats/?lang=en").status_code == 200
    assert "/resultats/sanitas" in client.get("/resultats/").text


@pytest.mark.parametrize("slug", ["tours", "nowhere"])
def test_only_quartiers_have_a_results_page(quartier_life, client, slug):
    assert client.get(f"/resultats/{slug}").status_code == 404
