"""Quality of the insights pipeline: the evaluation report and the dev-set regression.

The dev set lives outside the repository (../shared/data/discourse/dev.jsonl); a fresh
clone has no ../shared, so the regression test skips there with the reason.
"""
import json
from pathlib import Path

import pytest

from insights.evaluate import (
    accuracy,
    evaluate_file,
    evaluate_records,
    macro_f1,
    predict,
    read_jsonl,
    split_halves,
)

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "discourse" / "dev.jsonl"
needs_dev = pytest.mark.skipif(
    not DEV.exists(), reason=f"{DEV} is absent (a fresh clone has no ../shared/data)")

GOLD = [
    {"id": "t1", "text": "La CAF ne répond jamais, par contre le centre social m'a bien aidée.",
     "quartier": "sanitas", "wave": 1, "date": "2026-01-10", "polarity": "mixed",
     "targets": [{"institution": "caf", "polarity": "negative"},
                 {"institution": "centre_social", "polarity": "positive"}]},
    {"id": "t2", "text": "Je suis allée à la mairie pour ma carte d'identité.",
     "quartier": "europe", "wave": 1, "date": "2026-01-11", "polarity": "neutral",
     "targets": [{"institution": "mairie", "polarity": "neutral"}]},
    {"id": "t3", "text": "Le tram est super pratique.", "quartier": "europe", "wave": 2,
     "date": "2026-04-02", "polarity": "positive",
     "targets": [{"institution": "metropole", "polarity": "positive"}]},
    {"id": "t4", "text": "Personne ne rappelle, c'est honteux.", "quartier": "rabiere",
     "wave": 2, "date": "2026-04-03", "polarity": "negative",
     "targets": [{"institution": "caf", "polarity": "negative"}]},
]


def test_metrics_by_hand():
    gold = ["a", "a", "b", "b"]
    pred = ["a", "b", "b", "b"]
    # F1(a) = 2/3, F1(b) = 0.8
    assert macro_f1(gold, pred) == pytest.approx((2 / 3 + 0.8) / 2)
    assert accuracy(gold, pred) == 0.75
    # a label only predicted is not averaged in (macro over the labels present in gold)
    assert macro_f1(["a", "a"], ["a", "c"]) == pytest.approx(2 / 3)


def test_report_structure_and_counts():
    rep = evaluate_records(GOLD)
    assert set(rep) == {"n", "target_detection", "target_stance", "doc_polarity", "by_wave"}
    assert rep["n"] == 4
    assert set(rep["target_detection"]) == {"precision", "recall", "f1"}
    assert set(rep["target_stance"]) == {"accuracy", "macro_f1", "confusion"}
    assert set(rep["doc_polarity"]) == {"accuracy", "macro_f1"}
    # t4 names no institution: one gold target missed, nothing predicted there
    assert rep["target_detection"] == {"precision": 1.0, "recall": 0.8, "f1": pytest.approx(0.8889, abs=1e-4)}
    conf = rep["target_stance"]["confusion"]
    assert sum(sum(row.values()) for row in conf.values()) == 4  # stance only on found pairs
    caf = rep["by_wave"]["caf"]
    assert caf["1"] == {"gold_n": 1, "pred_n": 1, "gold_negative_share": 1.0, "pred_negative_share": 1.0}
    assert caf["2"] == {"gold_n": 1, "pred_n": 0, "gold_negative_share": 1.0, "pred_negative_share": None}
    assert rep["by_wave"]["metropole"]["2"]["gold_negative_share"] == 0.0
    json.dumps(rep)  # JSON-ready


def test_predictions_never_see_the_labels():
    scrambled = [dict(r, polarity="positive", targets=[{"institution": "poste", "polarity": "positive"}])
                 for r in GOLD]
    assert predict(scrambled) == predict(GOLD)
    no_labels = [{"text": r["text"]} for r in GOLD]
    assert predict(no_labels) == predict(GOLD)


def test_evaluate_file_reads_jsonl(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in GOLD) + "\n\n", encoding="utf-8")
    assert evaluate_file(path) == evaluate_records(GOLD)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.jsonl:2"):
        read_jsonl(bad)


def test_split_halves_by_numeric_id():
    a, b = split_halves([{"id": "dev0001"}, {"id": "dev0002"}, {"id": "dev0013"}])
    assert [r["id"] for r in a] == ["dev0001", "dev0013"] and [r["id"] for r in b] == ["dev0002"]


@needs_dev
def test_dev_regression():
    """The issue's bar, measured like `flask insights evaluate dev.jsonl --json`."""
    rep = evaluate_file(DEV)
    assert rep["n"] == len(read_jsonl(DEV))
    assert rep["target_detection"]["f1"] >= 0.90, rep["target_detection"]
    assert rep["target_stance"]["macro_f1"] >= 0.75, rep["target_stance"]
    assert rep["doc_polarity"]["macro_f1"] >= 0.65, rep["doc_polarity"]
    assert set(rep["by_wave"]) <= {
        "mairie", "caf", "bailleur", "police", "ecole", "centre_social", "france_travail",
        "departement", "prefecture", "metropole", "sante", "poste"}


@needs_dev
def test_dev_regression_on_the_held_out_half():
    """Half B (even ids) was not read during development (docs/insights.md): a floor a bit
    under the full-file bar, so a rule that only fits half A shows up here."""
    _, half_b = split_halves(read_jsonl(DEV))
    rep = evaluate_records(half_b)
    assert rep["target_detection"]["f1"] >= 0.90
    assert rep["target_stance"]["macro_f1"] >= 0.70
    assert rep["doc_polarity"]["macro_f1"] >= 0.65


def test_flask_cli_prints_the_same_report(app, runner, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "t1", "text": "La CAF ne répond jamais.", "quartier": "sanitas", "wave": 1,
                                "date": "2026-01-01", "polarity": "negative",
                                "targets": [{"institution": "caf", "polarity": "negative"}]}) + "\n")
    result = runner.invoke(args=["insights", "evaluate", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["n"] == 1 and report["target_detection"]["f1"] == 1.0
    assert set(report) >= {"target_detection", "target_stance", "doc_polarity", "by_wave"}
