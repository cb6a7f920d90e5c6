"""Every content language (issue 14, item 4): imports keep each language they find, the
resident answers in any of the questionnaire's languages (the interface falling back to
French where it has no catalogue), exports keep the language; the CLI's --json contract."""
import json
from pathlib import Path

from surveys.interchange import import_questionnaire
from surveys.models import Questionnaire
from voix.extensions import db

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "surveys"
TR_PT = "quartier_tr_pt.csv"


def imported(territories, name=TR_PT, **options):
    result = import_questionnaire(name, (FIXTURES / name).read_bytes(), territories["sanitas"], **options)
    db.session.commit()
    return result, {q.code: q for q in result.version.questions}


def test_xlsform_with_turkish_and_portuguese_keeps_every_language(territories):
    result, questions = imported(territories)
    assert result.version.languages == ["fr", "tr", "pt"]
    assert questions["transport"].text == {"fr": "Prenez-vous le bus ?", "tr": "Otobüse biniyor musunuz?",
                                           "pt": "Apanha o autocarro?"}
    assert questions["transport"].options[0]["label"] == {"fr": "Oui", "tr": "Evet", "pt": "Sim"}
    messages = " ".join(str(note) for note in result.notes)
    assert "Türkçe" not in messages and "Portuguese" not in messages  # nothing dropped, nothing to say


def test_unnamed_columns_take_the_language_given_never_a_guessed_french(territories, tmp_path):
    content = b"type,name,label,label::Turkish\ntext,nom,Your name?,Adiniz?\n"
    result = import_questionnaire("plain.csv", content, territories["sanitas"], language="en")
    db.session.commit()
    question = result.version.questions[0]
    # English given for the unnamed column: French is a stand-in (said in a note), not a guess.
    assert question.text == {"fr": "Your name?", "en": "Your name?", "tr": "Adiniz?"}
    assert any("French" in str(note) or "français" in str(note) for note in result.notes)


def test_cli_json_contract(runner, territories):
    result = runner.invoke(args=["surveys", "import", str(FIXTURES / TR_PT), "--territory", "sanitas", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)  # one JSON object, nothing else on stdout
    assert set(summary) == {"questionnaire_id", "questions_imported", "not_imported", "languages",
                            "conditions_imported", "conditions_not_imported"}
    questionnaire = db.session.get(Questionnaire, summary["questionnaire_id"])
    assert questionnaire.territory.slug == "sanitas"
    assert summary["questions_imported"] == 3
    assert summary["languages"] == ["fr", "tr", "pt"]
    # `pourquoi` keeps its condition; the one of `age` (OR, a number) is reported with its text.
    assert summary["conditions_imported"] >= 1
    assert summary["conditions_imported"] + len(summary["conditions_not_imported"]) >= 2
    for entry in summary["not_imported"] + summary["conditions_not_imported"]:
        assert set(entry) == {"source", "reason"} and entry["source"] and entry["reason"]
    assert all("condition" not in entry["reason"] for entry in summary["not_imported"])


def test_cli_json_counts_a_matrix_once_and_new_versions(runner, territories):
    first = runner.invoke(args=["surveys", "import", str(FIXTURES / "quartier_ls2.lss"), "--territory", "sanitas",
                                "--json"])
    summary = json.loads(first.stdout)
    assert summary["languages"] == ["fr", "de"]
    again = runner.invoke(args=["surveys", "import", str(FIXTURES / "quartier_ls2.lss"), "--territory", "sanitas",
                                "--new-version-of", str(summary["questionnaire_id"]), "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["questionnaire_id"] == summary["questionnaire_id"]
    assert len(db.session.get(Questionnaire, summary["questionnaire_id"]).versions) == 2


def test_json_summary_sorts_notes_by_kind():
    from surveys.interchange.draft import Note

    assert Note("q", "display condition too complex to import: ${a} > 2").kind == "condition"
    assert Note("q", "its condition for being required is not imported: it is optional.").kind == "question"
    assert Note("q", "anything", "condition").kind == "condition"
