"""The supervised layer per mention, measured against the rules on real labelled texts
(insights/mention_layer.py, tests/fixtures/discourse/real_mentions.jsonl)."""
import json

import pytest

from insights import Analyzer
from insights import mention_layer as ml
from insights.agreement import cohen_kappa

STANCES = ("negative", "neutral", "positive")


@pytest.fixture(scope="module")
def rows():
    return ml.load()


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


def test_labelled_mentions_point_at_their_surface_in_the_real_texts(rows):
    assert len(rows) >= 450
    for row in rows:
        assert row["text"][row["start"]:row["end"]] == row["surface"], row["mid"]
        assert row["mid"] == f"{row['text_id']}@{row['start']}"
        assert row["stance"] in (*STANCES, "not_institution")
    assert len({row["mid"] for row in rows}) == len(rows)


def test_the_held_out_part_is_the_fixed_seed_split_by_text(rows):
    labelled = {row["text_id"] for row in rows}
    rounds = ml.text_rounds()
    heldout = ml.heldout_by_round(rounds, labelled)
    for ids in rounds:  # within each round of texts: 30 % of its labelled texts, order-free
        mine = [i for i in ids if i in labelled]
        assert ml.heldout_texts(mine) == ml.heldout_texts(sorted(mine, reverse=True))
        assert len(ml.heldout_texts(mine)) == round(ml.HELDOUT_SHARE * len(mine))
    for row in rows:  # no text in both parts: the split is by text
        assert row["part"] == ("heldout" if row["text_id"] in heldout else "train"), row["mid"]


def test_appending_a_round_of_texts_moves_no_earlier_text():
    rounds = ml.text_rounds()
    assert len(rounds[0]) == ml.ROUNDS[0] == 287
    first = ml.heldout_texts(rounds[0])
    assert ml.heldout_by_round(rounds) & set(rounds[0]) == first
    assert ml.heldout_by_round(rounds[:1]) == first
    assert len(rounds) == len(ml.ROUNDS) + 1 == 3  # rounds one-two, three, four
    for later in rounds[1:]:  # each later round is split over its own ids only
        assert ml.heldout_by_round(rounds) & set(later) == ml.heldout_texts(later)
        assert ml.heldout_by_round(rounds[:rounds.index(later)]).isdisjoint(later)


def test_kappa_of_the_two_blind_passes(rows):
    doubly = [row for row in rows if "stance_2" in row]
    assert len(doubly) >= 90
    kappa = ml._kappas(rows)
    assert kappa["stance"]["n"] == len(doubly)
    assert kappa["stance"]["kappa"] == round(cohen_kappa([(r["stance"], r["stance_2"]) for r in doubly]), 4)
    assert 0.8 < kappa["stance"]["kappa"] < 0.95  # 0.872: substantial agreement, not identity


def _planted(n_texts=60):
    """Texts where residents blame with a word the rules do not know ("guez")."""
    rows = []
    for i in range(n_texts):
        code, name = [("caf", "la CAF"), ("mairie", "la mairie"), ("poste", "la poste")][i % 3]
        if i % 2:
            text, stance = f"Franchement {name} c'est guez, dossier {i}.", "negative"
        else:
            text, stance = f"Je suis passé à {name} mardi pour le dossier {i}.", "neutral"
        rows.append({"text": text, "text_id": f"t{i}", "start": text.index(name), "institution": code,
                     "stance": stance})
    return rows


def test_the_layer_learns_what_the_rules_miss_and_folds_never_split_a_text(analyzer):
    rows = _planted()
    rows += [dict(row, start=row["start"]) for row in rows[:10]]  # a text labelled twice: same group
    feats = ml.mention_features(rows, analyzer)
    rules = [rule for _, rule in feats]
    gold = [row["stance"] for row in rows]
    layer = ml.cross_validate(rows, feats)  # asserts inside that no text is on both sides of a fold
    assert ml.macro_f1(gold, layer) == 1.0
    assert ml.macro_f1(gold, rules) < 0.9  # the rules do not know "guez"


def test_features_come_from_the_mentions_own_clause(analyzer):
    text = "La CAF ne répond pas aux courriers, mais le centre social est super."
    (caf, caf_rule), (centre, centre_rule) = ml.mention_features(
        [{"text": text, "start": 0, "institution": "caf"},
         {"text": text, "start": text.index("le centre"), "institution": "centre_social"}], analyzer)
    assert caf_rule == "negative" and centre_rule == "positive"
    assert "neg:courriers" in caf and "c:super" not in caf and "s:super" not in caf
    assert "c:super" in centre and "c:<T>" in centre and "act=judgement" in centre
    (absent, rule), = ml.mention_features([{"text": "Rien à voir.", "start": 0, "institution": "caf"}], analyzer)
    assert absent == {"rule=absent": 1.0} and rule == "neutral"


def test_training_never_reads_dev_nor_heldout_b(analyzer):
    extra = ml._extra_heldout_a(analyzer)
    assert extra
    ids = {row["text_id"] for row in extra}
    assert all(int(i.removeprefix("heldout-h")) % 2 == 1 for i in ids)  # odd ids: heldout_a only


def test_the_default_is_what_the_held_out_part_says(rows, analyzer):
    """On by default only if the layer passes the gate and wins on the held-out part."""
    rep = ml.report(rows, analyzer)
    json.dumps(rep)
    assert rep["n_mentions"] == len(rows)
    assert rep["cv"]["rules"]["n"] + rep["heldout"]["rules"]["n"] == sum(r["stance"] in STANCES for r in rows)
    assert rep["gate_passed"] == (rep["cv_difference"] > ml.MARGIN)
    assert rep["wins_heldout"] == (rep["gate_passed"] and rep["heldout_difference"] > ml.MARGIN)
    assert ml.DEFAULT_ON == rep["wins_heldout"]
