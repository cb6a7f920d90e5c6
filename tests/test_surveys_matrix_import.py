"""Matrices, multiple questions and notes from LimeSurvey and XLSForm files; the smiley
scale only when the source says so (issue 14, items 1 and 7)."""
import pytest

from surveys.interchange import import_questionnaire, read_file
from surveys.models import QuestionType
from tests.conftest import make_app, residents_today
from tests.test_surveys_import import SHARED, by_subject, imported, needs_shared
from voix.extensions import db


@pytest.fixture(scope="module")
def context():
    app = make_app("sqlite://")
    with app.app_context():
        yield


def xlsform(survey: str, choices: str) -> bytes:
    """pyxform's CSV layout: a sheet name alone on a line, then its rows indented by one cell."""
    lines = ["survey"] + ["," + line for line in survey.strip().splitlines()]
    lines += ["choices"] + ["," + line for line in choices.strip().splitlines()]
    return "\n".join(lines).encode()


SCALE = """list_name,name,label::Français (fr),label::English (en)
note,1,Mauvais,Bad
note,2,Moyen,Average
note,3,Bon,Good
services,bus,Le bus,The bus
services,poste,La poste,The post office
yn,oui,Oui,Yes
yn,non,Non,No"""


def test_an_odk_grid_group_becomes_one_matrix(context):
    draft = read_file("grid.csv", xlsform("""
type,name,label::Français (fr),label::English (en),appearance,required,relevant
select_one yn,venez,Venez-vous ?,Do you come?,,,
begin group,notes,Notez les services,Rate the services,field-list,,${venez} = 'oui'
select_one note,entete,,,label,,
select_one note,bus,Le bus,The bus,list-nolabel,yes,
select_one note,tram,Le tram,The tram,list-nolabel,,
end group,,,,,,
note,merci,Merci !,Thank you!,,,
""", SCALE))
    _venez, matrix, merci = draft.questions
    assert matrix.name == "notes" and matrix.type is QuestionType.matrix_single
    assert matrix.text == {"Français (fr)": "Notez les services", "English (en)": "Rate the services"}
    assert [name for name, _label in matrix.rows] == ["bus", "tram"]
    assert matrix.rows[1][1] == {"Français (fr)": "Le tram", "English (en)": "The tram"}
    assert [name for name, _label in matrix.options] == ["1", "2", "3"] and matrix.required
    assert [part.tree for part in matrix.conditions] == [{"op": "=", "question": "venez", "value": "oui"}]
    assert merci.type is QuestionType.information and merci.text["English (en)"] == "Thank you!"
    assert "notes" in by_subject(draft.notes)  # "imported as one matrix of 2 rows"


def test_kobo_score_and_matrix(context):
    draft = read_file("kobo.csv", xlsform("""
type,name,label::Français (fr),kobo--score-choices,kobo--matrix_list,required
begin_score,satisfaction,Êtes-vous satisfait ?,note,,
score__row,proprete,La propreté,,,
score__row,calme,Le calme,,,
end_score,,,,,
begin_kobomatrix,usages,Vos usages,,services,
select_one yn,utilise,L'utilisez-vous ?,,,true
integer,fois,Combien de fois par mois ?,,,
text,pourquoi,Pourquoi ?,,,
geopoint,ou,Où ?,,,
end_kobomatrix,,,,,
""", SCALE))
    kinds = {question.name: question.type for question in draft.questions}
    assert kinds == {"satisfaction": QuestionType.matrix_single, "utilise": QuestionType.matrix_single,
                     "fois": QuestionType.multiple_number, "pourquoi": QuestionType.multiple_short_text}
    satisfaction = draft.questions[0]
    assert [name for name, _ in satisfaction.rows] == ["proprete", "calme"]
    assert [name for name, _ in satisfaction.options] == ["1", "2", "3"]
    utilise = draft.questions[1]
    assert [name for name, _ in utilise.rows] == ["bus", "poste"] and utilise.required
    assert "ou" in by_subject(draft.notes)  # a column type without equivalent is said


KOBO_CELLS = """
type,name,label::Français (fr),kobo--matrix_list,required,relevant
select_one yn,frequente,Venez-vous ?,,,
begin_kobomatrix,usages,Vos usages,services,,${frequente} != 'non'
select_one yn,utilise,L'utilisez-vous ?,,true,
integer,fois,Combien de fois par mois ?,,,${usages_poste_utilise} = 'oui'
text,quand,Quand ?,,,${frequente} = 'oui'
text,pourquoi,Pourquoi ?,,,${utilise} = 'oui'
end_kobomatrix,,,,,
text,apres,Et après ?,,,${usages_bus_fois} > 2
"""


def test_conditions_on_the_columns_of_a_kobo_matrix(territories):
    """A column's `relevant` in a KoboToolbox matrix, in a file not made by us: on a cell
    named whole (${MATRIX_ROW_COLUMN}) or on a question outside the matrix, it is the same
    for every row: imported as the column's condition (a row condition for a cell), with the
    matrix's own. On another column alone (${COLUMN}, the same row's cell for KoboToolbox,
    a different condition for each row), it cannot be one question's condition: said."""
    result = import_questionnaire("kobo-cells.csv", xlsform(KOBO_CELLS, SCALE), territories["sanitas"])
    db.session.commit()
    questions = {q.code: q for q in result.questionnaire.latest_version.questions}
    matrix = {"op": "!=", "question": "frequente", "value": "non"}
    assert questions["fois"].condition == {"op": "and", "args": [
        matrix, {"op": "=", "question": "utilise", "row": "poste", "value": "oui"}]}
    assert questions["quand"].condition == {"op": "and", "args": [
        matrix, {"op": "=", "question": "frequente", "value": "oui"}]}
    assert questions["pourquoi"].condition == matrix
    assert questions["apres"].condition == {"op": ">", "question": "fois", "row": "bus", "value": 2}
    notes = by_subject(result.notes)
    assert "fois" not in notes and "quand" not in notes and "apres" not in notes
    assert any("${utilise} = 'oui'" in message for message in notes["pourquoi"])
    assert [note.subject for note in result.condition_notes] == ["pourquoi"]  # among the conditions not imported


def test_a_five_point_xlsform_choice_stays_a_labelled_choice(context):
    """Item 7: a plain 5-point list, even drawn as a likert scale, keeps its own labels."""
    draft = read_file("likert.csv", xlsform("""
type,name,label,appearance
select_one cinq,avis,Votre avis ?,likert
""", """list_name,name,label
cinq,1,Pas du tout
cinq,2,Peu
cinq,3,Moyennement
cinq,4,Assez
cinq,5,Tout à fait"""))
    question = draft.questions[0]
    assert question.type is QuestionType.single_choice
    assert question.options[0] == ("1", {"fr": "Pas du tout"})


def test_repeats_are_reported_with_what_they_held(context):
    draft = read_file("repeat.csv", xlsform("""
type,name,label
integer,enfants,Combien d'enfants ?
begin repeat,enfant,Pour chaque enfant
integer,age,Âge
select_one yn,ecole,Va à l'école ?
end repeat,,
""", SCALE))
    assert [question.name for question in draft.questions] == ["enfants"]
    (message,) = by_subject(draft.notes)["enfant"]
    assert "age" in message and "ecole" in message


def limesurvey(kind, answers="", subquestions="", attributes="", scale1=""):
    """A LimeSurvey 2 file with one question of `kind`."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<document><LimeSurveyDocType>Survey</LimeSurveyDocType><DBVersion>178</DBVersion>
<languages><language>fr</language></languages>
<surveys><rows><row><sid>1</sid><language>fr</language></row></rows></surveys>
<surveys_languagesettings><rows><row><surveyls_language>fr</surveyls_language><surveyls_title>Essai</surveyls_title></row></rows></surveys_languagesettings>
<groups><rows><row><gid>1</gid><group_order>0</group_order><group_name>G</group_name><language>fr</language></row></rows></groups>
<questions><rows>
<row><qid>10</qid><parent_qid>0</parent_qid><gid>1</gid><type>Y</type><title>avant</title><question>Avant ?</question><question_order>0</question_order><language>fr</language><mandatory>N</mandatory></row>
<row><qid>11</qid><parent_qid>0</parent_qid><gid>1</gid><type>{kind}</type><title>grille</title><question>Notez</question><question_order>1</question_order><language>fr</language><mandatory>Y</mandatory></row>
</rows></questions>
<subquestions><rows>{subquestions}{scale1}</rows></subquestions>
<answers><rows>{answers}</rows></answers>
<question_attributes><rows>{attributes}</rows></question_attributes>
</document>""".encode()


def sub(qid, title, text, order, scale=0):
    return (f"<row><qid>{qid}</qid><parent_qid>11</parent_qid><gid>1</gid><type>T</type><title>{title}</title>"
            f"<question>{text}</question><question_order>{order}</question_order><scale_id>{scale}</scale_id>"
            f"<language>fr</language></row>")


def answer(code, text, order, scale=0):
    return (f"<row><qid>11</qid><code>{code}</code><answer>{text}</answer><sortorder>{order}</sortorder>"
            f"<scale_id>{scale}</scale_id><language>fr</language></row>")


ROWS = sub(20, "SQ1", "Le bus", 1) + sub(21, "SQ2", "La poste", 2)


@pytest.mark.parametrize("kind, options", [
    ("F", ["A1", "A2"]), ("H", ["A1", "A2"]), ("A", ["1", "2", "3", "4", "5"]),
    ("B", [str(n) for n in range(1, 11)]), ("C", ["Y", "U", "N"]), ("E", ["I", "S", "D"]),
])
def test_limesurvey_arrays_become_matrices(context, kind, options):
    draft = read_file("a.lss", limesurvey(kind, answer("A1", "Bien", 1) + answer("A2", "Mal", 2), ROWS))
    grille = draft.questions[1]
    assert grille.type is QuestionType.matrix_single and grille.required
    assert [name for name, _ in grille.rows] == ["SQ1", "SQ2"] and grille.rows[0][1] == {"fr": "Le bus"}
    assert [name for name, _ in grille.options] == options
    if kind == "C":
        assert grille.options[0][1] == {"fr": "Oui", "en": "Yes", "ar": "نعم"}


def test_limesurvey_dual_scale_becomes_two_matrices(context):
    answers = answer("A1", "Bien", 1) + answer("A2", "Mal", 2) + answer("B1", "Souvent", 1, 1) + answer("B2", "Jamais", 2, 1)
    attributes = ("<row><qid>11</qid><attribute>dualscale_headerA</attribute><value>Qualité</value><language>fr</language></row>"
                  "<row><qid>11</qid><attribute>dualscale_headerB</attribute><value>Usage</value><language>fr</language></row>")
    draft = read_file("a.lss", limesurvey("1", answers, ROWS, attributes))
    first, second = draft.questions[1:]
    assert (first.name, second.name) == ("grille", "grille_2")
    assert [n for n, _ in first.options] == ["A1", "A2"] and [n for n, _ in second.options] == ["B1", "B2"]
    assert first.text == {"fr": "Notez (Qualité)"} and second.text == {"fr": "Notez (Usage)"}
    assert first.rows == second.rows
    assert "grille" in by_subject(draft.notes)


@pytest.mark.parametrize("kind, question_type, items", [
    ("K", QuestionType.multiple_number, ["SQ1", "SQ2"]),
    ("Q", QuestionType.multiple_short_text, ["SQ1", "SQ2"]),
])
def test_limesurvey_multiple_fields(context, kind, question_type, items):
    attributes = "<row><qid>11</qid><attribute>min_num_value_n</attribute><value>0</value></row>" if kind == "K" else ""
    draft = read_file("a.lss", limesurvey(kind, "", ROWS, attributes))
    grille = draft.questions[1]
    assert grille.type is question_type and [name for name, _ in grille.rows] == items
    if kind == "K":
        assert grille.settings == {"min": 0}


@pytest.mark.parametrize("kind, question_type", [(":", QuestionType.multiple_number),
                                                 (";", QuestionType.multiple_short_text)])
def test_limesurvey_grids_become_one_question_per_row_with_the_columns(context, kind, question_type):
    """A grid of numbers or texts: each row a question of its own whose fields are the grid's
    columns (its x-scale), labelled as in LimeSurvey; the rest is said in notes."""
    columns = sub(30, "X1", "Matin", 1, scale=1) + sub(31, "X2", "Soir", 2, scale=1)
    third = ("<row><qid>12</qid><parent_qid>0</parent_qid><gid>1</gid><type>S</type><title>pourquoi</title>"
             "<question>Pourquoi ?</question><question_order>2</question_order><language>fr</language>"
             "<relevance>!is_empty(grille_SQ2_X1)</relevance></row>")
    content = limesurvey(kind, "", ROWS, "", columns).replace(b"</rows></questions>",
                                                              third.encode() + b"</rows></questions>")
    draft = read_file("a.lss", content)
    bus, poste, pourquoi = draft.questions[1:]
    assert (bus.name, poste.name) == ("grille_SQ1", "grille_SQ2") and {bus.source, poste.source} == {"grille"}
    assert bus.type is question_type and poste.type is question_type and bus.required
    assert bus.text == {"fr": "Notez — Le bus"} and poste.text == {"fr": "Notez — La poste"}
    assert bus.rows == [("X1", {"fr": "Matin"}), ("X2", {"fr": "Soir"})]
    if kind == ":":  # LimeSurvey's default list of 1 to 10, said
        assert bus.settings == {"min": 1, "max": 10}
        assert any("1" in str(message) and "10" in str(message) for message in by_subject(draft.notes)["grille"])
    assert any("2" in str(message) for message in by_subject(draft.notes)["grille"])
    # A condition on a cell is a condition on the row's item.
    assert [part.tree for part in pourquoi.conditions] == [
        {"op": "answered", "question": "grille_SQ2", "row": "X1"}]


def test_limesurvey_number_grid_of_boxes_is_a_matrix_with_several_answers(context):
    columns = sub(30, "X1", "Matin", 1, scale=1) + sub(31, "X2", "Soir", 2, scale=1)
    attributes = "<row><qid>11</qid><attribute>multiflexible_checkbox</attribute><value>1</value></row>"
    grille = read_file("a.lss", limesurvey(":", "", ROWS, attributes, columns)).questions[1]
    assert grille.type is QuestionType.matrix_multiple
    assert [name for name, _ in grille.options] == ["X1", "X2"] and [name for name, _ in grille.rows] == ["SQ1", "SQ2"]


def test_limesurvey_text_display_is_an_information_screen(context):
    draft = read_file("a.lss", limesurvey("X"))
    assert draft.questions[1].type is QuestionType.information and draft.questions[1].text == {"fr": "Notez"}


def test_a_limesurvey_five_point_choice_stays_digits(context):
    draft = read_file("a.lss", limesurvey("5"))
    assert draft.questions[1].type is QuestionType.single_choice
    assert [label for _, label in draft.questions[1].options] == [{"fr": str(n)} for n in range(1, 6)]


@needs_shared
def test_limesurvey_2_sample_imports_its_arrays(territories):
    result, questions = imported(territories, "limesurvey2_sample_survey_english.lss", SHARED / "limesurvey")
    kinds = {}
    for question in questions.values():
        kinds[question.type] = kinds.get(question.type, 0) + 1
    # 114 questions in the file; 7 are not imported (hidden, calculations, file upload,
    # gender, language); 5 dual-scale arrays became 2 matrices each, and 9 grids of numbers
    # or texts (42 rows in all) one question per row. Each counts once as a file's question.
    assert result.questions_imported == 107
    assert len(questions) == 107 + 5 - 9 + 42
    assert kinds[QuestionType.matrix_single] == 27 and kinds[QuestionType.information] == 10
    assert kinds[QuestionType.multiple_number] == 34 and kinds[QuestionType.multiple_short_text] == 21
    assert [row["code"] for row in questions["qarraynumbers_ls1"].rows] == ["min", "max", "avg"]
    array = questions["qarray"]
    assert len(array.rows) >= 2 and len(array.options) >= 2 and all("fr" in row["label"] for row in array.rows)
    notes = by_subject(result.notes)
    assert {"qFileUpload", "qGender", "qLanguage", "hidden2"} <= set(notes)


@needs_shared
def test_xlsform_spec_test_notes_become_information_screens(territories):
    _result, questions = imported(territories, "pyxform_xlsform_spec_test.xlsx", SHARED / "xlsform")
    assert questions["note_test"].type is QuestionType.information
    assert "display_image_test" not in questions  # a note with an image only


def test_imported_matrix_is_answered_and_exported(territories, make_wave):
    """From file to answers: the imported matrix takes answers by row and exports a column per row."""
    from surveys.exports import export_bytes
    from tests.test_surveys_matrix import rows_of, submit

    content = xlsform("""
type,name,label::Français (fr),appearance
begin group,notes,Notez les services,field-list
select_one note,bus,Le bus,list-nolabel
select_one note,poste,La poste,list-nolabel
end group,,,
""", SCALE)
    result = import_questionnaire("grid.csv", content, territories["sanitas"])
    db.session.commit()
    matrix = result.questionnaire.latest_version.questions[0]
    assert matrix.rows[0] == {"code": "bus", "label": {"fr": "Le bus"}}

    from surveys import operations as ops
    from surveys.models import WaveStatus

    wave = ops.create_wave(result.questionnaire, territories["sanitas"], residents_today(), residents_today())
    wave.status = WaveStatus.open
    db.session.commit()
    submit(wave, {"notes": {"bus": "3", "poste": "1"}})
    wide = rows_of(export_bytes(wave, "wide")[0])
    assert wide[0][-2:] == ["notes_bus", "notes_poste"] and wide[1][-2:] == ["3", "1"]
