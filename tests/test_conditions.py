"""Display conditions on the server: the shared table of cases, checks, words, the migration.

The same table runs in the browser against voix/static/js/conditions.js
(tests/test_conditions_browser.py)."""
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from surveys import operations as ops
from surveys.answers import PARSERS, InvalidAnswer, clean_answers, is_empty
from surveys.conditions import ConditionError, describe, evaluate, normalize, references
from surveys.models import Question, QuestionType, WaveStatus
from voix.extensions import db

TABLE = json.loads((Path(__file__).parent / "fixtures/surveys/condition_cases.json").read_text(encoding="utf-8"))
CASES = TABLE["cases"]


def table_questions() -> dict:
    return {q["code"]: Question(code=q["code"], position=i, type=QuestionType(q["type"]), text={"fr": q["code"]},
                                options=[{"code": o, "label": {"fr": o.title(), "en": o.upper()}} for o in q.get("options", [])],
                                rows=[{"code": r, "label": {"fr": r.title()}} for r in q.get("rows", [])],
                                settings={})
            for i, q in enumerate(TABLE["questions"], start=1)}


def clean_form(questions: dict, form: dict) -> dict:
    """What the server keeps of the form's fields (surveys/answers.py)."""
    clean = {}
    for code, values in form.items():
        question = questions[code]
        if isinstance(values, dict):  # a matrix or several items: {row: [field values]}
            several = question.type is QuestionType.matrix_multiple
            raw = {row: (given if several else given[0]) for row, given in values.items() if given}
        else:
            raw = values if question.type in (QuestionType.multiple_choice, QuestionType.ranking) else values[0]
        if is_empty(raw):
            continue
        try:
            clean[code] = PARSERS[question.type](question, raw)
        except InvalidAnswer:
            pass
    return clean


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_shared_table_on_the_server(case):
    questions = table_questions()
    if case["condition"]:  # every tree of the table is one a facilitator could save as it is
        assert normalize(case["condition"], questions) == case["condition"]
    assert evaluate(case["condition"], clean_form(questions, case["form"])) is case["shown"]


def test_a_hidden_question_counts_as_unanswered_for_the_next_ones():
    def q(code, position, type, condition=None, **extra):
        return Question(code=code, position=position, type=QuestionType(type), text={"fr": code}, condition=condition,
                        options=extra.get("options", []), settings={}, required=extra.get("required", False))
    questions = [q("alone", 1, "yes_no"),
                 q("others", 2, "number", {"op": "=", "question": "alone", "value": False}, required=True),
                 q("children", 3, "number", {"op": ">", "question": "others", "value": 0}, required=True)]
    clean, errors = clean_answers(questions, {"alone": "yes", "others": "3", "children": "2"})
    assert clean == {"alone": True} and errors == {}  # answers of hidden questions dropped, nothing required
    clean, errors = clean_answers(questions, {"alone": "no", "others": "3"})
    assert clean == {"alone": False, "others": 3} and set(errors) == {"children"}


def test_checks_refuse_what_cannot_be_evaluated():
    questions = table_questions()
    refused = [
        {"op": "=", "question": "services", "value": "caf"},  # a multiple choice: "includes"
        {"op": "selected", "question": "transport", "value": "bus"},
        {"op": "<", "question": "car", "value": True},
        {"op": "<", "question": "name", "value": "b"},
        {"op": "=", "question": "transport", "value": "boat"},
        {"op": "<", "question": "calm", "value": "dk"},
        {"op": "=", "question": "since", "value": "yesterday"},
        {"op": "=", "question": "unknown", "value": "x"},
        {"op": "answered"}, {"op": "=", "question": "people"}, {"op": "=", "question": "people", "value": [1]},
        {"op": "or", "args": "no"}, {"op": "not", "args": []}, [1], 3,
        {"op": "and", "args": [{"op": "answered", "question": "name"}] * 61},
    ]
    deep = {"op": "answered", "question": "name"}
    for _ in range(12):
        deep = {"op": "not", "args": [deep]}
    for condition in refused + [deep]:
        with pytest.raises(ConditionError):
            normalize(condition, questions)
    # Labels in any language and yes/no words are read as the values they name.
    assert normalize({"op": "=", "question": "transport", "value": "TRAM"}, questions)["value"] == "tram"
    assert normalize({"op": "=", "question": "car", "value": "oui"}, questions)["value"] is True
    assert normalize({"op": "=", "question": "car", "value": "نعم"}, questions)["value"] is True
    assert references(normalize({"op": "or", "args": [{"op": "answered", "question": "car"},
                                                      {"op": "<", "question": "people", "value": "3"}]},
                                questions)) == {"car", "people"}


def test_conditions_in_words_in_three_languages(app):
    questions = table_questions()
    questions["car"].text = {"fr": "Voiture ?"}
    tree = {"op": "and", "args": [{"op": "=", "question": "transport", "value": "bus"},
                                  {"op": ">", "question": "people", "value": 2},
                                  {"op": "or", "args": [{"op": "=", "question": "car", "value": True},
                                                        {"op": "not", "args": [{"op": "selected", "question": "services",
                                                                                "value": "caf"}]}]}]}
    assert describe(tree, questions, "en") == (
        "Shown if transport is “BUS” and people is more than 2 and (car is “Yes” or services does not include “CAF”)")
    assert describe(tree, questions, "fr") == (
        "Affiché si transport est « Bus » et people est supérieur à 2 et (car est « Oui » ou services "
        "ne comprend pas « Caf »)")
    arabic = describe(tree, questions, "ar")
    assert arabic.startswith("يظهر إذا") and "نعم" in arabic and "people" in arabic
    assert describe({"op": "not", "args": [{"op": "answered", "question": "name"}]}, questions, "en") == (
        "Shown if name is not answered")
    # A content language without an interface catalogue (Turkish): French words, as its pages have
    assert describe({"op": "answered", "question": "name"}, questions, "tr").startswith("Affiché si name")


def test_the_migration_turns_single_conditions_into_trees(app, make_wave):
    from tests.test_migrations import migrate_down_and_up_again

    version = make_wave(status=WaveStatus.draft).questionnaire.latest_version
    ops.save_question(version, code="many", type=QuestionType.multiple_choice, text={"fr": "?"},
                      options=[{"code": "a", "label": {"fr": "A"}}, {"code": "b", "label": {"fr": "B"}}])
    ops.save_question(version, code="ok", type=QuestionType.yes_no, text={"fr": "?"})
    for code in ("c1", "c2", "c3", "c4", "c5"):
        ops.save_question(version, code=code, type=QuestionType.short_text, text={"fr": "?"})
    db.session.commit()
    old = {"c1": {"question": "many", "equals": "b"}, "c2": {"question": "ok", "equals": "no"},
           "c3": {"question": "mood", "equals": "4"}, "c4": {"question": "ok"},
           "c5": {"question": "priority", "equals": "clean"}}
    version_id = version.id
    with db.engine.begin() as connection:  # conditions as the code before 0019 stored them
        for code, condition in old.items():
            connection.execute(text("UPDATE question SET condition = :c WHERE code = :code AND version_id = :v"),
                               {"c": json.dumps(condition), "code": code, "v": version_id})
    migrate_down_and_up_again(app, "0018")
    rows = db.session.execute(text("SELECT code, condition FROM question WHERE version_id = :v"), {"v": version_id})
    stored = {code: json.loads(c) if isinstance(c, str) else c for code, c in rows if code in old}
    assert stored == {"c1": {"op": "selected", "question": "many", "value": "b"},
                      "c2": {"op": "=", "question": "ok", "value": False},
                      "c3": {"op": "=", "question": "mood", "value": 4},
                      "c4": {"op": "answered", "question": "ok"},
                      "c5": {"op": "=", "question": "priority", "value": "clean"}}
