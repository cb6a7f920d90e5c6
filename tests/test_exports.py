import csv
import io
import uuid
from datetime import date, datetime

import pandas
from openpyxl import load_workbook

from surveys.exports import export_bytes
from surveys.models import Channel
from surveys.submission import load_target, submit_response


def fill(wave):
    answers = [
        {"mood": 5, "priority": "clean", "why": "=HYPERLINK(\"x\") plus propre"},
        {"mood": 2, "priority": "youth"},
        {"mood": 3},
    ]
    for given in answers:
        submit_response(load_target(wave.id), given, uuid=str(uuid.uuid4()), channel=Channel.personal, language="fr",
                            about={"gender": "woman", "quartier": "sanitas"})


def rows(content: bytes):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_wide_export_has_one_row_per_response(make_wave):
    wave = make_wave()
    fill(wave)
    table = rows(export_bytes(wave, "wide")[0])
    header, body = table[0], table[1:]
    assert header[-3:] == ["mood", "priority", "why"]
    assert len(body) == 3
    by_mood = {row[header.index("mood")]: row for row in body}
    assert by_mood["5"][header.index("priority")] == "clean"
    assert by_mood["5"][header.index("why")].startswith("'=")  # a formula never runs in a spreadsheet
    assert by_mood["3"][header.index("priority")] == ""
    assert {row[header.index("quartier")] for row in body} == {"sanitas"}


def test_long_export_has_one_row_per_answer_with_labels(make_wave):
    wave = make_wave()
    fill(wave)
    table = rows(export_bytes(wave, "long")[0])
    header, body = table[0], table[1:]
    assert len(body) == 3 + 2 + 1
    clean = next(row for row in body if row[header.index("value")] == "clean")
    assert clean[header.index("label")] == "Propreté"
    smiley = next(row for row in body if row[header.index("question_code")] == "mood" and row[header.index("value")] == "5")
    assert smiley[header.index("label")] == "Très content"  # the fixed scale, in French like the options
    assert {row[header.index("comparable_across_waves")] for row in body} == {"1"}


def test_xlsx_export_has_four_sheets(make_wave):
    wave = make_wave()
    fill(wave)
    content, mimetype, name = export_bytes(wave, "xlsx")
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    assert workbook.sheetnames == ["responses", "answers_long", "questions", "codebook"]
    assert len(list(workbook["responses"].iter_rows())) == 4
    assert name == f"wave-{wave.id}.xlsx" and "spreadsheetml" in mimetype


def test_cli_export_writes_each_format(runner, make_wave, tmp_path):
    wave = make_wave()
    fill(wave)
    for fmt in ("wide", "long", "xlsx"):
        output = tmp_path / f"out.{fmt}"
        result = runner.invoke(args=["surveys", "export", "--wave", str(wave.id), "--format", fmt, "--output", str(output)])
        assert result.exit_code == 0, result.output
        if fmt == "xlsx":  # the file embeds its creation time: compare its content instead
            assert len(list(load_workbook(output)["responses"].iter_rows())) == 4
        else:
            assert output.read_bytes() == export_bytes(wave, fmt)[0]
    missing = runner.invoke(args=["surveys", "export", "--wave", "999", "--output", str(tmp_path / "x")])
    assert missing.exit_code != 0 and "999" in missing.output


def test_facilitator_screens_export(client, auth, make_user, make_wave):
    wave = make_wave()
    fill(wave)
    auth.login(make_user("facilitator", ("sanitas",)))
    response = client.get(f"/animation/enquetes/vagues/{wave.id}/export.wide")
    assert response.status_code == 200
    assert len(rows(response.data)) == 4
    assert response.headers["Content-Disposition"] == f'attachment; filename="wave-{wave.id}-wide.csv"'
    assert any(r[-1].startswith("'=") for r in rows(response.data))
    raw = rows(client.get(f"/animation/enquetes/vagues/{wave.id}/export.wide?raw=1").data)
    assert any(row[-1].startswith("=HYPERLINK") for row in raw)
    assert f"/vagues/{wave.id}/export.codebook" in client.get(f"/animation/enquetes/vagues/{wave.id}").text
    codebook = rows(client.get(f"/animation/enquetes/vagues/{wave.id}/export.codebook").data)
    assert codebook[0][:3] == ["version", "position", "code"] and "text_fr" in codebook[0]


TYPED_QUESTIONS = [
    dict(code="phone", type="short_text", text={"fr": "Téléphone ?", "en": "Phone?", "ar": "الهاتف؟"}),
    dict(code="age", type="number", text={"fr": "Âge"}),
    dict(code="since", type="date", text={"fr": "Depuis quand ?"}),
]
TRICKY_TEXTS = ["+ de bancs", "=1+1", "@x", "-5"]  # phone numbers are scrubbed from answers (voix.privacy)


def fill_typed(wave):
    for number, text in enumerate(TRICKY_TEXTS):
        submit_response(load_target(wave.id), {"phone": text, "age": 30 + number, "since": f"2019-09-0{number + 1}"},
                        uuid=str(uuid.uuid4()), channel=Channel.personal, language="fr", about={})


def test_xlsx_cells_keep_their_type_and_run_no_formula(make_wave):
    wave = make_wave(questions=TYPED_QUESTIONS)
    fill_typed(wave)
    content = export_bytes(wave, "xlsx")[0]
    sheet = load_workbook(io.BytesIO(content))["responses"]
    header = [cell.value for cell in sheet[1]]
    rows = sorted((dict(zip(header, (cell.value for cell in row))) for row in sheet.iter_rows(min_row=2)),
                  key=lambda row: row["age"])
    assert [row["phone"] for row in rows] == TRICKY_TEXTS  # no ' in front, and no formula
    assert all(cell.data_type == "s" for cell in sheet[f"{chr(65 + header.index('phone'))}"][1:])
    assert [row["age"] for row in rows] == [30, 31, 32, 33]
    assert rows[0]["since"] == datetime(2019, 9, 1)
    assert isinstance(rows[0]["submitted_at"], datetime)
    since = sheet.cell(row=2, column=header.index("since") + 1)
    assert since.is_date and since.number_format == "yyyy-mm-dd"
    assert sheet.cell(row=2, column=header.index("submitted_at") + 1).is_date

    frame = pandas.read_excel(io.BytesIO(content), sheet_name="responses", engine="openpyxl")
    frame = frame.sort_values("age")
    assert frame["phone"].tolist() == TRICKY_TEXTS
    assert frame["age"].tolist() == [30, 31, 32, 33]
    assert frame["since"].dt.date.tolist() == [date(2019, 9, n) for n in (1, 2, 3, 4)]
    assert pandas.api.types.is_datetime64_any_dtype(frame["submitted_at"])
    # The long sheet: the same text, as text.
    long = pandas.read_excel(io.BytesIO(content), sheet_name="answers_long", engine="openpyxl", dtype=object)
    assert sorted(long[long["question_code"] == "phone"]["value"]) == sorted(TRICKY_TEXTS)


def test_csv_protects_formulas_unless_raw(make_wave, runner, tmp_path):
    wave = make_wave(questions=TYPED_QUESTIONS)
    fill_typed(wave)
    table = rows(export_bytes(wave, "wide")[0])
    phones = sorted(row[table[0].index("phone")] for row in table[1:])
    assert phones == sorted("'" + text for text in TRICKY_TEXTS)
    raw = rows(export_bytes(wave, "wide", raw=True)[0])
    assert sorted(row[raw[0].index("phone")] for row in raw[1:]) == sorted(TRICKY_TEXTS)
    assert {row[raw[0].index("since")] for row in raw[1:]} == {f"2019-09-0{n}" for n in (1, 2, 3, 4)}
    assert all(row[raw[0].index("submitted_at")].endswith("+00:00") for row in raw[1:])  # ISO, UTC
    output = tmp_path / "raw.csv"
    result = runner.invoke(args=["surveys", "export", "--wave", str(wave.id), "--format", "long", "--raw",
                                 "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert output.read_bytes() == export_bytes(wave, "long", raw=True)[0]
    assert "=1+1" in {row[-2] for row in rows(output.read_bytes())}


def test_api_raw_csv(client, auth, make_user, make_wave):
    wave = make_wave(questions=TYPED_QUESTIONS)
    fill_typed(wave)
    auth.login(make_user("evaluator", ("tours",)))
    safe = rows(client.get(f"/api/v1/waves/{wave.id}/export?format=wide").data)
    raw = rows(client.get(f"/api/v1/waves/{wave.id}/export?format=wide&raw=1").data)
    column = raw[0].index("phone")
    assert sorted(row[column] for row in raw[1:]) == sorted(TRICKY_TEXTS)
    assert sorted(row[column] for row in safe[1:]) == sorted("'" + text for text in TRICKY_TEXTS)


CODEBOOK_QUESTIONS = [
    dict(code="transport", type="single_choice", text={"fr": "Transport ?", "en": "Transport?", "ar": "النقل؟"},
         options=[{"code": "bus", "label": {"fr": "Le bus", "en": "The bus", "ar": "الحافلة"}},
                  {"code": "tram", "label": {"fr": "Le tram", "en": "The tram", "ar": "الترام"}}]),
    dict(code="bus_wait", type="number", text={"fr": "Attente ?", "en": "Wait?", "ar": "الانتظار؟"},
         condition={"question": "transport", "equals": "bus"}),
    dict(code="safe", type="agreement", text={"fr": "En sécurité", "en": "Safe", "ar": "آمن"}),
    dict(code="why", type="long_text", text={"fr": "Pourquoi ?", "en": "Why?", "ar": "لماذا؟"},
         condition={"question": "safe"}),
]


def test_codebook_has_every_language_labels_and_conditions(make_wave, runner, tmp_path):
    wave = make_wave(questions=CODEBOOK_QUESTIONS)
    table = rows(export_bytes(wave, "codebook")[0])
    header = table[0]
    for language in ("fr", "en", "ar"):
        assert f"text_{language}" in header and f"condition_{language}" in header
    by_key = {(row[header.index("code")], row[header.index("option_code")]): dict(zip(header, row)) for row in table[1:]}
    assert by_key[("transport", "")]["text_ar"] == "النقل؟"
    tram = by_key[("transport", "tram")]
    assert (tram["text_fr"], tram["text_en"], tram["text_ar"], tram["spss_value"]) == ("Le tram", "The tram", "الترام", "2")
    wait = by_key[("bus_wait", "")]
    assert wait["condition_fr"] == "Affiché si transport est « Le bus »"
    assert wait["condition_en"] == "Shown if transport is “The bus”"
    assert "الحافلة" in wait["condition_ar"]
    assert by_key[("why", "")]["condition_en"] == "Shown if safe is answered"
    dont_know = by_key[("safe", "dk")]
    assert (dont_know["text_fr"], dont_know["text_en"], dont_know["spss_value"]) == ("Je ne sais pas", "I don't know", "9")
    assert by_key[("safe", "5")]["text_en"] == "Strongly agree"
    sheet = load_workbook(io.BytesIO(export_bytes(wave, "xlsx")[0]))["codebook"]
    assert [cell.value for cell in sheet[1]] == header
    output = tmp_path / "codebook.csv"
    result = runner.invoke(args=["surveys", "export", "--wave", str(wave.id), "--format", "codebook",
                                 "--output", str(output)])
    assert result.exit_code == 0 and rows(output.read_bytes()) == table


def test_every_export_of_every_demo_wave(app, runner, tmp_path):
    import pyreadstat
    from sqlalchemy import func, select

    from surveys.exports import FORMATS
    from surveys.models import Response, Wave
    from voix.extensions import db

    assert runner.invoke(args=["demo"]).exit_code == 0
    waves = db.session.scalars(select(Wave).order_by(Wave.id)).all()
    assert len(waves) >= 7
    for wave in waves:
        count = db.session.scalar(select(func.count()).select_from(Response).where(Response.wave_id == wave.id))
        for fmt in FORMATS:
            content = export_bytes(wave, fmt)[0]
            if fmt == "wide":
                assert len(rows(content)) == count + 1, (wave.id, fmt)
            elif fmt == "long":
                assert {row[0] for row in rows(content)[1:]} <= {row[0] for row in rows(export_bytes(wave, "wide")[0])}
            elif fmt == "codebook":
                assert {row[2] for row in rows(content)[1:]} == {q.code for q in wave.version.questions}
            elif fmt == "xlsx":
                responses = pandas.read_excel(io.BytesIO(content), sheet_name="responses", engine="openpyxl")
                assert len(responses) == count and responses["submitted_at"].notna().all(), wave.id
            else:
                assert fmt == "sav"
                path = tmp_path / f"{wave.id}.sav"
                path.write_bytes(content)
                _data, meta = pyreadstat.read_sav(str(path), metadataonly=True)
                assert meta.number_rows == count and "unknown" not in meta.variable_measure.values(), wave.id
