"""XLSForm and LimeSurvey files become draft questionnaires; what cannot be mapped is said.

The small files in tests/fixtures/surveys/ are ours; the real ones from other projects
(../shared/data/surveys/) are read when present and skipped otherwise.
"""
import io
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart
from surveys.interchange import ImportRefused, import_questionnaire, read_file
from surveys.models import Questionnaire, QuestionType
from tests.conftest import count_rows, make_app, serving
from voix.extensions import db

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "surveys"
# Beside the repository; VOIX_SHARED_SURVEYS points elsewhere (a git worktree, for one).
SHARED = Path(os.environ.get("VOIX_SHARED_SURVEYS") or Path(__file__).resolve().parents[2] / "shared" / "data" / "surveys")
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"real XLSForm and LimeSurvey files not found in {SHARED} (the shared data folder "
                                "next to the repository, absent from a fresh clone)")


@pytest.fixture(scope="module")
def context():
    """Reading a file needs no database, only an app for the translated notes."""
    app = make_app("sqlite://")
    with app.app_context():
        yield


def read(name, folder=FIXTURES):
    return read_file(name, (folder / name).read_bytes())


def by_subject(notes) -> dict:
    found = {}
    for note in notes:
        found.setdefault(note.subject, []).append(str(note.message))
    return found


def imported(territories, name, folder=FIXTURES, **options):
    result = import_questionnaire(name, (folder / name).read_bytes(), territories["sanitas"], **options)
    db.session.commit()
    return result, {q.code: q for q in result.questionnaire.latest_version.questions}


# --- XLSForm -------------------------------------------------------------------------


def test_xlsform_types_translations_and_conditions(territories):
    result, questions = imported(territories, "quartier.xlsx")
    questionnaire = result.questionnaire
    assert questionnaire.title == {"fr": "Le square du quartier"}
    assert [v.number for v in questionnaire.versions] == [1] and questionnaire.waves == []
    assert list(questions) == ["frequente", "quand_vous", "age_enfants", "pourquoi", "priorites",
                               "derniere_visite", "eclairage", "merci", "commentaire"]
    kinds = {code: q.type for code, q in questions.items()}
    assert kinds == {"frequente": QuestionType.single_choice, "quand_vous": QuestionType.multiple_choice,
                     "age_enfants": QuestionType.number, "pourquoi": QuestionType.long_text,
                     "priorites": QuestionType.ranking, "derniere_visite": QuestionType.date,
                     "eclairage": QuestionType.single_choice, "merci": QuestionType.information,
                     "commentaire": QuestionType.short_text}
    frequente = questions["frequente"]
    assert frequente.text == {"fr": "Allez-vous au square ?", "en": "Do you go to the park?",
                              "ar": "هل تذهب إلى الحديقة؟"}
    assert frequente.help == {"fr": "Le square Sanitas"} and frequente.required
    assert frequente.options[0] == {"code": "oui", "label": {"fr": "Oui", "en": "Yes", "ar": "نعم"}}
    assert questions["quand_vous"].condition == {"op": "=", "question": "frequente", "value": "oui"}
    assert questions["pourquoi"].condition == {"op": "answered", "question": "frequente"}
    assert questions["derniere_visite"].condition == {"op": "selected", "question": "quand_vous", "value": "soir"}
    assert questions["age_enfants"].settings == {"min": 0, "max": 17}
    # Numeric comparisons are imported now (before: "too complex", and the question always shown).
    assert questions["commentaire"].condition == {"op": ">", "question": "age_enfants", "value": 3}
    assert not questions["pourquoi"].required
    assert result.conditions_imported == 5 and result.condition_notes == []

    notes = by_subject(result.notes)
    for skipped in ("total", "lieu", "enfants"):
        assert skipped in notes, skipped
    assert "age" in notes["enfants"][0]  # the question inside the repeat is named
    whole_file = " ".join(notes[""])
    assert "Quand-Vous → quand_vous" in whole_file and "start" in whole_file
    # The group "securite" has a relevant: it became a part, with its title and condition.
    assert result.version.groups == [{"code": "securite", "title": {"fr": "Sécurité", "en": "Safety", "ar": "الأمان"},
                                      "condition": {"op": ">", "question": "age_enfants", "value": 3}}]
    assert questions["eclairage"].group_code == "securite" and questions["eclairage"].shown_if == {
        "op": ">", "question": "age_enfants", "value": 3}


def test_xlsform_csv_layout_with_old_type_names(territories):
    result, questions = imported(territories, "quartier.csv")
    assert result.questionnaire.title == {"fr": "Le square (CSV)"}
    assert {code: q.type.value for code, q in questions.items()} == {
        "frequente": "single_choice", "moments": "multiple_choice", "age_enfants": "number", "pourquoi": "short_text"}
    assert questions["pourquoi"].condition == {"op": "answered", "question": "frequente"}
    notes = by_subject(result.notes)
    assert "heure" in notes  # time: no equivalent
    assert any("French" in message or "français" in message for message in notes[""])  # label without language


def test_title_given_by_the_user_wins(territories):
    result, _ = imported(territories, "quartier.csv", title="  Square Sanitas 2026 ")
    assert result.questionnaire.title == {"fr": "Square Sanitas 2026"}


def test_relevance_and_constraints_understood(context):
    from surveys.interchange.expressions import Translator, Untranslatable
    from surveys.interchange.xlsform import _limits

    xlsform = Translator(lambda name: (name, None))
    q_is = {"op": "=", "question": "q", "value": "opt"}
    assert xlsform("${q} = 'opt'") == q_is
    assert xlsform(' ( ${q}="opt" ) ') == q_is
    assert xlsform("${q} = 2") == {"op": "=", "question": "q", "value": 2}
    assert xlsform("selected(${q}, 'a')") == {"op": "selected", "question": "q", "value": "a"}
    assert xlsform("${q} != ''") == {"op": "answered", "question": "q"}
    assert xlsform("${q} = ''") == {"op": "not", "args": [{"op": "answered", "question": "q"}]}
    assert xlsform("count-selected(${q}) >= 1") == {"op": "answered", "question": "q"}
    assert xlsform("${q} = 'a' or ${r} >= 3.5") == {"op": "or", "args": [
        {"op": "=", "question": "q", "value": "a"}, {"op": ">=", "question": "r", "value": 3.5}]}
    assert xlsform("not(selected(${q}, 'a')) and 3 < ${r}") == {"op": "and", "args": [
        {"op": "not", "args": [{"op": "selected", "question": "q", "value": "a"}]},
        {"op": ">", "question": "r", "value": 3}]}
    assert xlsform("${d} >= date('2026-01-01')") == {"op": ">=", "question": "d", "value": "2026-01-01"}
    for untranslatable in ("${q} > ${r}", "${q} + 1 > 3", "count-selected(${q}) > 2", "jr:choice-name(${q})",
                           "${q} = 'a' and", "true()", "${q} ="):
        with pytest.raises(Untranslatable):
            xlsform(untranslatable)
    assert _limits(". >= 0 and . <= 120") == {"min": 0, "max": 120}
    assert _limits(". <= 2.5") == {"max": 2.5}
    assert _limits(". < 10") is None and _limits("regex(., '[0-9]+')") is None


def test_limesurvey_expressions_understood(context):
    from surveys.interchange.expressions import Translator, Untranslatable

    def resolve(reference):
        name = reference.split(".")[0]
        if name.startswith("M_"):
            return "M", name[2:]
        if name.startswith("123X4X"):
            return "Q" + name[6:], None
        return (name, None) if name in ("Q1", "Q2", "age", "Q56") else None

    ls = Translator(resolve)
    assert ls('Q1.NAOK == "A1" && !is_empty(Q2)') == {"op": "and", "args": [
        {"op": "=", "question": "Q1", "value": "A1"}, {"op": "answered", "question": "Q2"}]}
    assert ls("is_empty(Q1) || age gt 17 or Q2 ne 'x'") == {"op": "or", "args": [
        {"op": "not", "args": [{"op": "answered", "question": "Q1"}]}, {"op": ">", "question": "age", "value": 17},
        {"op": "!=", "question": "Q2", "value": "x"}]}
    assert ls('M_SQ1 == "Y"') == {"op": "selected", "question": "M", "value": "SQ1"}
    assert ls('M_SQ1.NAOK != "Y"') == {"op": "not", "args": [{"op": "selected", "question": "M", "value": "SQ1"}]}
    assert ls('123X4X56 == "A2"') == {"op": "=", "question": "Q56", "value": "A2"}
    assert ls("age >= -3") == {"op": ">=", "question": "age", "value": -3}
    for untranslatable in ("unknown == 1", "age > Q1", "sum(age, Q1) > 3", "Q1 == 'a' and"):
        with pytest.raises(Untranslatable):
            ls(untranslatable)


def test_french_stands_in_from_another_language_and_every_language_is_kept(context):
    from surveys.interchange.build import _Languages

    languages = _Languages("en")
    assert languages.pick({"en": "Why?", "ar": "لماذا؟", "de": "Warum?"}) == {"fr": "Why?", "en": "Why?",
                                                                             "ar": "لماذا؟", "de": "Warum?"}
    assert languages.pick({"Français (fr)": "Pourquoi ?", "English (en)": "Why?", "Türkçe": "Neden?",
                           "label::nowhere-ish": "?"}) == {"fr": "Pourquoi ?", "en": "Why?", "tr": "Neden?"}
    messages = " ".join(str(note) for note in languages.notes())
    assert "anglais" in messages or "English" in messages  # stood in for French
    assert "label::nowhere-ish" in messages  # a name that is no language: said, not guessed
    assert "allemand" not in messages and "German" not in messages


@pytest.mark.parametrize("tag, code", [
    ("Türkçe (tr)", "tr"), ("turkish", "tr"), ("Türkçe", "tr"), ("Portuguese", "pt"), ("Português (pt)", "pt"),
    ("pt-BR", "pt-BR"), ("pt_BR", "pt-BR"), ("fr-CA", "fr"), ("Français", "fr"), ("Wolof", "wo"),
    ("zgh", "zgh"), ("Tamaziɣt (ber)", "ber"), ("ro", "ro"), ("de-informal", "de"), ("العربية", "ar"),
    ("default", None), ("", None),
])
def test_language_tags_become_codes_from_babel_data(tag, code):
    from voix.languages import language_code

    assert language_code(tag) == code


# --- LimeSurvey ------------------------------------------------------------------------


def test_limesurvey_3_with_l10n_tables(territories):
    result, questions = imported(territories, "quartier_ls3.lss")
    questionnaire = result.questionnaire
    assert questionnaire.title == {"fr": "Transports du quartier", "en": "Transport in the neighbourhood",
                                   "ar": "النقل في الحي"}
    assert questionnaire.description == {"fr": "Cinq minutes pour parler du bus."}
    assert list(questions) == ["transport", "lignes", "retard", "minutes", "pourquoi", "attente"]
    transport = questions["transport"]
    assert transport.type is QuestionType.single_choice and transport.required
    assert transport.text == {"fr": "Comment venez-vous ?", "en": "How do you come?", "ar": "كيف تأتي؟"}
    assert [o["code"] for o in transport.options] == ["a1", "a2", "a3"]  # LimeSurvey's sort order
    assert transport.options[2]["label"] == {"fr": "À pied"}  # HTML removed
    lignes = questions["lignes"]
    assert lignes.type is QuestionType.multiple_choice and lignes.settings == {"max_choices": 2}
    assert [o["code"] for o in lignes.options] == ["l1", "l2"]
    by_bus = {"op": "=", "question": "transport", "value": "a1"}
    assert lignes.condition == by_bus
    assert questions["retard"].type is QuestionType.yes_no
    # The second group's condition (by bus) became a part's: it holds for each of its
    # questions (shown_if), with their own, and stays editable as the part's.
    (part,) = result.version.groups
    assert part["condition"] == by_bus and part["title"]["fr"]
    assert {q.code for q in result.version.questions if q.group_code == part["code"]} >= {
        "retard", "minutes", "pourquoi", "attente"}
    assert questions["retard"].condition == {"op": "selected", "question": "lignes", "value": "l2"}  # Lignes_L2 == "Y"
    assert questions["retard"].shown_if == {"op": "and", "args": [
        by_bus, {"op": "selected", "question": "lignes", "value": "l2"}]}
    assert questions["minutes"].shown_if == {"op": "and", "args": [
        by_bus, {"op": "=", "question": "retard", "value": True}]}
    assert questions["minutes"].settings == {"min": 0, "max": 180}
    assert questions["pourquoi"].shown_if == {"op": "and", "args": [
        by_bus, {"op": "answered", "question": "minutes"}]}
    assert questions["attente"].shown_if == {"op": "and", "args": [  # before: only its group's was kept
        by_bus, {"op": ">", "question": "minutes", "value": 10}]}
    assert result.conditions_imported == 6 and result.condition_notes == []  # the group's once, 5 of questions
    notes = by_subject(result.notes)
    assert {"transport", "notes", "attente"} <= set(notes)


def test_limesurvey_2_with_inline_texts(territories):
    result, questions = imported(territories, "quartier_ls2.lss")
    # German (not an interface language) is kept: a questionnaire may be written in any language.
    assert result.questionnaire.title == {"fr": "Le quartier & vous", "de": "Das Viertel"}
    assert list(questions) == ["priorite", "depuis", "classement"]
    assert questions["priorite"].options == [{"code": "a1", "label": {"fr": "Propreté", "de": "Sauberkeit"}},
                                             {"code": "a2", "label": {"fr": "Sécurité", "de": "Sicherheit"}}]
    assert questions["priorite"].text["de"] == "Ihre Priorität?"
    assert result.version.languages == ["fr", "de"]
    assert questions["depuis"].type is QuestionType.date
    assert questions["depuis"].condition == {"op": "=", "question": "priorite", "value": "a2"}
    assert questions["classement"].type is QuestionType.ranking
    assert questions["classement"].condition == {"op": "=", "question": "priorite", "value": "a1"}  # 777X9X31 == "A1"
    notes = by_subject(result.notes)
    assert "genre" in notes
    assert not any("allemand" in message or "German" in message for message in notes.get("", []))


# --- Refusals change nothing -------------------------------------------------------------


def billion_laughs() -> bytes:
    return b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
<document><LimeSurveyDocType>&lol2;</LimeSurveyDocType></document>"""


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (70 * 1024 * 1024))
    return buffer.getvalue()


def only_notes_xlsform() -> bytes:
    return "survey,,\n,type,name,label\n,note,bonjour,Bonjour\n".encode()


@pytest.mark.parametrize("name, content", [
    ("enquete.xlsx", b"this is not a zip"),
    ("enquete.xlsx", zip_bomb()),
    ("enquete.lss", b"<document><oops>"),
    ("enquete.lss", billion_laughs()),
    ("enquete.lss", b"<?xml version='1.0'?><document><LimeSurveyDocType>Question</LimeSurveyDocType></document>"),
    ("enquete.csv", "survey\n,type,name\n".encode("utf-16")),
    ("enquete.csv", only_notes_xlsform()),
    ("enquete.xls", b"\xd0\xcf\x11\xe0"),
    ("enquete.pdf", b"%PDF-1.4"),
    ("enquete.xlsx", b""),
])
def test_bad_files_are_refused_and_change_nothing(territories, name, content):
    before = count_rows(Questionnaire)
    with pytest.raises(ImportRefused) as refused:
        import_questionnaire(name, content, territories["sanitas"])
    db.session.rollback()
    assert str(refused.value)  # a message for the user
    assert count_rows(Questionnaire) == before


def test_cli_import_prints_the_id_then_the_notes(runner, territories):
    result = runner.invoke(args=["surveys", "import", str(FIXTURES / "quartier_ls3.lss"), "--territory", "sanitas",
                                 "--title", "Bus"])
    assert result.exit_code == 0, result.output
    first, *notes = result.stdout.splitlines()
    questionnaire = db.session.get(Questionnaire, int(first))
    assert questionnaire.title == {"fr": "Bus"} and questionnaire.territory.slug == "sanitas"
    assert any(line.startswith("- notes") for line in notes)


def test_cli_import_json_says_what_was_and_was_not_imported(runner, territories):
    result = runner.invoke(args=["surveys", "import", str(FIXTURES / "quartier_ls19.lss"), "--territory", "sanitas",
                                 "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"questionnaire_id", "questions_imported", "not_imported", "languages",
                           "conditions_imported", "conditions_not_imported"}
    questionnaire = db.session.get(Questionnaire, report["questionnaire_id"])
    assert report["questions_imported"] == len(questionnaire.latest_version.questions) == 8
    assert report["languages"] == ["fr"] and report["conditions_imported"] == 3
    refused = {item["source"]: item["reason"] for item in report["conditions_not_imported"]}
    assert set(refused) == {"pieces", "voisins", "tableau"}
    assert 'place RX "^[0-9]+$"' in refused["pieces"]  # the original, in words
    assert "@48123X7X108@" in refused["voisins"] and "48123X7X109SQ001" in refused["tableau"]
    assert all(set(item) == {"source", "reason"} for item in report["not_imported"])
    assert not any("condition" in item["reason"] for item in report["not_imported"])


def test_conditions_too_deep_or_too_long_are_reported_and_their_questions_kept(territories, tmp_path):
    deep = "(" * 300 + "${a} = 'x'" + ")" * 300
    long = " or ".join(f"${{a}} = 'x{n}'" for n in range(70))
    group = " and ".join(f"${{a}} != 'y{n}'" for n in range(35))
    own = " and ".join(f"${{a}} != 'z{n}'" for n in range(35))
    rows = [["survey"], ["", "type", "name", "label", "relevant"], ["", "text", "a", "A ?", ""],
            ["", "text", "deep", "Deep ?", deep], ["", "text", "long", "Long ?", long],
            ["", "begin group", "g", "G", group], ["", "text", "both", "Both ?", own], ["", "end group", "", "", ""]]
    content = "\n".join(",".join(f'"{cell}"' for cell in row) for row in rows).encode()
    result = import_questionnaire("deep.csv", content, territories["sanitas"])
    questions = {q.code: q for q in result.questionnaire.latest_version.questions}
    assert set(questions) == {"a", "deep", "long", "both"}
    assert all(q.condition is None for q in questions.values() if q.code != "both")
    refused = {note.subject: note for note in result.condition_notes}
    assert set(refused) == {"deep", "long"} and refused["deep"].expression == deep
    # The group's condition is its part's, the question's its own: each fits (35 tests each).
    (part,) = result.version.groups
    assert len(part["condition"]["args"]) == 35 and len(questions["both"].condition["args"]) == 35
    assert questions["both"].group_code == "g"


def test_limesurvey_19x_conditions_table(territories):
    """LimeSurvey 1.9x had no relevance: scenarios (or) of conditions (and; or for one question)."""
    result, questions = imported(territories, "quartier_ls19.lss")
    assert questions["personnes"].condition == {"op": "!=", "question": "habite", "value": "a1"}
    assert questions["attente"].condition == {"op": "or", "args": [
        {"op": "selected", "question": "services", "value": "sq1"}, {"op": ">", "question": "personnes", "value": 2}]}
    assert questions["place"].condition == {"op": "and", "args": [
        {"op": "or", "args": [{"op": "=", "question": "habite", "value": "a2"},
                              {"op": "=", "question": "habite", "value": "a3"}]},
        {"op": ">=", "question": "personnes", "value": 1}]}
    for kept_without_condition in ("pieces", "voisins", "tableau"):
        assert questions[kept_without_condition].condition is None
    assert result.conditions_imported == 3 and len(result.condition_notes) == 3


def test_cli_import_refuses_clearly(runner, territories, tmp_path):
    bad = tmp_path / "bad.lss"
    bad.write_bytes(b"not xml")
    result = runner.invoke(args=["surveys", "import", str(bad), "--territory", "sanitas"])
    assert result.exit_code != 0 and "LimeSurvey" in result.output
    unknown = runner.invoke(args=["surveys", "import", str(FIXTURES / "quartier.csv"), "--territory", "nowhere"])
    assert unknown.exit_code != 0 and "nowhere" in unknown.output
    assert count_rows(Questionnaire) == 0


# --- Real files from other projects -------------------------------------------------------


@needs_shared
def test_real_xlsform_spec_test(territories):
    result, questions = imported(territories, "pyxform_xlsform_spec_test.xlsx", SHARED / "xlsform")
    assert questions["skip_to_end"].type is QuestionType.single_choice
    assert questions["skip_to_end"].text["fr"] == "Skip to end"  # English stands in for French
    assert questions["skip_to_end"].text["en"] == "Skip to end"
    assert questions["a_integer"].type is QuestionType.number
    assert questions["date_test"].type is QuestionType.date
    assert "q_1" in questions and "false" in questions  # `_1` and `=FALSE()` made valid codes
    assert "required_text" not in questions  # inside a repeat
    notes = by_subject(result.notes)
    for skipped in ("repeat_test", "calculate_test", "geopoint_test", "display_image_test"):
        assert skipped in notes, skipped
    assert questions["note_test"].type is QuestionType.information  # a note: a screen to read
    # The group "everything": not(selected(${skip_to_end}, 'yes')), a part holding its questions.
    assert questions["a_integer"].group_code == "everything"
    assert questions["a_integer"].shown_if == {"op": "not", "args": [
        {"op": "=", "question": "skip_to_end", "value": "yes"}]}
    assert result.conditions_imported == 1
    # the note that checks an e-mail address is now an information screen: its regex() is reported
    assert [note.subject for note in result.condition_notes] == ["email_note"]
    assert any("chinese" in message for message in notes[""])


@needs_shared
def test_real_xlsform_csv(territories):
    result, questions = imported(territories, "pyxform_widgets.csv", SHARED / "xlsform")
    assert questions["my_select"].type is QuestionType.multiple_choice
    assert [o["code"] for o in questions["my_select1"].options][:3] == ["1", "2", "3"]
    assert "my_geopoint" in by_subject(result.notes)


@needs_shared
def test_real_limesurvey_2_sample(territories):
    result, questions = imported(territories, "limesurvey2_sample_survey_english.lss", SHARED / "limesurvey")
    assert questions["qlistradio"].type is QuestionType.single_choice
    assert questions["qmultiplechoice"].type is QuestionType.multiple_choice
    assert questions["qranking"].type is QuestionType.ranking
    assert questions["qyesno"].type is QuestionType.yes_no
    more_than_ten = {"op": ">", "question": "num", "value": 10}  # its group's condition (num is a short text)
    assert questions["yearsmarried"].shown_if == {"op": "and", "args": [
        more_than_ten, {"op": "=", "question": "married", "value": True}]}
    assert questions["yearsmarried"].group_code  # the group became a part
    assert questions["kid2"].shown_if == {"op": "and", "args": [
        more_than_ten, {"op": ">=", "question": "numkids", "value": 2}]}
    # 42 with the arrays and multiple fields imported as matrices (25 when they were left out)
    assert result.conditions_imported == 42
    # two of the newly imported questions compare two answers: reported, with what the file says
    assert len(result.condition_notes) == 2
    assert all(">=" in note.expression for note in result.condition_notes)
    assert questions["qarray"].type is QuestionType.matrix_single
    assert questions["qlistradio"].condition == {"op": "selected", "question": "onpagerelevance", "value": "qlr"}
    notes = by_subject(result.notes)
    assert "qGender" in notes


@needs_shared
def test_real_limesurvey_6_export(territories):
    result, questions = imported(territories, "citric_examples_survey.lss", SHARED / "limesurvey")
    assert {code: q.type for code, q in questions.items()} == {
        "g01q01": QuestionType.long_text, "g01q02": QuestionType.single_choice, "g02q04": QuestionType.yes_no}
    # A "5 point choice" shows the digits 1 to 5: it stays that, not smiley faces.
    assert [(o["code"], o["label"]) for o in questions["g01q02"].options] == [
        (str(n), {"fr": str(n), "en": str(n)}) for n in range(1, 6)]
    assert questions["g01q01"].text == {"fr": "Text for first question", "en": "Text for first question"}
    assert questions["g02q04"].required
    assert "G02Q03" in by_subject(result.notes)  # file upload


def test_fixtures_read_without_a_database(context):
    draft = read("quartier.xlsx")
    assert draft.source == "XLSForm" and len(draft.questions) == 9  # 8 questions and a note
    assert draft.questions[1].name == "Quand-Vous"  # the file's own names until the build


def with_declared_range(content: bytes, ref="A1:AMJ1048576", styled_empty_rows=0, last_cell_styled=False) -> bytes:
    """The same workbook as spreadsheet tools often save it: every sheet declaring the
    whole grid as used, and optionally a thousand styled, empty rows, or a styled empty
    cell in the grid's last corner."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = re.sub(r'<dimension ref="[^"]*" ?/>', f'<dimension ref="{ref}"/>', data.decode())
                empty = "".join(f'<row r="{n}"><c r="A{n}" s="0"/><c r="Z{n}" s="0"/></row>'
                                for n in range(100, 100 + styled_empty_rows))
                if last_cell_styled:
                    empty += '<row r="1048576"><c r="AMJ1048576" s="0"/></row>'
                data = text.replace("</sheetData>", empty + "</sheetData>").encode()
            target.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize("options", [{}, {"styled_empty_rows": 1000}, {"last_cell_styled": True}])
def test_a_sheet_declaring_the_whole_grid_reads_only_its_cells(context, options):
    """openpyxl walked the declared 1,048,576 x 1,024 cells: minutes for a small form.
    bench/imports.py times the real files."""
    content = with_declared_range((FIXTURES / "quartier.xlsx").read_bytes(), **options)
    assert b"AMJ1048576" in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    draft = read_file("quartier.xlsx", content)
    assert len(draft.questions) == 9 and draft.questions[1].name == "Quand-Vous"


# --- The facilitator's upload form ----------------------------------------------------------

IMPORT_URL = "/animation/enquetes/importer"


def upload(name, content=None):
    content = (FIXTURES / name).read_bytes() if content is None else content
    return io.BytesIO(content), name


def test_facilitator_imports_from_the_questionnaire_screens(client, auth, make_user, territories):
    auth.login(make_user("facilitator", ("sanitas",)))
    assert IMPORT_URL in client.get("/animation/enquetes/").text
    page = client.get(IMPORT_URL)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    assert 'accept=".xlsx,.csv,.json,.lss"' in page.text
    response = client.post(IMPORT_URL, data={"file": upload("quartier.xlsx"), "territory": territories["sanitas"].id},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.text
    questionnaire = db.session.scalar(select(Questionnaire))
    assert questionnaire.title == {"fr": "Le square du quartier"}
    assert questionnaire.created_by_id is not None
    assert f"/animation/enquetes/{questionnaire.id}" in response.text
    assert "enfants" in response.text and "geopoint" in response.text  # what was not imported is listed
    assert client.get(f"/animation/enquetes/{questionnaire.id}").status_code == 200


def test_upload_form_is_translated_and_refuses_bad_files(client, auth, make_user, territories):
    auth.login(make_user("facilitator", ("sanitas",)))
    sanitas = territories["sanitas"].id
    cases = [
        ({"file": upload("enquete.lss", b"<document>"), "territory": sanitas}, "يمكننا قراءته"),
        ({"file": upload("enquete.docx", b"PK\x03\x04"), "territory": sanitas}, "LimeSurvey"),
        ({"territory": sanitas}, 'class="error"'),  # no file at all
    ]
    for data, expected in cases:
        response = client.post(f"{IMPORT_URL}?lang=ar", data=data, content_type="multipart/form-data")
        assert response.status_code == 422, response.text
        assert expected in response.text, re.findall(r"class=\"error\"[^<]*", response.text)
        assert 'dir="rtl"' in response.text
    assert count_rows(Questionnaire) == 0


def test_import_only_into_the_facilitators_territories(client, auth, make_user, territories):
    auth.login(make_user("facilitator", ("sanitas",)))
    page = client.get(IMPORT_URL).text
    assert territories["rabiere"].label not in page
    refused = client.post(IMPORT_URL, data={"file": upload("quartier.csv"), "territory": territories["rabiere"].id},
                          content_type="multipart/form-data")
    assert refused.status_code == 422  # not a choice offered to this facilitator
    assert count_rows(Questionnaire) == 0
    auth.logout()
    auth.login(make_user("evaluator", ("tours",)))
    assert client.get(IMPORT_URL).status_code == 403


def test_upload_checks_the_csrf_token(database_url, make_user, territories):
    user = make_user("facilitator", ("sanitas",))
    with serving(database_url, WTF_CSRF_ENABLED=True) as client:
        login_page = client.get("/connexion").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
        client.post("/connexion", data={"email": user.email, "password": "correct horse battery", "csrf_token": token})
        data = {"file": upload("quartier.csv"), "territory": territories["sanitas"].id}
        forged = client.post(IMPORT_URL, data={**data, "csrf_token": "forged"}, content_type="multipart/form-data")
        assert forged.status_code == 422 and count_rows(Questionnaire) == 0
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(IMPORT_URL).text).group(1)
        data = {"file": upload("quartier.csv"), "territory": territories["sanitas"].id, "csrf_token": token}
        accepted = client.post(IMPORT_URL, data=data, content_type="multipart/form-data")
        assert accepted.status_code == 200 and count_rows(Questionnaire) == 1


def post_large(client, name, content, territory):
    # Encoded in memory: the test client would spool a large body to a temporary file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(content), name), "territory": str(territory)})
    return client.post(IMPORT_URL, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_upload_larger_than_answers_but_within_the_import_limit(client, auth, make_user, territories):
    auth.login(make_user("facilitator", ("sanitas",)))
    padded = (FIXTURES / "quartier_ls3.lss").read_bytes().replace(b"</document>",
                                                                  b"<!--" + b"x" * 3_000_000 + b"--></document>")
    response = post_large(client, "big.lss", padded, territories["sanitas"].id)
    assert response.status_code == 200 and count_rows(Questionnaire) == 1
    too_big = post_large(client, "huge.lss", b"x" * 9_000_000, territories["sanitas"].id)
    assert too_big.status_code == 413 and count_rows(Questionnaire) == 1
