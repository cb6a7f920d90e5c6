"""A questionnaire exported as an XLSForm and imported again is the same questionnaire:
every type, language, option, limit and display condition (issue 14, item 6)."""
import io

from openpyxl import load_workbook

from surveys import operations as ops
from surveys.interchange import import_questionnaire
from surveys.interchange.xlsform_export import relevant, xlsform_bytes
from surveys.models import QuestionType
from voix.extensions import db

OPTIONS = [{"code": "bus", "label": {"fr": "Le bus", "en": "The bus", "ar": "الحافلة"}},
           {"code": "tram", "label": {"fr": "Le tram", "en": "The tram"}},
           {"code": "l_2", "label": {"fr": "Ligne 2 'express'"}}]
NUMBERS = [{"code": str(n), "label": {"fr": f"{n} étage(s)"}} for n in (1, 2, 10)]


def fields(code, type, condition=None, **extra):
    return {"code": code, "type": QuestionType(type), "text": {"fr": f"{code} ?", "en": f"{code}?", "ar": f"{code}؟"},
            "condition": condition, **extra}


QUESTIONS = [
    fields("transport", "single_choice", options=OPTIONS, required=True, help={"fr": "Un seul", "en": "Only one"}),
    fields("lignes", "multiple_choice", {"op": "!=", "question": "transport", "value": "tram"}, options=OPTIONS,
           settings={"max_choices": 2}),
    fields("classement", "ranking", {"op": "selected", "question": "lignes", "value": "l_2"}, options=OPTIONS),
    fields("etage", "single_choice", {"op": "answered", "question": "transport"}, options=NUMBERS),
    fields("voiture", "yes_no", {"op": ">", "question": "etage", "value": 2}),
    fields("calme", "agreement", {"op": "or", "args": [{"op": "=", "question": "voiture", "value": True},
                                                      {"op": "not", "args": [{"op": "answered", "question": "etage"}]}]}),
    fields("humeur", "smiley", {"op": "and", "args": [{"op": ">=", "question": "calme", "value": 4},
                                                      {"op": "not", "args": [{"op": "selected", "question": "lignes",
                                                                              "value": "bus"}]}]}),
    fields("personnes", "number", {"op": "!=", "question": "calme", "value": "dk"}, settings={"min": 0, "max": 12.5}),
    fields("depuis", "date", {"op": "<", "question": "personnes", "value": 3.5}),
    fields("nom_rue", "short_text", {"op": ">=", "question": "depuis", "value": "2020-01-31"}),
    fields("pourquoi", "long_text", {"op": "or", "args": [
        {"op": "=", "question": "nom_rue", "value": "Rue d'Alger"},
        {"op": "and", "args": [{"op": "=", "question": "voiture", "value": False},
                               {"op": "=", "question": "humeur", "value": 1}]}]}),
]


def question_data(version):
    return [(q.code, q.position, q.type, q.required, q.text, q.help, q.options, q.settings, q.condition)
            for q in version.questions]


def test_export_then_import_gives_the_same_questionnaire(app, territories):
    questionnaire = ops.create_questionnaire({"fr": "Aller-retour", "en": "Round trip", "ar": "ذهاب وعودة"},
                                             territories["sanitas"])
    db.session.flush()
    for question in QUESTIONS:
        ops.save_question(questionnaire.latest_version, **question)
    db.session.commit()
    content = xlsform_bytes(questionnaire)

    result = import_questionnaire("aller-retour.xlsx", content, territories["sanitas"])
    db.session.commit()
    again = result.questionnaire
    assert again.id != questionnaire.id
    assert again.title == questionnaire.title
    assert question_data(again.latest_version) == question_data(questionnaire.latest_version)
    assert result.conditions_imported == len(QUESTIONS) - 1 and result.condition_notes == []
    assert not [note for note in result.notes if note.subject]  # nothing about any question was lost

    # And a second trip changes nothing either.
    assert xlsform_bytes_data(xlsform_bytes(again)) == xlsform_bytes_data(content)


def xlsform_bytes_data(content):
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return {name: list(workbook[name].iter_rows(values_only=True)) for name in ("survey", "choices")}


def test_conditions_as_xlsform_expressions():
    assert relevant({"op": "and", "args": [{"op": "=", "question": "a", "value": True},
                                           {"op": "or", "args": [{"op": "answered", "question": "b"},
                                                                 {"op": "<", "question": "c", "value": 2.5}]}]}) == (
        "${a} = 'yes' and (${b} != '' or ${c} < 2.5)")
    assert relevant({"op": "not", "args": [{"op": "selected", "question": "d", "value": "x"}]}) == (
        "not(selected(${d}, 'x'))")
    assert relevant({"op": ">=", "question": "e", "value": "2026-03-21"}) == "${e} >= date('2026-03-21')"
    assert relevant(None) == ""


def test_staff_download_and_command(client, auth, make_user, make_wave, runner, tmp_path):
    wave = make_wave()
    auth.login(make_user("evaluator", ("sanitas",)))
    download = client.get(f"/animation/enquetes/{wave.questionnaire_id}/xlsform.xlsx")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert "attachment" in download.headers["Content-Disposition"]
    output = tmp_path / "form.xlsx"
    result = runner.invoke(args=["surveys", "export-xlsform", "--questionnaire", str(wave.questionnaire_id),
                                 "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert xlsform_bytes_data(output.read_bytes()) == xlsform_bytes_data(download.data)


ROWS = [{"code": "bus", "label": {"fr": "Le bus", "en": "The bus"}},
        {"code": "poste", "label": {"fr": "La poste", "en": "The post office", "ar": "البريد"}}]
NEW_TYPES = [
    fields("accueil", "information"),
    fields("services", "matrix_single", options=NUMBERS, rows=ROWS, required=True),
    fields("moments", "matrix_multiple", {"op": "=", "question": "services", "row": "poste", "value": "10"},
           options=OPTIONS, rows=ROWS),
    fields("combien", "multiple_number", {"op": "selected", "question": "moments", "row": "bus", "value": "tram"},
           rows=ROWS, settings={"min": 0, "max": 99}),
    fields("mots", "multiple_short_text", {"op": ">", "question": "combien", "row": "bus", "value": 2}, rows=ROWS),
    fields("merci", "information", {"op": "answered", "question": "mots", "row": "poste"}),
]


def test_matrices_multiple_fields_and_information_make_the_round_trip(app, territories):
    """Matrices as ODK grids, several numbers or texts as KoboToolbox matrices, information
    as notes, conditions on one row as ${CODE_ROW}: the same questionnaire comes back."""
    questionnaire = ops.create_questionnaire({"fr": "Grilles"}, territories["sanitas"])
    db.session.flush()
    for question in NEW_TYPES:
        ops.save_question(questionnaire.latest_version, **question)
    db.session.commit()
    content = xlsform_bytes(questionnaire)  # was a KeyError (a 500 on "Download as XLSForm")
    survey = xlsform_bytes_data(content)["survey"]
    assert ("select_one services", "services_poste") == survey[5][:2] and survey[5][-1] == "poste"
    result = import_questionnaire("grilles.xlsx", content, territories["sanitas"])
    db.session.commit()
    version = result.questionnaire.latest_version
    assert [(q.code, q.rows) for q in version.questions] == [(q["code"], q.get("rows", [])) for q in NEW_TYPES]
    assert question_data(version) == question_data(questionnaire.latest_version)
    assert result.condition_notes == [] and result.conditions_imported == 4
    assert not [note for note in result.notes if note.subject]


def test_parts_make_the_round_trip_as_groups(app, territories):
    """A part is written as a group with its title and relevant, its questions keeping their
    own conditions; the import makes the same part again."""
    questionnaire = ops.create_questionnaire({"fr": "Parties"}, territories["sanitas"])
    db.session.flush()
    version = questionnaire.latest_version
    for question in QUESTIONS[:3] + NEW_TYPES[1:3] + QUESTIONS[3:5]:
        ops.save_question(version, **question)
    condition = {"op": "=", "question": "transport", "value": "bus"}
    ops.save_group(version, code="reseau", title={"fr": "Le réseau", "en": "The network"},
                   members=["classement", "services", "moments"], condition=condition)
    db.session.commit()
    content = xlsform_bytes(questionnaire)
    kinds = [row[0] for row in xlsform_bytes_data(content)["survey"]]
    assert kinds.count("begin_group") == 3 and kinds.count("end_group") == 3  # the part and its two grids
    assert_parts_come_back("parties.xlsx", content, version, territories["sanitas"])


def assert_parts_come_back(filename, content, version, territory):
    """Our import of our export gives `version`'s parts and every question's part and
    conditions again, with nothing reported as not imported."""
    result = import_questionnaire(filename, content, territory)
    db.session.commit()
    again = result.questionnaire.latest_version
    assert again.groups == version.groups
    assert [(q.code, q.group_code, q.condition, q.shown_if) for q in again.questions] == [
        (q.code, q.group_code, q.condition, q.shown_if) for q in version.questions]
    assert result.condition_notes == [] and not [note for note in result.notes if note.subject]


def test_a_part_split_by_other_questions_is_several_groups_with_its_title_and_comes_back_as_one(
        app, territories):
    """A part whose questions do not follow one another: one XLSForm group per run of its
    questions, each with the part's title and relevant (KoBo and ODK show the title each
    time); our import makes the one part again. A part without a condition comes back too."""
    questionnaire = ops.create_questionnaire({"fr": "Parties coupées"}, territories["sanitas"])
    db.session.flush()
    version = questionnaire.latest_version
    # A question already named as a second group would be: the group takes another name.
    for question in QUESTIONS[:5] + [fields("reseau_2", "short_text")] + NEW_TYPES[1:2]:
        ops.save_question(version, **question)
    condition = {"op": "=", "question": "transport", "value": "bus"}
    ops.save_group(version, code="reseau", title={"fr": "Le réseau", "en": "The network"},
                   members=["lignes", "etage", "services"], condition=condition)
    ops.save_group(version, code="logement", title={"fr": "Le logement"}, members=["classement", "voiture"])
    db.session.commit()
    assert [q.group_code for q in version.questions] == [
        None, "reseau", "logement", "reseau", "logement", None, "reseau"]

    content = xlsform_bytes(questionnaire)
    survey = xlsform_bytes_data(content)["survey"]
    header = survey[0]
    parts = [dict(zip(header, row)) for row in survey if row[0] == "begin_group" and row[-1]]
    assert [(p["name"], p["label::Français (fr)"], p["label::English (en)"], p["relevant"], p["voix_part"])
            for p in parts] == [
        ("reseau", "Le réseau", "The network", "${transport} = 'bus'", "reseau"),
        ("logement", "Le logement", None, None, "logement"),
        ("reseau_3", "Le réseau", "The network", "${transport} = 'bus'", "reseau"),
        ("logement_2", "Le logement", None, None, "logement"),
        ("reseau_4", "Le réseau", "The network", "${transport} = 'bus'", "reseau")]
    names = [row[1] for row in survey[1:] if row[1]]
    assert len(names) == len(set(names))  # XLSForm names are unique in a form
    kinds = [row[0] for row in survey]
    assert kinds.count("begin_group") == kinds.count("end_group") == 6  # five runs and the grid

    assert_parts_come_back("parties-coupees.xlsx", content, version, territories["sanitas"])
