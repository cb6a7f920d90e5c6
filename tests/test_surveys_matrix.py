"""Matrix, multiple number, multiple short text and information questions, end to end:
validation, the builder, the kiosk and phone pages, the API, every export, the results
page. Imports of these types are in tests/test_surveys_matrix_import.py."""
import csv
import io
import re
import uuid

import pyreadstat
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from surveys.answers import clean_answers
from surveys.exports import export_bytes
from surveys.models import Answer, Channel, Question, QuestionType, Response, WaveStatus
from surveys.submission import load_target, submit_response
from tests.conftest import count_rows
from voix.extensions import db

SCALE = [{"code": "bad", "label": {"fr": "Mauvais", "en": "Bad", "ar": "سيء"}},
         {"code": "ok", "label": {"fr": "Correct", "en": "Fine", "ar": "مقبول"}},
         {"code": "good", "label": {"fr": "Bon", "en": "Good", "ar": "جيد"}}]
SERVICES = [{"code": "bus", "label": {"fr": "Le bus", "en": "The bus", "ar": "الحافلة"}},
            {"code": "mairie", "label": {"fr": "La mairie annexe", "en": "The town hall"}},
            {"code": "poste", "label": {"fr": "La poste", "en": "The post office"}}]
QUESTIONS = [
    dict(code="intro", type="information", text={"fr": "Quelques questions sur les services.",
                                                 "en": "A few questions about services.", "ar": "بعض الأسئلة"}),
    dict(code="services", type="matrix_single", required=True, text={"fr": "Notez chaque service", "en": "Rate each service"},
         options=SCALE, rows=SERVICES),
    dict(code="moments", type="matrix_multiple", text={"fr": "Quand y allez-vous ?"},
         options=[{"code": "matin", "label": {"fr": "Le matin"}}, {"code": "soir", "label": {"fr": "Le soir"}}],
         rows=SERVICES[:2]),
    dict(code="foyer", type="multiple_number", text={"fr": "Combien de personnes chez vous ?"},
         settings={"min": 0, "max": 20},
         rows=[{"code": "adultes", "label": {"fr": "Adultes", "en": "Adults"}},
               {"code": "enfants", "label": {"fr": "Enfants", "en": "Children"}}]),
    dict(code="lieux", type="multiple_short_text", text={"fr": "Trois lieux que vous aimez"},
         rows=[{"code": "l1", "label": {"fr": "Premier"}}, {"code": "l2", "label": {"fr": "Deuxième"}}]),
]
GOOD = {"services": {"bus": "good", "mairie": "bad", "poste": "ok"}, "moments": {"bus": ["soir", "matin"]},
        "foyer": {"adultes": "2", "enfants": 3}, "lieux": {"l1": "Le square", "l2": ""}}


def form_fields(page) -> dict:
    """The hidden fields the answer form posts back (its token and its response UUID)."""
    return dict(re.findall(r'name="(csrf_token|uuid)" value="([^"]*)"', page.text))


def submit(wave, answers):
    return submit_response(load_target(wave.id), answers, uuid=str(uuid.uuid4()), channel=Channel.personal,
                           language="fr")


def stored(wave) -> dict:
    db.session.rollback()
    response = db.session.scalars(select(Response).where(Response.wave_id == wave.id).order_by(Response.id.desc())).first()
    return {answer.question.code: answer.value for answer in response.answers}


@pytest.fixture
def wave(make_wave):
    return make_wave(questions=QUESTIONS)


# --- Validation ----------------------------------------------------------------------------


def test_each_row_is_checked_and_stored_in_the_question_s_order(wave):
    submit(wave, GOOD)
    assert stored(wave) == {"services": {"bus": "good", "mairie": "bad", "poste": "ok"},
                            "moments": {"bus": ["matin", "soir"]},  # the options' order
                            "foyer": {"adultes": 2, "enfants": 3}, "lieux": {"l1": "Le square"}}
    assert count_rows(Answer) == 4  # the information screen has no answer


@pytest.mark.parametrize("answers, code", [
    ({**GOOD, "services": {"bus": "good"}}, "services"),  # required: every row
    ({**GOOD, "services": {"bus": "great", "mairie": "bad", "poste": "ok"}}, "services"),  # not an option
    ({**GOOD, "services": {**GOOD["services"], "tram": "ok"}}, "services"),  # not a row
    ({**GOOD, "services": "good"}, "services"),  # not {row: value}
    ({**GOOD, "moments": {"bus": ["soir", "soir"]}}, "moments"),
    ({**GOOD, "foyer": {"adultes": "beaucoup"}}, "foyer"),
    ({**GOOD, "foyer": {"adultes": 21}}, "foyer"),  # above the maximum
    ({**GOOD, "lieux": {"l1": "x" * 201}}, "lieux"),
    ({**GOOD, "lieux": {"l1": {"a": {"b": "c"}}}}, "lieux"),  # nested deeper: refused, not a 500
    ({**GOOD, "services": {"bus": ["good"], "mairie": "bad", "poste": "ok"}}, "services"),
    ({**GOOD, "foyer": {"adultes": True}}, "foyer"),
])
def test_bad_rows_are_refused(wave, answers, code):
    _clean, errors = clean_answers(list(load_target(wave.id).questions), answers)
    assert set(errors) == {code}


def test_short_texts_in_items_are_scrubbed(wave):
    submit(wave, {**GOOD, "lieux": {"l1": "Chez Karim Benali, 06 12 34 56 78"}})
    assert "06 12" not in stored(wave)["lieux"]["l1"]


# --- The builder ---------------------------------------------------------------------------


def test_facilitator_builds_a_matrix_and_an_information_screen(client, auth, make_user, territories):
    auth.login(make_user("facilitator", ("tours",)))
    client.post("/animation/enquetes/nouveau", data={"title_fr": "Services", "territory": territories["sanitas"].id})
    from surveys.models import Questionnaire

    questionnaire = db.session.scalars(select(Questionnaire)).one()
    base = f"/animation/enquetes/{questionnaire.id}"
    added = client.post(f"{base}/questions/nouvelle", data={
        "code": "services", "type": "matrix_single", "required": "y", "text_fr": "Notez chaque service",
        "options": "bad | Mauvais | Bad | سيء\ngood | Bon | Good | جيد",
        "rows": "bus | Le bus | The bus | الحافلة\nposte | La poste"})
    assert added.status_code == 302, added.text
    client.post(f"{base}/questions/nouvelle", data={"code": "intro", "type": "information", "required": "y",
                                                    "text_fr": "Merci !"})
    refused = client.post(f"{base}/questions/nouvelle", data={
        "code": "vide", "type": "multiple_number", "text_fr": "Combien ?"})  # no item
    assert refused.status_code == 200 and 'class="error"' in refused.text
    twice = client.post(f"{base}/questions/nouvelle", data={
        "code": "deux", "type": "matrix_single", "text_fr": "?", "options": "a | A\nb | B", "rows": "x | X\nx | Y"})
    assert twice.status_code == 200 and 'class="error"' in twice.text
    db.session.expire_all()
    services, intro = questionnaire.latest_version.questions
    assert services.rows == [{"code": "bus", "label": {"fr": "Le bus", "en": "The bus", "ar": "الحافلة"}},
                             {"code": "poste", "label": {"fr": "La poste"}}]
    assert services.option_codes == ["bad", "good"] and services.signature[2] == ("bus", "poste")
    assert intro.type is QuestionType.information and not intro.required and intro.options == []
    page = client.get(f"{base}/questions/{services.id}")
    assert "bus | Le bus | The bus | الحافلة" in page.text
    assert "<small>2 rows</small>" in client.get(f"{base}?lang=en").text  # the questionnaire page says it


# --- Pages -----------------------------------------------------------------------------------


def test_phone_page_shows_rows_as_fieldsets_and_stores_the_form(client, wave):
    page = client.get(f"/enquete/{wave.id}?lang=en")
    text = page.text
    assert text.count('class="matrix-row"') == 5  # three services, two for the moments
    assert '<legend class="matrix-row-label"><span>The bus</span>' in text
    assert 'name="q-services-bus" value="good"' in text and 'type="checkbox" name="q-moments-bus"' in text
    assert '<label for="q-foyer-adultes">Adults</label>' in text
    assert 'class="step information"' in text and "A few questions about services." in text
    sent = client.post(f"/enquete/{wave.id}", data={
        **form_fields(page), "q-services-bus": "good", "q-services-mairie": "bad", "q-services-poste": "ok",
        "q-moments-bus": ["matin", "soir"], "q-foyer-adultes": "2", "q-foyer-enfants": "", "q-lieux-l1": "Le marché"})
    assert sent.status_code == 303, sent.text
    assert stored(wave) == {"services": {"bus": "good", "mairie": "bad", "poste": "ok"},
                            "moments": {"bus": ["matin", "soir"]}, "foyer": {"adultes": 2},
                            "lieux": {"l1": "Le marché"}}


def test_a_missing_row_comes_back_with_the_other_answers_kept(client, wave):
    page = client.get(f"/enquete/{wave.id}?lang=en")
    sent = client.post(f"/enquete/{wave.id}?lang=en", data={
        **form_fields(page), "q-services-bus": "good", "q-foyer-adultes": "2"})
    assert sent.status_code == 422
    assert "Answer every row of this question." in sent.text
    assert 'name="q-services-bus" value="good" checked' in sent.text
    assert 'id="q-foyer-adultes" name="q-foyer-adultes" value="2"' in sent.text
    assert count_rows(Response) == 0


def test_kiosk_page_has_the_same_rows(client, wave, territories):
    from voix.kiosk.device import device_token
    from voix.kiosk.models import Kiosk

    kiosk = Kiosk(place="EPN du Sanitas", territory=territories["sanitas"])
    db.session.add(kiosk)
    db.session.commit()
    client.set_cookie("voix_kiosk", device_token(kiosk))
    page = client.get(f"/kiosk/enquete/{wave.id}")
    assert page.status_code == 200
    assert 'data-kiosk="true"' in page.text and page.text.count('class="matrix-row"') == 5
    assert 'data-rows="bus mairie poste"' in page.text and "data-text-row=" in page.text
    sent = client.post(f"/kiosk/enquete/{wave.id}", data={
        **form_fields(page), "q-services-bus": "ok", "q-services-mairie": "ok", "q-services-poste": "ok"})
    assert sent.status_code in (302, 303), sent.text
    response = db.session.scalars(select(Response)).one()
    assert response.channel is Channel.kiosk


# --- API ------------------------------------------------------------------------------------


def test_api_gives_rows_and_takes_answers_by_row(client, wave):
    body = client.get(f"/api/v1/waves/{wave.id}").get_json()
    services = next(q for q in body["questions"] if q["code"] == "services")
    assert services["type"] == "matrix_single" and [r["code"] for r in services["rows"]] == ["bus", "mairie", "poste"]
    assert services["rows"][0]["label"]["ar"] == "الحافلة"
    assert next(q for q in body["questions"] if q["code"] == "intro")["rows"] == []
    created = client.post(f"/api/v1/waves/{wave.id}/responses", json={"uuid": str(uuid.uuid4()), "answers": GOOD})
    assert created.status_code == 201, created.get_json()
    refused = client.post(f"/api/v1/waves/{wave.id}/responses", json={
        "uuid": str(uuid.uuid4()), "answers": {**GOOD, "services": {"bus": "good"}}})
    assert refused.status_code == 422 and set(refused.get_json()["errors"]) == {"services"}
    assert count_rows(Response) == 1


# --- Exports --------------------------------------------------------------------------------


def rows_of(content: bytes):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_wide_long_xlsx_and_codebook(wave):
    submit(wave, GOOD)
    submit(wave, {"services": {"bus": "bad", "mairie": "bad", "poste": "bad"}})
    wide = rows_of(export_bytes(wave, "wide")[0])
    header = wide[0]
    assert header[-9:] == ["services_bus", "services_mairie", "services_poste", "moments_bus", "moments_mairie",
                           "foyer_adultes", "foyer_enfants", "lieux_l1", "lieux_l2"]
    assert "intro" not in header
    first = dict(zip(header, wide[1]))
    assert (first["services_bus"], first["moments_bus"], first["moments_mairie"], first["foyer_enfants"]) == (
        "good", "matin|soir", "", "3")
    long = rows_of(export_bytes(wave, "long")[0])
    line = next(dict(zip(long[0], row)) for row in long[1:] if row[long[0].index("row_code")] == "mairie")
    assert (line["question_code"], line["value"], line["label"]) == ("services", "bad", "Mauvais")
    assert len(long) == 1 + (3 + 1 + 2 + 1) + 3
    workbook = load_workbook(io.BytesIO(export_bytes(wave, "xlsx")[0]), read_only=True)
    responses = list(workbook["responses"].iter_rows(values_only=True))
    assert responses[0][-2:] == ("lieux_l1", "lieux_l2") and 3 in responses[1]  # a number stays a number
    codebook = rows_of(export_bytes(wave, "codebook")[0])
    head = codebook[0]
    bus = next(dict(zip(head, row)) for row in codebook[1:] if row[head.index("row_code")] == "bus"
               and row[head.index("code")] == "services")
    assert (bus["text_fr"], bus["text_en"], bus["text_ar"]) == ("Le bus", "The bus", "الحافلة")
    good = next(dict(zip(head, row)) for row in codebook[1:] if row[head.index("option_code")] == "good")
    assert good["spss_value"] == "3" and good["text_en"] == "Good"


def test_sav_has_one_variable_per_row_with_labels_and_levels(wave, tmp_path):
    submit(wave, GOOD)
    path = tmp_path / "wave.sav"
    path.write_bytes(export_bytes(wave, "sav")[0])
    data, meta = pyreadstat.read_sav(str(path), output_format="dict")
    assert data["services_bus"][0] == 3 and data["services_mairie"][0] == 1
    assert meta.variable_value_labels["services_bus"] == {1: "Mauvais", 2: "Correct", 3: "Bon"}
    assert meta.variable_measure["services_bus"] == "ordinal"
    assert meta.column_names_to_labels["services_bus"] == "Notez chaque service : Le bus"
    assert data["moments_bus_matin"][0] == 1 and data["moments_bus_soir"][0] == 1
    assert meta.variable_measure["foyer_adultes"] == "scale" and data["foyer_adultes"][0] == 2
    assert data["lieux_l1"][0] == "Le square" and "intro" not in meta.column_names


# --- Results ------------------------------------------------------------------------------


def test_results_page_shows_each_row_s_distribution(client, make_wave, territories):
    wave = make_wave(questions=QUESTIONS, status=WaveStatus.closed)
    services = db.session.scalars(select(Question).where(Question.version_id == wave.version_id,
                                                         Question.code == "services")).one()
    for index in range(12):  # the bus: 9 good, 3 bad; the town hall: answered by 8 only
        response = Response(uuid=str(uuid.uuid4()), wave_id=wave.id, version_id=wave.version_id,
                            channel=Channel.kiosk, language="fr", territory_id=territories["sanitas"].id)
        value = {"bus": "good" if index < 9 else "bad", "poste": "ok"}
        if index < 8:
            value["mairie"] = "ok"
        response.answers = [Answer(question=services, value=value)]
        db.session.add(response)
    db.session.commit()
    page = client.get("/resultats/sanitas?lang=en")
    assert page.status_code == 200
    assert "The bus</span>: Bad: 25%, Good: 75% (12 people answered)." in page.text
    assert "The post office</span>: Fine: 100% (12 people answered)." in page.text
    assert "The town hall" not in page.text  # 8 answers: fewer than 10, not shown


def test_a_new_version_keeps_the_rows(wave, client):
    from surveys import operations as ops

    submit(wave, GOOD)
    version = ops.editable_version(wave.questionnaire)
    db.session.commit()
    copied = version.question("services")
    assert version.number == 2 and copied.rows == wave.version.question("services").rows
