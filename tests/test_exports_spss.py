"""SPSS .sav export: read back with pyreadstat, values, value labels and variable labels."""
import uuid

import pyreadstat
import pytest

from surveys.exports import export_bytes
from surveys.models import Channel
from surveys.submission import load_target, submit_response

QUESTIONS = [
    dict(code="mood", type="smiley", text={"fr": "Humeur ?", "en": "Mood?"}),
    dict(code="priority", type="single_choice", text={"fr": "Priorité ?"},
         options=[{"code": "clean", "label": {"fr": "Propreté"}}, {"code": "youth", "label": {"fr": "Jeunes"}}]),
    dict(code="services", type="multiple_choice", text={"fr": "Services utilisés ?"},
         options=[{"code": "caf", "label": {"fr": "CAF"}}, {"code": "mairie", "label": {"fr": "Mairie"}}]),
    dict(code="safe", type="agreement", text={"fr": "Je me sens en sécurité"}),
    dict(code="contact", type="yes_no", text={"fr": "Contact avec la mairie ?"}),
    dict(code="age", type="number", text={"fr": "Âge"}),
    dict(code="since", type="date", text={"fr": "Depuis quand ?"}),
    dict(code="order", type="ranking", text={"fr": "Classez"},
         options=[{"code": "bus", "label": {"fr": "Bus"}}, {"code": "tram", "label": {"fr": "Tram"}}]),
    dict(code="to", type="long_text", text={"fr": "Un mot ?"}),  # a word SPSS reserves
]


@pytest.fixture
def sav(make_wave, tmp_path):
    def make(answers):
        wave = make_wave(questions=QUESTIONS)
        for given in answers:
            submit_response(load_target(wave.id), given, uuid=str(uuid.uuid4()), channel=Channel.personal,
                            language="fr", about={"gender": "woman", "quartier": "sanitas"})
        content, mimetype, name = export_bytes(wave, "sav")
        assert name == f"wave-{wave.id}.sav" and mimetype == "application/x-spss-sav"
        path = tmp_path / name
        path.write_bytes(content)
        return pyreadstat.read_sav(str(path), output_format="dict", user_missing=True)

    return make


def test_sav_values_and_labels(sav):
    data, meta = sav([
        {"mood": 5, "priority": "youth", "services": ["mairie"], "safe": "dk", "contact": "yes", "age": 34,
         "since": "2019-09-01", "order": {"tram": "1", "bus": "2"}, "to": "Plus de bancs"},
        {"mood": 2},
    ])
    names = meta.column_names
    assert names[:3] == ["response_uuid", "wave_id", "wave_number"]
    assert {"mood", "priority", "services_caf", "services_mairie", "safe", "contact", "age", "since",
            "order_bus", "order_tram", "q_to"} <= set(names)
    first, second = (0, 1) if data["mood"][0] == 5 else (1, 0)
    row = {name: data[name][first] for name in names}
    assert row["priority"] == 2 and meta.variable_value_labels["priority"] == {1.0: "Propreté", 2.0: "Jeunes"}
    assert (row["services_caf"], row["services_mairie"]) == (0, 1)
    assert meta.column_names_to_labels["services_mairie"] == "Services utilisés ? : Mairie"
    assert row["safe"] == 9 and meta.missing_ranges["safe"] == [{"lo": 9.0, "hi": 9.0}]
    assert meta.variable_value_labels["safe"][9.0] == "Je ne sais pas"
    assert meta.variable_value_labels["mood"][5.0] == "Très content"
    assert row["contact"] == 1 and meta.variable_value_labels["contact"] == {1.0: "Oui", 0.0: "Non"}
    assert row["age"] == 34 and row["since"].isoformat() == "2019-09-01"
    assert (row["order_tram"], row["order_bus"]) == (1, 2)
    assert row["q_to"] == "Plus de bancs" and meta.column_names_to_labels["q_to"] == "Un mot ?"
    assert meta.column_names_to_labels["priority"] == "Priorité ?"
    assert meta.variable_measure["mood"] == "ordinal" and meta.variable_measure["age"] == "scale"
    assert data["quartier"][first] == "sanitas" and data["wave_number"][first] == 1
    # The second respondent answered the mood only: everything else is missing, not 0.
    assert data["mood"][second] == 2
    for name in ("priority", "services_caf", "safe", "contact", "age", "order_bus"):
        assert data[name][second] is None, name  # system-missing
    assert data["since"][second] is None and data["q_to"][second] == ""


def test_sav_of_a_wave_without_responses(sav):
    data, meta = sav([])
    assert meta.number_rows == 0 and "services_caf" in meta.column_names
    assert meta.original_variable_types["since"] == "DATE11"


def test_sav_from_the_web_cli_and_api(client, auth, make_user, make_wave, runner, tmp_path):
    wave = make_wave()
    auth.login(make_user("evaluator", ("tours",)))
    page = client.get(f"/animation/enquetes/vagues/{wave.id}")
    assert f"/vagues/{wave.id}/export.sav" in page.text
    download = client.get(f"/animation/enquetes/vagues/{wave.id}/export.sav")
    assert download.status_code == 200 and download.data[:4] == b"$FL2"  # the .sav magic number
    assert client.get(f"/api/v1/waves/{wave.id}/export?format=sav").data[:4] == b"$FL2"
    output = tmp_path / "vague.sav"
    result = runner.invoke(args=["surveys", "export", "--wave", str(wave.id), "--format", "sav",
                                 "--output", str(output)])
    assert result.exit_code == 0, result.output
    _, meta = pyreadstat.read_sav(str(output), output_format="dict", metadataonly=True)
    assert "mood" in meta.column_names


def test_sav_measures_formats_and_metadata_labels(sav):
    _data, meta = sav([
        {"mood": 4, "priority": "clean", "services": ["caf"], "safe": "2", "contact": "no", "age": 34,
         "since": "2019-09-01", "order": {"bus": "1", "tram": "2"}, "to": "Merci"},
        {"mood": 1, "age": 7},
    ])
    measure, types, labels = meta.variable_measure, meta.original_variable_types, meta.column_names_to_labels
    assert {name: measure[name] for name in ("priority", "services_caf", "contact", "q_to")} == dict.fromkeys(
        ("priority", "services_caf", "contact", "q_to"), "nominal")
    assert {name: measure[name] for name in ("mood", "safe", "order_bus")} == dict.fromkeys(
        ("mood", "safe", "order_bus"), "ordinal")
    assert measure["age"] == "scale" and measure["submitted_at"] == "scale"
    assert measure["quartier"] == "nominal" and measure["wave_number"] == "ordinal"
    assert "unknown" not in measure.values()
    for name in ("mood", "priority", "services_caf", "safe", "contact", "order_bus", "wave_number"):
        assert types[name] == "F1.0", name
    assert types["age"] == "F2.0"  # whole numbers: no decimals
    for column in ("response_uuid", "wave_id", "wave_number", "version", "submitted_at", "channel", "language",
                   "gender", "age_bracket", "quartier", "invitation_code", "panel_code"):
        assert labels[column], column
    assert labels["quartier"] == "Quartier" and labels["submitted_at"] == "Date et heure de réponse (UTC)"
    assert meta.variable_value_labels["priority"] == {1.0: "Propreté", 2.0: "Jeunes"}


def test_sav_decimal_numbers_keep_two_decimals(sav):
    _data, meta = sav([{"mood": 3, "age": 12.5}])
    assert meta.original_variable_types["age"] == "F5.2"
