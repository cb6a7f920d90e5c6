import uuid
from datetime import timedelta

import pytest

from surveys import operations as ops
from surveys.answers import clean_answers
from surveys.models import Channel, Question, QuestionType, WaveStatus
from surveys.submission import load_target, submit_response
from voix.extensions import db
from tests.conftest import residents_today

TEXT = {"fr": "Question ?"}
OPTIONS = [{"code": "a", "label": {"fr": "A"}}, {"code": "b", "label": {"fr": "B"}}, {"code": "c", "label": {"fr": "C"}}]


def answer(wave, answers):
    return submit_response(load_target(wave.id), answers, uuid=str(uuid.uuid4()), channel=Channel.api, language="fr")


def question(type, **settings):
    return Question(code="q", position=1, type=QuestionType(type), text=TEXT, options=OPTIONS, settings=settings)


@pytest.mark.parametrize("type, raw, expected", [
    ("single_choice", "b", "b"),
    ("multiple_choice", ["c", "a"], ["a", "c"]),
    ("multiple_choice", "a", ["a"]),
    ("ranking", ["c", "a"], ["c", "a"]),
    ("agreement", "4", 4),
    ("agreement", "dk", "dk"),
    ("smiley", 1, 1),
    ("yes_no", "yes", True),
    ("yes_no", False, False),
    ("number", "12,5", 12.5),
    ("number", "7", 7),
    ("date", "2026-03-21", "2026-03-21"),
    ("short_text", "  Plus de bancs  ", "Plus de bancs"),
    ("long_text", "Écrire à jean.dupont@mail.fr", "Écrire à [email]"),
])
def test_each_type_accepts_its_values(type, raw, expected):
    clean, errors = clean_answers([question(type)], {"q": raw})
    assert errors == {} and clean == {"q": expected}


@pytest.mark.parametrize("type, raw", [
    ("single_choice", "z"), ("multiple_choice", ["a", "a"]), ("multiple_choice", ["a", "zz"]),
    ("ranking", ["a", "a"]), ("agreement", "6"), ("agreement", 2.5), ("smiley", "0"), ("yes_no", "peut-être"),
    ("number", "douze"), ("number", "nan"), ("date", "21/03/2026"), ("short_text", "x" * 201), ("long_text", 12),
])
def test_each_type_refuses_bad_values(type, raw):
    clean, errors = clean_answers([question(type)], {"q": raw})
    assert clean == {} and set(errors) == {"q"}


def test_number_limits_and_choice_limits():
    assert clean_answers([question("number", min=0, max=120)], {"q": "130"})[1]
    assert clean_answers([question("number", min=0, max=120)], {"q": "120"})[0] == {"q": 120}
    assert clean_answers([question("multiple_choice", max_choices=2)], {"q": ["a", "b", "c"]})[1]


def test_conditions_show_and_hide_questions():
    source = Question(code="src", position=1, type=QuestionType.single_choice, text=TEXT, options=OPTIONS)
    on_value = Question(code="if_b", position=2, type=QuestionType.short_text, text=TEXT, required=True,
                        condition={"op": "=", "question": "src", "value": "b"})
    on_answer = Question(code="if_any", position=3, type=QuestionType.short_text, text=TEXT, required=True,
                         condition={"op": "answered", "question": "src"})
    questions = [source, on_value, on_answer]
    assert clean_answers(questions, {})[1] == {}  # nothing shown, nothing required
    assert set(clean_answers(questions, {"src": "a"})[1]) == {"if_any"}
    assert set(clean_answers(questions, {"src": "b"})[1]) == {"if_b", "if_any"}
    clean, _ = clean_answers(questions, {"src": "a", "if_b": "dropped", "if_any": "kept"})
    assert clean == {"src": "a", "if_any": "kept"}


def test_conditions_compare_values_as_answers():
    yes_no = Question(code="yes_no", position=1, type=QuestionType.yes_no, text=TEXT)
    scale = Question(code="scale", position=2, type=QuestionType.agreement, text=TEXT)
    several = Question(code="several", position=3, type=QuestionType.multiple_choice, text=TEXT, options=OPTIONS,
                       settings={})
    follow = [Question(code=f"if_{n}", position=4 + i, type=QuestionType.short_text, text=TEXT,
                       condition={"op": op, "question": n, "value": v})
              for i, (n, op, v) in enumerate([("yes_no", "=", True), ("scale", "=", 4), ("several", "selected", "b")])]
    questions = [yes_no, scale, several, *follow]
    given = {"yes_no": "yes", "scale": 4, "several": ["a", "b"], "if_yes_no": "1", "if_scale": "2", "if_several": "3"}
    assert set(clean_answers(questions, given)[0]) == set(given)
    other = {**given, "yes_no": "no", "scale": "dk", "several": ["a"]}
    assert set(clean_answers(questions, other)[0]) == {"yes_no", "scale", "several"}


def test_a_version_freezes_once_answered_and_a_new_one_is_made(make_wave):
    wave = make_wave()
    questionnaire = wave.questionnaire
    version = questionnaire.latest_version
    assert ops.editable_version(questionnaire) is version  # no answers yet: edit in place
    answer(wave, {"mood": 4})
    assert version.is_locked
    with pytest.raises(ops.SurveyError):
        ops.save_question(version, code="new", type=QuestionType.yes_no, text=TEXT)
    with pytest.raises(ops.SurveyError):
        ops.delete_question(version.questions[0])
    new = ops.editable_version(questionnaire)
    assert new.number == 2 and [q.code for q in new.questions] == [q.code for q in version.questions]
    ops.save_question(new, code="new", type=QuestionType.yes_no, text=TEXT)
    db.session.commit()
    assert [q.code for q in version.questions] == ["mood", "priority", "why"]  # the old one is untouched


def test_same_code_must_keep_type_and_options(make_wave):
    wave = make_wave()
    answer(wave, {"mood": 4})
    new = ops.editable_version(wave.questionnaire)
    priority = new.question("priority")
    with pytest.raises(ops.SurveyError, match="priority"):
        ops.save_question(new, question=priority, code="priority", type=QuestionType.multiple_choice,
                          text=priority.text, options=priority.options)
    db.session.rollback()
    new = ops.editable_version(wave.questionnaire)
    priority = new.question("priority")
    changed = ops.save_question(new, question=priority, code="priority", type=QuestionType.single_choice,
                                text={"fr": "Nouvelle formulation ?"}, options=priority.options)
    assert changed.text == {"fr": "Nouvelle formulation ?"}  # wording may change, meaning may not


def test_editor_refuses_invalid_questions(make_wave):
    version = make_wave(status=WaveStatus.draft).questionnaire.latest_version
    cases = [
        dict(code="Bad Code", type=QuestionType.yes_no, text=TEXT),
        dict(code="mood", type=QuestionType.yes_no, text=TEXT),  # duplicate in this version
        dict(code="one", type=QuestionType.single_choice, text=TEXT, options=OPTIONS[:1]),
        dict(code="nofr", type=QuestionType.yes_no, text={"en": "English only"}),
        dict(code="cond", type=QuestionType.yes_no, text=TEXT, condition={"question": "later"}),
        dict(code="cond2", type=QuestionType.yes_no, text=TEXT, condition={"question": "priority", "equals": "zz"}),
    ]
    for fields in cases:
        with pytest.raises(ops.SurveyError):
            ops.save_question(version, **fields)
        db.session.rollback()


def test_moving_a_question_above_its_condition_is_refused(make_wave):
    version = make_wave(status=WaveStatus.draft).questionnaire.latest_version
    why = version.question("why")
    with pytest.raises(ops.SurveyError):
        ops.move_question(why, -2)
    with pytest.raises(ops.SurveyError):
        ops.delete_question(version.question("priority"))  # "why" depends on it


def test_next_wave_in_one_action(make_wave):
    wave = make_wave(days=(-40, -10))
    wave.status = WaveStatus.closed
    following = ops.create_next_wave(wave)
    assert following.number == wave.number + 1 and following.territory is wave.territory
    assert following.status is WaveStatus.draft and following.version is wave.questionnaire.latest_version
    assert following.closes_on - following.opens_on == wave.closes_on - wave.opens_on
    assert following.opens_on >= residents_today()


def test_wave_lifecycle_is_guarded(make_wave):
    wave = make_wave(status=WaveStatus.draft)
    with pytest.raises(ops.SurveyError):
        ops.set_wave_status(wave, WaveStatus.closed)
    ops.set_wave_status(wave, WaveStatus.open)
    ops.set_wave_status(wave, WaveStatus.closed)
    ops.set_wave_status(wave, WaveStatus.open)  # reopening a closed wave is allowed
    with pytest.raises(ops.SurveyError):
        ops.set_wave_status(wave, WaveStatus.draft)


def test_wave_dates_must_be_in_order(make_wave):
    wave = make_wave()
    with pytest.raises(ops.SurveyError):
        ops.create_wave(wave.questionnaire, wave.territory, residents_today(), residents_today() - timedelta(days=1))


def test_comparable_codes_across_versions(make_wave):
    wave1 = make_wave()
    answer(wave1, {"mood": 4})
    version2 = ops.editable_version(wave1.questionnaire)
    ops.delete_question(version2.question("why"))
    ops.save_question(version2, code="transport", type=QuestionType.yes_no, text=TEXT)
    wave2 = ops.create_next_wave(wave1)
    assert ops.comparable_codes([wave1, wave2]) == {"mood": True, "priority": True, "why": True}  # a draft: left out
    wave2.status = WaveStatus.open
    assert ops.comparable_codes([wave1, wave2]) == {"mood": True, "priority": True, "why": False, "transport": False}


def test_conditions_are_checked_and_stored_as_answers_are(make_wave):
    version = make_wave(status=WaveStatus.draft).questionnaire.latest_version
    ops.save_question(version, code="age", type=QuestionType.number, text=TEXT)
    ops.save_question(version, code="oui", type=QuestionType.yes_no, text=TEXT)
    db.session.commit()
    for refused in ({"question": "age", "op": "selected", "value": "1"},  # a number has no options
                    {"question": "oui", "op": ">", "value": "yes"},  # yes/no has no order
                    {"question": "age", "op": "=", "value": "douze"},
                    {"question": "age", "op": "=", "value": ""},
                    {"question": "oui", "op": "=", "value": "peut-être"},
                    {"op": "and", "args": []}, {"op": "xor", "args": [{"op": "answered", "question": "age"}]},
                    {"op": "not", "args": [{"op": "answered", "question": "age"}] * 2},
                    {"op": "answered", "question": "later"}, "age > 3"):
        with pytest.raises(ops.SurveyError):
            ops.save_question(version, code="c1", type=QuestionType.yes_no, text=TEXT, condition=refused)
        db.session.rollback()
    version = ops.editable_version(version.questionnaire)
    follow = ops.save_question(version, code="c2", type=QuestionType.yes_no, text=TEXT,
                               condition={"question": "oui", "equals": "true"})  # the old form is still read
    assert follow.condition == {"op": "=", "question": "oui", "value": True}
    smiley = ops.save_question(version, code="c3", type=QuestionType.yes_no, text=TEXT,
                               condition={"op": ">=", "question": "mood", "value": "04"})
    assert smiley.condition == {"op": ">=", "question": "mood", "value": 4}
    answered = ops.save_question(version, code="c4", type=QuestionType.yes_no, text=TEXT, condition={"question": "age"})
    assert answered.condition == {"op": "answered", "question": "age"}  # "is answered" works on any type
    both = ops.save_question(version, code="c5", type=QuestionType.yes_no, text=TEXT, condition={"op": "and", "args": [
        {"op": "and", "args": [{"op": ">", "question": "age", "value": "2,5".replace(",", ".")}]},
        {"op": "not", "args": [{"op": "=", "question": "oui", "value": "non"}]}]})
    assert both.condition == {"op": "and", "args": [{"op": ">", "question": "age", "value": 2.5},
                                                    {"op": "not", "args": [{"op": "=", "question": "oui", "value": False}]}]}
    with pytest.raises(ops.SurveyError):  # c5 reads age: age keeps its code
        ops.save_question(version, question=version.question("age"), code="age2", type=QuestionType.number, text=TEXT)


@pytest.mark.parametrize("settings", [{"min": float("nan")}, {"max": float("inf")}, {"min": 5, "max": 1}])
def test_number_limits_must_make_sense(make_wave, settings):
    version = make_wave(status=WaveStatus.draft).questionnaire.latest_version
    with pytest.raises(ops.SurveyError):
        ops.save_question(version, code="n", type=QuestionType.number, text=TEXT, settings=settings)


def test_number_messages_name_the_limit_that_was_crossed(app):
    from flask_babel import force_locale

    with force_locale("en"):
        assert clean_answers([question("number", max=120)], {"q": "130"})[1] == {"q": "Enter a number of at most 120."}
        assert clean_answers([question("number", min=0)], {"q": "-1"})[1] == {"q": "Enter a number of at least 0."}


def test_ranking_from_a_form_refuses_ties_and_odd_ranks():
    ranking = question("ranking")
    assert clean_answers([ranking], {"q": {"a": "2", "c": "1"}})[0] == {"q": ["c", "a"]}
    for ranks in ({"a": "1", "b": "1"}, {"a": "²"}, {"a": "0"}, {"zz": "1"}):
        assert set(clean_answers([ranking], {"q": ranks})[1]) == {"q"}, ranks
    assert clean_answers([ranking], {"q": {}}) == ({}, {})


def test_counts_by_quartier_keep_homonyms_apart(make_wave, territories):
    from voix.territories.models import Territory, TerritoryKind

    wave = make_wave()
    twin = Territory(slug="sanitas-bis", name="Sanitas", kind=TerritoryKind.quartier, parent=territories["joue-les-tours"])
    db.session.add(twin)
    db.session.commit()
    for slug in ("sanitas", "sanitas-bis", "sanitas-bis"):
        submit_response(load_target(wave.id), {"mood": 3}, uuid=str(uuid.uuid4()), channel=Channel.api, language="fr",
                            about={"quartier": slug})
    assert ops.counts_by_quartier(wave) == [("Sanitas", 2), ("Sanitas", 1)]
