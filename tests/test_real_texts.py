"""tests/fixtures/discourse/real_texts.jsonl (real citizen texts, issue 16 item 4) loads,
and the mention set built from it by scripts/mentions_to_label.py is what the annotators
need: every offset points at its surface, the context marks it, no stance of the rules
leaks, the overlap fifth and the two halves are fixed and cover every mention."""
import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

from insights import CODES, Analyzer

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT / "tests" / "fixtures" / "discourse" / "real_texts.jsonl"
SOURCES = {"consultation_an_2016", "grand_debat_2019"}  # each one has its licence in the README


def _script():
    spec = importlib.util.spec_from_file_location("mentions_to_label", ROOT / "scripts" / "mentions_to_label.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def script():
    return _script()


@pytest.fixture(scope="module")
def texts(script):
    return script.read_texts(TEXTS)


@pytest.fixture(scope="module")
def records(script, texts):
    return script.mention_records(texts, Analyzer())


def test_texts_load_with_their_source(texts):
    assert TEXTS.stat().st_size < 2_000_000
    ids = [t["id"] for t in texts]
    assert len(ids) == len(set(ids)), "text ids are unique"
    assert {t["source"] for t in texts} == SOURCES
    readme = (TEXTS.parent / "README.md").read_text(encoding="utf-8")
    for source in SOURCES:
        assert source in readme, f"{source} has no licence notice in the README"
    for t in texts:
        assert set(t) == {"id", "source", "text"}
        assert t["text"].strip() and len(t["text"]) <= 1500


def test_every_text_has_a_mention_and_offsets_point_at_the_surface(texts, records):
    by_id = {t["id"]: t["text"] for t in texts}
    assert {r["text_id"] for r in records} == set(by_id), "a text without mention is not kept"
    mids = [r["mid"] for r in records]
    assert len(mids) == len(set(mids))
    for r in records:
        assert set(r) == {"mid", "text_id", "start", "end", "surface", "institution", "context"}
        assert by_id[r["text_id"]][r["start"]:r["end"]] == r["surface"]
        assert r["institution"] in CODES
        shown = " ".join(r["surface"].split()).replace("\x92", "\u2019")
        assert f"[[{shown}]]" in r["context"] and "\x92" not in r["context"]
        assert r["context"].count("[[") == 1
        assert len(r["context"]) <= 520


def test_no_single_source_or_institution_is_the_whole_set(records):
    per_source = Counter(r["text_id"].split("-")[0] for r in records)
    assert len(per_source) >= 2
    per_code = Counter(r["institution"] for r in records)
    assert len(per_code) >= 8


def test_overlap_and_halves_are_fixed_and_cover_everything(script, records):
    overlap = script.overlap_mids(records)
    assert overlap == script.overlap_mids(list(reversed(records))), "independent of order"
    assert len(overlap) == round(len(records) / 5)
    assert set(overlap) <= {r["mid"] for r in records}
    a, b = script.split_parts(records)
    assert abs(len(a) - len(b)) <= 1
    ma, mb = {r["mid"] for r in a}, {r["mid"] for r in b}
    assert not ma & mb and ma | mb == {r["mid"] for r in records}
    assert [r["mid"] for r in script.split_parts(list(reversed(records)))[0]] == sorted(
        ma, key=[r["mid"] for r in reversed(records)].index)


def test_context_is_whole_sentences_around_the_mention(script):
    text = ("Premier point sans rapport. " * 12) + "La CAF ne répond jamais au téléphone. " + ("Autre phrase. " * 30)
    start = text.index("CAF")
    ctx = script.context(text, start, start + 3)
    assert "La [[CAF]] ne répond jamais au téléphone." in ctx
    assert 300 <= len(ctx) <= 520
    assert script.context("Le maire.", 3, 8) == "Le [[maire]]."
    assert script.context("les forces de l\x92ordre", 4, 23) == "les [[forces de l\u2019ordre]]"


def test_main_writes_the_four_files(script, tmp_path):
    sample = tmp_path / "texts.jsonl"
    sample.write_text(
        json.dumps({"id": "x-1", "source": "grand_debat_2019", "text": "La CAF et la mairie."}) + "\n"
        + json.dumps({"id": "x-2", "source": "grand_debat_2019", "text": "Rien ici."}) + "\n",
        encoding="utf-8")
    script.main(["--texts", str(sample), "--out", str(tmp_path / "labels")])
    out = tmp_path / "labels"
    rows = [json.loads(line) for line in (out / "mentions_to_label.jsonl").read_text().splitlines()]
    assert [(r["surface"], r["institution"]) for r in rows] == [("CAF", "caf"), ("mairie", "mairie")]
    assert all("stance" not in r for r in rows)
    parts = [json.loads(line) for p in ("part_A.jsonl", "part_B.jsonl") for line in (out / p).read_text().splitlines()]
    assert sorted(r["mid"] for r in parts) == sorted(r["mid"] for r in rows)
    assert len(json.loads((out / "overlap_mids.json").read_text())) == 0  # round(2 / 5)


def _sample_rounds(tmp_path, n_texts, n_labelled):
    """A texts file of `n_texts` texts naming the CAF and the mairie, the first `n_labelled`
    of them labelled: (texts path, labels path)."""
    texts = tmp_path / "texts.jsonl"
    labelled = tmp_path / "labelled.jsonl"
    texts.write_text("".join(json.dumps({"id": f"x-{i}", "source": "grand_debat_2019",
                                         "text": f"La CAF et la mairie, dossier {i}."}) + "\n"
                             for i in range(n_texts)), encoding="utf-8")
    labelled.write_text("".join(json.dumps({"text_id": f"x-{i}", "stance": "neutral"}) + "\n"
                                for i in range(n_labelled)), encoding="utf-8")
    return texts, labelled


def test_new_only_writes_the_unlabelled_round_and_its_parts(script, tmp_path):
    """--new-only: the mentions of texts without labels only, drawn over them alone, and a
    part per new text (30 % held out over the new ids, seed 16), no stance anywhere."""
    texts, labelled = _sample_rounds(tmp_path, n_texts=10, n_labelled=4)
    out = tmp_path / "labels"
    script.main(["--texts", str(texts), "--out", str(out), "--new-only", "--labelled", str(labelled)])
    written = [json.loads(line) for line in (out / "mentions_to_label.jsonl").read_text().splitlines()]
    assert {r["text_id"] for r in written} == {f"x-{i}" for i in range(4, 10)}
    assert len(written) == 12 and all("stance" not in r for r in written)
    assert len(json.loads((out / "overlap_mids.json").read_text())) == round(12 / 5)
    parts = json.loads((out / "parts.json").read_text())
    assert set(parts) == {f"x-{i}" for i in range(4, 10)}
    from insights.mention_layer import heldout_texts
    assert {i for i, p in parts.items() if p == "heldout"} == heldout_texts(parts)
    assert sum(p == "heldout" for p in parts.values()) == round(0.3 * 6)


def test_rounds_are_labelled_whole(script, texts):
    """A round of texts appended to real_texts.jsonl is labelled all at once or not yet:
    the labelled texts are exactly the first rounds, in file order."""
    from insights.mention_layer import text_rounds

    done = script.labelled_text_ids()
    ids = [t["id"] for t in texts]
    assert done == set(ids[:len(done)])
    sizes = [len(r) for r in text_rounds()]
    assert len(done) in {sum(sizes[:k]) for k in range(len(sizes) + 1)}


def test_round_option_writes_only_that_round(script, tmp_path):
    """--new-only --round 4: the mentions of round four alone, although round three has no
    labels either; its parts are drawn over round four's ids only."""
    texts, labelled = _sample_rounds(tmp_path, n_texts=15, n_labelled=6)
    out = tmp_path / "labels"
    script.main(["--texts", str(texts), "--out", str(out), "--new-only", "--round", "4",
                 "--bounds", "6", "10", "--labelled", str(labelled)])
    round_four = {f"x-{i}" for i in range(10, 15)}
    written = [json.loads(line) for line in (out / "mentions_to_label.jsonl").read_text().splitlines()]
    assert {r["text_id"] for r in written} == round_four and len(written) == 10
    parts = json.loads((out / "parts.json").read_text())
    assert set(parts) == round_four
    from insights.mention_layer import heldout_texts
    assert {i for i, p in parts.items() if p == "heldout"} == heldout_texts(round_four)
    halves = [json.loads(line) for p in ("part_A.jsonl", "part_B.jsonl") for line in (out / p).read_text().splitlines()]
    assert {r["text_id"] for r in halves} == round_four


def test_an_unknown_round_is_a_clear_error(script, tmp_path, capsys):
    with pytest.raises(SystemExit):
        script.main(["--out", str(tmp_path / "labels"), "--round", "9"])
    assert "round 9: no such round" in capsys.readouterr().err
    assert not (tmp_path / "labels").exists()


def test_rounds_three_and_four_are_the_lines_after_287_and_337(script, texts):
    ids = [t["id"] for t in texts]
    assert script.round_text_ids(3) == ids[287:337]
    assert script.round_text_ids(4) == ids[337:] and len(ids[337:]) >= 30
    assert script.round_text_ids(2) is None and script.round_text_ids(5) is None
