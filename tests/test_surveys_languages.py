"""Every content language (issue 14, item 4): imports keep each language they find, the
resident answers in any of the questionnaire's languages (the interface falling back to
French where it has no catalogue), exports keep the language; the CLI's --json contract."""
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from surveys import operations as ops
from surveys.interchange import import_questionnaire
from surveys.models import Questionnaire, Response, WaveStatus
from tests.conftest import count_rows, residents_today
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


# --- The resident answers in a language without an interface catalogue ------------------


def html_lang(page):
    return re.search(r'<html lang="([\w-]+)" dir="(\w+)"', page.text).groups()


@pytest.fixture
def turkish_wave(territories):
    result, _questions = imported(territories)
    today = residents_today()
    wave = ops.create_wave(result.questionnaire, territories["sanitas"], today, today + timedelta(days=9))
    wave.status = WaveStatus.open
    db.session.commit()
    return wave


def test_a_resident_answers_in_turkish_on_a_phone(client, turkish_wave):
    url = f"/enquete/{turkish_wave.id}"
    page = client.get(f"{url}?lang=tr")
    assert html_lang(page) == ("fr", "ltr")  # no Turkish catalogue: the chrome is French, and says so
    assert "Envoyer mes réponses" in page.text
    assert re.search(r'<span lang="tr" dir="auto">Otobüse biniyor musunuz\?</span>', page.text)
    assert re.search(r'<span lang="tr" dir="auto">Evet</span>', page.text)
    # The switch offers the questionnaire's languages, Turkish current, named in themselves.
    switch = re.search(r'<nav class="language-switch".*?</nav>', page.text, re.DOTALL).group(0)
    assert re.search(r'value="tr"[^>]*lang="tr" dir="ltr"[^>]*aria-current="true">Türkçe<', switch)
    assert 'value="pt"' in switch and 'value="ar"' in switch  # and the interface's own languages
    # A switch to Portuguese sends nothing, keeps the answer, shows Portuguese.
    fields = dict(re.findall(r'name="(csrf_token|uuid)" value="([^"]*)"', page.text))
    switched = client.post(url, data={**fields, "q-transport": "oui", "switch_lang": "pt"})
    assert switched.status_code == 200 and count_rows(Response) == 0
    assert 'lang="pt" dir="auto">Apanha o autocarro?<' in switched.text
    assert re.search(r'name="q-transport" value="oui" checked', switched.text)
    back = client.post(url, data={**fields, "q-transport": "oui", "switch_lang": "tr"})
    assert "Otobüse" in back.text
    sent = client.post(url, data={**fields, "q-transport": "oui", "q-pourquoi": "Çok pahalı", "q-age": "30"})
    assert sent.status_code == 303, sent.text
    response = db.session.scalar(select(Response))
    assert response.language == "tr"


def test_an_interface_language_is_still_offered_and_wins_over_turkish(client, turkish_wave):
    url = f"/enquete/{turkish_wave.id}"
    client.get(f"{url}?lang=tr")
    arabic = client.get(f"{url}?lang=ar")
    assert html_lang(arabic) == ("ar", "rtl")
    # The questionnaire has no Arabic: its French texts, marked as French on the Arabic page.
    assert '<span lang="fr" dir="auto">Prenez-vous le bus ?</span>' in arabic.text


# --- The builder: a facilitator adds a language and fills its texts ------------------------


def test_facilitator_adds_turkish_and_fills_its_texts(client, auth, make_user, territories):
    from surveys.models import Question

    auth.login(make_user("facilitator", ("sanitas",)))
    base = "/animation/enquetes"
    client.post(f"{base}/nouveau", data={"title_fr": "Le square", "territory": territories["sanitas"].id})
    questionnaire = db.session.scalar(select(Questionnaire))
    url = f"{base}/{questionnaire.id}"
    client.post(f"{url}/questions/nouvelle", data={
        "code": "usage", "type": "single_choice", "text_fr": "Vous y allez ?", "text_en": "Do you go?",
        "options": "souvent | Souvent\njamais | Jamais"})
    client.post(f"{url}/questions/nouvelle", data={
        "code": "services", "type": "matrix_single", "text_fr": "Notez", "options": "1 | Mal\n2 | Bien",
        "rows": "bus | Le bus\ntram | Le tram"})
    assert client.get(f"{url}/traductions").status_code == 200
    page = client.get(f"{url}/traductions?langue=tr")
    assert page.status_code == 200
    assert 'name="text-usage"' in page.text and 'name="option-usage-jamais"' in page.text
    assert 'name="row-services-tram"' in page.text and 'lang="tr" dir="ltr"' in page.text
    saved = client.post(f"{url}/traductions?langue=tr", data={
        "text-usage": "Oraya gidiyor musunuz?", "option-usage-souvent": "Sık sık", "option-usage-jamais": "Asla",
        "text-services": "Puanlayın", "row-services-bus": "Otobüs", "row-services-tram": ""})
    assert saved.status_code == 302
    db.session.expire_all()
    questions = {q.code: q for q in db.session.scalars(select(Question))}
    assert questions["usage"].text == {"fr": "Vous y allez ?", "en": "Do you go?", "tr": "Oraya gidiyor musunuz?"}
    assert questions["usage"].options[1]["label"] == {"fr": "Jamais", "tr": "Asla"}
    assert questions["services"].rows[0]["label"] == {"fr": "Le bus", "tr": "Otobüs"}
    assert questions["services"].rows[1]["label"] == {"fr": "Le tram"}  # left empty: French shown
    assert questionnaire.latest_version.languages == ["fr", "en", "tr"]
    assert "Türkçe" in client.get(url).text
    preview = client.get(f"{url}/apercu?lang=tr")  # the facilitator previews it as a Turkish resident
    assert '<span lang="tr" dir="auto">Oraya gidiyor musunuz?</span>' in preview.text
    assert '<html lang="fr"' in preview.text
    # The question editor (French, English, Arabic fields) keeps the Turkish texts.
    edited = client.post(f"{url}/questions/{questions['usage'].id}", data={
        "code": "usage", "type": "single_choice", "text_fr": "Vous y allez souvent ?",
        "options": "souvent | Souvent\njamais | Jamais"})
    assert edited.status_code == 302
    db.session.expire_all()
    usage = db.session.get(Question, questions["usage"].id)
    assert usage.text == {"fr": "Vous y allez souvent ?", "tr": "Oraya gidiyor musunuz?"}
    assert usage.options[1]["label"] == {"fr": "Jamais", "tr": "Asla"}
    # Not a language code: said, nothing changed.
    refused = client.post(f"{url}/traductions?langue=pas une langue", data={"text-usage": "x"})
    assert refused.status_code == 422
    assert client.get(f"{url}/traductions?langue=fr").status_code == 422


def test_exports_keep_the_language_and_the_codebook_lists_every_language(client, turkish_wave):
    import csv
    import io

    from surveys.exports import export_bytes

    url = f"/enquete/{turkish_wave.id}"
    page = client.get(f"{url}?lang=tr")
    fields = dict(re.findall(r'name="(csrf_token|uuid)" value="([^"]*)"', page.text))
    assert client.post(url, data={**fields, "q-transport": "non", "q-age": "41"}).status_code == 303
    wide = list(csv.DictReader(io.StringIO(export_bytes(turkish_wave, "wide")[0].decode("utf-8-sig"))))
    assert wide[0]["language"] == "tr"
    codebook = list(csv.reader(io.StringIO(export_bytes(turkish_wave, "codebook")[0].decode("utf-8-sig"))))
    header = codebook[0]
    assert [c for c in header if c.startswith("text_")] == ["text_fr", "text_tr", "text_pt"]
    transport = next(row for row in codebook[1:] if row[2] == "transport" and row[7] == "oui")
    assert transport[header.index("text_tr")] == "Evet" and transport[header.index("text_pt")] == "Sim"


def test_the_api_records_a_content_language(client, turkish_wave):
    body = {"uuid": "0b6f7c1e-2f51-4b7a-9d7e-1c2d3e4f5a6b", "language": "tr",
            "answers": {"transport": "oui", "pourquoi": "Uzak", "age": 20}}
    assert client.post(f"/api/v1/waves/{turkish_wave.id}/responses", json=body).status_code == 201
    other = {**body, "uuid": "1b6f7c1e-2f51-4b7a-9d7e-1c2d3e4f5a6b", "language": "ro"}  # not one of its languages
    assert client.post(f"/api/v1/waves/{turkish_wave.id}/responses", json=other).status_code == 201
    assert sorted(db.session.scalars(select(Response.language))) == ["fr", "tr"]


def test_a_kiosk_offers_turkish_then_forgets_it_for_the_next_person(client, auth, make_user, territories,
                                                                     turkish_wave):
    from tests.test_kiosk import register_kiosk

    register_kiosk(client, auth, make_user, territories["sanitas"])
    url = f"/kiosk/enquete/{turkish_wave.id}"
    page = client.get(f"{url}?lang=tr")
    assert html_lang(page) == ("fr", "ltr")
    assert '<span lang="tr" dir="auto">Otobüse biniyor musunuz?</span>' in page.text
    fields = dict(re.findall(r'name="(csrf_token|uuid)" value="([^"]*)"', page.text))
    assert client.post(url, data={**fields, "q-transport": "non"}).status_code == 303
    assert db.session.scalar(select(Response.language)) == "tr"
    with client.session_transaction() as session:
        assert "content_lang" not in session
    assert "Prenez-vous le bus ?" in client.get(url).text  # the next person starts in French


def test_the_import_page_offers_any_language_for_unnamed_columns(client, auth, make_user, territories):
    from werkzeug.datastructures import FileStorage

    auth.login(make_user("facilitator", ("sanitas",)))
    page = client.get("/animation/enquetes/importer")
    assert '<option value="tr">turc (tr)</option>' in page.text or 'value="tr">Turkish (tr)<' in page.text
    content = b"type,name,label\ntext,nom,Adiniz?\n"
    sent = client.post("/animation/enquetes/importer", data={
        "file": FileStorage(stream=io.BytesIO(content), filename="plain.csv"),
        "territory": territories["sanitas"].id, "language": "tr", "new_version_of": 0})
    assert sent.status_code == 200, sent.text
    question = db.session.scalar(select(Questionnaire)).latest_version.questions[0]
    assert question.text == {"fr": "Adiniz?", "tr": "Adiniz?"}  # Turkish, standing in for French until translated


def test_reading_every_languages_own_name_leaves_babel_whole():
    """Looking up 'Türkçe' loads every locale once; babel's cache must keep full data, or a
    page in Turkish fails later on Locale('tr').text_direction (it did, in another test's wake)."""
    from babel import Locale

    from voix.languages import _autonyms, language_code

    _autonyms.cache_clear()
    assert language_code("Türkçe") == "tr"
    assert Locale.parse("tr").text_direction == "ltr" and Locale.parse("ar").text_direction == "rtl"


def test_title_and_introduction_are_translated_and_shown_in_the_residents_language(client, auth, make_user,
                                                                                    turkish_wave):
    questionnaire = turkish_wave.questionnaire
    questionnaire.description = {"fr": "Cinq minutes sur le bus."}
    db.session.commit()
    auth.login(make_user("facilitator", ("sanitas",)))
    url = f"/animation/enquetes/{questionnaire.id}/traductions?langue=tr"
    page = client.get(url)
    assert 'name="questionnaire-title"' in page.text and 'name="questionnaire-description"' in page.text
    assert "Cinq minutes sur le bus." in page.text  # the French beside the field
    fields = {"questionnaire-title": "Mahalle anketi", "questionnaire-description": "Otobüs hakkında beş dakika."}
    version = questionnaire.latest_version
    fields.update({f"text-{q.code}": q.text.get("tr", "") for q in version.questions})
    fields.update({f"option-{q.code}-{o['code']}": o["label"].get("tr", "") for q in version.questions
                   for o in q.options})
    assert client.post(url, data=fields).status_code == 302
    db.session.expire_all()
    questionnaire = db.session.get(Questionnaire, questionnaire.id)
    assert questionnaire.title["tr"] == "Mahalle anketi" and questionnaire.title["fr"]
    assert questionnaire.description == {"fr": "Cinq minutes sur le bus.", "tr": "Otobüs hakkında beş dakika."}
    # The question texts went through unchanged.
    assert questionnaire.latest_version.question("transport").text["tr"] == "Otobüse biniyor musunuz?"
    auth.logout()
    resident = client.get(f"/enquete/{turkish_wave.id}?lang=tr")
    assert re.search(r'<h1 class="survey-title" lang="tr" dir="auto">Mahalle anketi</h1>', resident.text)
    assert re.search(r'<p class="lead" lang="tr" dir="auto">Otobüs hakkında beş dakika.</p>', resident.text)
    assert html_lang(resident) == ("fr", "ltr")
    # The switch lists the questionnaire's languages, each in itself.
    switch = re.search(r'<nav class="language-switch".*?</nav>', resident.text, re.DOTALL).group(0)
    offered = re.findall(r'value="([\w-]+)"', switch)
    assert offered[:3] == ["fr", "tr", "pt"]
    assert ">Português<" in switch
    # Emptied: the French comes back (the page's own language: no lang attribute needed).
    auth.login(make_user("facilitator", ("sanitas",), email="other@example.org"))
    client.post(url, data={**fields, "questionnaire-description": ""})
    auth.logout()
    resident = client.get(f"/enquete/{turkish_wave.id}?lang=tr")
    assert re.search(r'<p class="lead" dir="auto">Cinq minutes sur le bus.</p>', resident.text)
