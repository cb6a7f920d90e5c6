"""The newer question types in the analysis and the indicators (issue 14, item 1: "counted in
the indicators where relevant"), counted by hand as in tests/test_indicators.py.

- The items of a "several short texts" question (also what a LimeSurvey ';' grid row
  becomes) are what residents wrote: scrubbed item by item when stored, then analysed
  like a long text, as one text with an item per line, and kept raw only as long as any
  free text (retention waits for their analysis).
- A response is a respondent whatever it answered: matrix answers alone count.
- An information screen stores no answer: nothing of it reaches counts or analyses.
"""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from insights.indicators import Period
from insights.indicators.measure import measure
from insights.indicators.scope import Scope
from insights.models import TextAnalysis
from insights.store import analyze_pending, answer_text, source_texts
from surveys.models import Answer, Channel, Response
from surveys.submission import load_target, submit_response
from voix.extensions import db
from voix.models import local_today

OPTIONS = [{"code": c, "label": {"fr": c}} for c in ("bien", "moyen", "mal")]
ROWS = [{"code": "caf", "label": {"fr": "La CAF"}}, {"code": "mairie", "label": {"fr": "La mairie"}}]
QUESTIONS = [
    dict(code="services", type="matrix_single", text={"fr": "Comment jugez-vous ces services ?"},
         options=OPTIONS, rows=ROWS),
    dict(code="choix", type="matrix_multiple", text={"fr": "Quand y allez-vous ?"}, options=OPTIONS, rows=ROWS),
    dict(code="nombres", type="multiple_number", text={"fr": "Combien de fois ?"}, rows=ROWS),
    dict(code="info", type="information", text={"fr": "Merci, passons à vos mots."}),
    dict(code="mots", type="multiple_short_text", text={"fr": "Un mot sur chacun ?"}, rows=ROWS),
    dict(code="avis", type="long_text", text={"fr": "Votre avis ?"}),
]
# The CAF item is negative, the mairie item positive (one text: neutral overall, as a long
# text saying both would be); the email is personal data.
CAF = "La CAF ne répond jamais, c'est scandaleux. Écrivez-moi à nadia.b@example.org"
MAIRIE = "La mairie nous a bien aidés, merci à eux."


def send(wave, answers):
    submit_response(load_target(wave.id), answers, uuid=str(uuid.uuid4()), channel=Channel.api, language="fr")


@pytest.fixture
def wave(make_wave):
    wave = make_wave(questions=QUESTIONS)
    send(wave, {"services": {"caf": "mal"}})  # r1: one matrix row, nothing else
    send(wave, {"choix": {"mairie": ["bien", "moyen"]}, "nombres": {"caf": "2"}})  # r2: matrix + numbers
    send(wave, {"info": "lu", "mots": {"caf": CAF, "mairie": MAIRIE}})  # r3: the information is dropped
    send(wave, {"mots": {"mairie": "   "}, "avis": "La mairie est formidable."})  # r4: an empty item
    return wave


def week(territory):
    today = local_today()
    return Scope.of(territory, Period(today - timedelta(days=3), today + timedelta(days=1)))


def test_a_response_with_only_matrix_answers_is_a_respondent(wave, territories):
    assert db.session.scalar(select(func.count()).select_from(Response)) == 4
    found = measure(week(territories["sanitas"]))["contributors"]
    # r1 (a matrix row only), r2 (matrix and numbers), r3, r4: four people.
    assert found.parts["respondents"].value == 4 and found.value == 4


def test_an_information_screen_stores_nothing_and_each_question_is_one_answer(wave):
    stored = sorted((a.question.code, a.response_id) for a in db.session.scalars(select(Answer)))
    codes = [code for code, _response in stored]
    # r1: services; r2: choix, nombres; r3: mots; r4: avis (its empty item is no answer).
    assert sorted(codes) == ["avis", "choix", "mots", "nombres", "services"]
    assert "info" not in codes


def test_several_short_texts_are_scrubbed_and_analysed_like_a_long_text(wave, territories):
    mots = db.session.scalar(select(Answer).join(Answer.question).where(Answer.question.has(code="mots")))
    assert mots.value["mairie"] == MAIRIE
    assert "nadia.b@example.org" not in mots.value["caf"] and "[email]" in mots.value["caf"]
    # Two free texts wait: r3's items (one text) and r4's long text; no matrix, number or
    # information answer is a text to analyse.
    assert analyze_pending() == 2
    analyses = {a.source_id: a for a in db.session.scalars(select(TextAnalysis).where(TextAnalysis.source == "answer"))}
    assert set(analyses) == {mots.id, db.session.scalar(select(Answer.id).where(Answer.question.has(code="avis")))}
    texts = source_texts(list(analyses.values()))
    assert texts[analyses[mots.id].id] == f"{mots.value['caf']}\n{MAIRIE}"  # one item per line, no label
    found = measure(week(territories["sanitas"]))["discourse"]
    # Texts: r3 (caf -, mairie +): neutral overall; r4 (mairie +): positive. Net tone 1/2.
    assert found.count == 2 and found.value == pytest.approx(1 / 2)
    assert found.parts["caf"].count == 1 and found.parts["caf"].value == -1
    assert found.parts["mairie"].count == 2 and found.parts["mairie"].value == 1


def test_answer_text_joins_items_in_the_questions_order_and_leaves_empty_ones_out():
    assert answer_text({"a": "Premier", "b": "", "c": "Troisième"}) == "Premier\nTroisième"
    assert answer_text("Un texte") == "Un texte"
