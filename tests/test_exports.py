import csv
import io
import uuid

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


def test_xlsx_export_has_three_sheets(make_wave):
    wave = make_wave()
    fill(wave)
    content, mimetype, name = export_bytes(wave, "xlsx")
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    assert workbook.sheetnames == ["responses", "answers_long", "questions"]
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
