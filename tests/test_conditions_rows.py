"""A condition on one row of a matrix (issue 14): "show q5 if the row 'bus' of the matrix
services is 4". Checked, evaluated (the shared table of cases has the rows' cases, run on
the server and in the browser), said in words, edited in the builder, imported from
LimeSurvey (`services_SQ001.NAOK == 4`)."""
import pytest

from surveys import operations as ops
from surveys.answers import clean_answers
from surveys.conditions import ConditionError, describe, normalize
from surveys.interchange import read_file
from surveys.models import Question, QuestionType
from tests.test_surveys_matrix_import import ROWS, answer, context, limesurvey  # noqa: F401 (fixture)
from voix.extensions import db

OPTIONS = [{"code": str(n), "label": {"fr": label, "en": english}} for n, label, english in
           ((1, "Très mal", "Very bad"), (2, "Mal", "Bad"), (3, "Bien", "Good"), (4, "Très bien", "Very good"))]
QUESTIONS = [
    dict(code="services", type="matrix_single", text={"fr": "Notez les services"}, options=OPTIONS,
         rows=[{"code": "bus", "label": {"fr": "Le bus", "en": "The bus"}},
               {"code": "poste", "label": {"fr": "La poste", "en": "The post office"}}]),
    dict(code="foyer", type="multiple_number", text={"fr": "Combien ?"},
         rows=[{"code": "adultes", "label": {"fr": "Adultes"}}, {"code": "enfants", "label": {"fr": "Enfants"}}]),
    dict(code="pourquoi_bus", type="short_text", text={"fr": "Pourquoi le bus ?"},
         condition={"op": "=", "question": "services", "row": "bus", "value": "Très bien"}),
    dict(code="ecole", type="yes_no", text={"fr": "L'école ?"}, required=True,
         condition={"op": ">", "question": "foyer", "row": "enfants", "value": "0"}),
]


def earlier():
    return {q["code"]: Question(code=q["code"], type=QuestionType(q["type"]), text=q["text"],
                                options=q.get("options", []), rows=q.get("rows", []), settings={})
            for q in QUESTIONS[:2]}


def test_a_row_condition_is_checked_and_its_value_read_as_the_row_would_be(context):
    questions = earlier()
    # An option may be given by its label; a number as text.
    assert normalize(QUESTIONS[2]["condition"], questions) == {"op": "=", "question": "services", "row": "bus",
                                                                "value": "4"}
    assert normalize(QUESTIONS[3]["condition"], questions)["value"] == 0
    for wrong in ({"op": "=", "question": "services", "row": "tram", "value": "4"},  # no such row
                  {"op": "selected", "question": "services", "row": "bus", "value": "4"},  # one answer per row
                  {"op": "=", "question": "services", "row": "bus", "value": "9"},  # not an option
                  {"op": "=", "question": "services", "value": "4"}):  # a whole matrix has no single value
        with pytest.raises(ConditionError):
            normalize(wrong, questions)
    assert normalize({"op": "answered", "question": "foyer", "row": "adultes"}, questions) == {
        "op": "answered", "question": "foyer", "row": "adultes"}


def test_a_row_condition_in_words(context):
    questions = earlier()
    tree = normalize(QUESTIONS[2]["condition"], questions)
    assert describe(tree, questions, "fr") == "Affiché si services (ligne « Le bus ») est « Très bien »"
    assert describe(tree, questions, "en") == "Shown if services (row “The bus”) is “Very good”"
    both = normalize({"op": "or", "args": [QUESTIONS[3]["condition"],
                                           {"op": "answered", "question": "foyer", "row": "adultes"}]}, questions)
    assert describe(both, questions, "fr") == ("Affiché si foyer (ligne « Enfants ») est supérieur à 0 ou "
                                               "foyer (ligne « Adultes ») a une réponse")


def test_the_server_shows_and_asks_by_a_rows_answer(make_wave):
    questions = make_wave(questions=QUESTIONS).version.questions
    clean, errors = clean_answers(questions, {"services": {"bus": "4"}, "pourquoi_bus": "rapide",
                                              "foyer": {"adultes": "2"}, "ecole": "yes"})
    assert errors == {} and clean == {"services": {"bus": "4"}, "pourquoi_bus": "rapide", "foyer": {"adultes": 2}}
    clean, errors = clean_answers(questions, {"services": {"bus": "3", "poste": "4"}, "pourquoi_bus": "x",
                                              "foyer": {"enfants": "1"}})
    assert "pourquoi_bus" not in clean and errors == {"ecole": errors["ecole"]}  # a child: the school is asked


def test_the_builder_offers_each_row_and_keeps_it(client, auth, make_user, make_wave):
    wave = make_wave(questions=QUESTIONS[:2], status=ops.WaveStatus.draft)
    auth.login(make_user("facilitator", ("sanitas",)))
    url = f"/animation/enquetes/{wave.questionnaire_id}/questions"
    form = client.get(f"{url}/nouvelle").text
    assert 'value="services/bus"' in form and "services — La poste" in form
    saved = client.post(f"{url}/nouvelle", data={
        "code": "pourquoi", "type": "short_text", "text_fr": "Pourquoi ?", "condition_mode": "all",
        "condition_lines-0-question": "services/bus", "condition_lines-0-test": "=",
        "condition_lines-0-value": "Très bien"})
    assert saved.status_code == 302, saved.text
    question = wave.version.question("pourquoi")
    db.session.refresh(question)
    assert question.condition == {"op": "=", "question": "services", "row": "bus", "value": "4"}
    edit = client.get(f"{url}/{question.id}").text
    assert 'selected value="services/bus"' in edit
    assert "Affiché si services (ligne « Le bus ») est « Très bien »" in edit


def test_limesurvey_row_relevance_is_imported(context):
    third = ("<row><qid>12</qid><parent_qid>0</parent_qid><gid>1</gid><type>S</type><title>pourquoi</title>"
             "<question>Pourquoi ?</question><question_order>2</question_order><language>fr</language>"
             "<relevance>grille_SQ1.NAOK == 4 or is_empty(grille_SQ2)</relevance></row>")
    content = limesurvey("A", "", ROWS).replace(b"</rows></questions>", third.encode() + b"</rows></questions>")
    draft = read_file("a.lss", content)
    assert [part.tree for part in draft.questions[2].conditions] == [{"op": "or", "args": [
        {"op": "=", "question": "grille", "row": "SQ1", "value": 4},
        {"op": "not", "args": [{"op": "answered", "question": "grille", "row": "SQ2"}]}]}]


def test_limesurvey_row_relevance_becomes_our_codes(territories):
    from surveys.interchange import import_questionnaire

    third = ("<row><qid>12</qid><parent_qid>0</parent_qid><gid>1</gid><type>S</type><title>pourquoi</title>"
             "<question>Pourquoi ?</question><question_order>2</question_order><language>fr</language>"
             "<relevance>grille_SQ1.NAOK == 4</relevance></row>")
    content = limesurvey("A", "", ROWS).replace(b"</rows></questions>", third.encode() + b"</rows></questions>")
    result = import_questionnaire("a.lss", content, territories["sanitas"])
    question = result.version.question("pourquoi")
    assert question.condition == {"op": "=", "question": "grille", "row": "sq1", "value": "4"}
    assert "pourquoi" not in {note.source for note in result.notes if "condition" in str(note)}
