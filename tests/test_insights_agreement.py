"""Agreement between evaluators and the machine: Cohen's kappa and the per-institution table."""
import random
from fractions import Fraction
from types import SimpleNamespace

import pytest
from nltk.metrics.agreement import AnnotationTask

from insights.agreement import (
    MIN_CORRECTIONS,
    agreement_by_institution,
    cohen_kappa,
    kappa_details,
)


def _pairs(spec):
    """[(machine, human)] from {(machine, human): count}."""
    return [pair for pair, count in spec.items() for _ in range(count)]


def test_kappa_hand_computed_2x2():
    # 50 passages: p_o = 35/50 = 0.7; machine 25 pos / 25 neg, human 30 pos / 20 neg
    # p_e = (25*30 + 25*20) / 50^2 = 0.5; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4
    pairs = _pairs({("positive", "positive"): 20, ("positive", "negative"): 5,
                    ("negative", "positive"): 10, ("negative", "negative"): 15})
    d = kappa_details(pairs)
    assert d["n"] == 50
    assert d["observed_agreement"] == pytest.approx(0.7)
    assert d["expected_agreement"] == pytest.approx(0.5)
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_kappa_matches_nltk_annotation_task_on_random_labels():
    rng = random.Random(7)
    labels = ["negative", "neutral", "positive"]
    for _ in range(5):
        pairs = []
        for _ in range(80):
            m = rng.choice(labels)
            # the human agrees more often than chance
            h = m if rng.random() < 0.6 else rng.choice(labels)
            pairs.append((m, h))
        data = [(coder, str(i), lab) for i, (m, h) in enumerate(pairs)
                for coder, lab in (("machine", m), ("human", h))]
        assert cohen_kappa(pairs) == pytest.approx(AnnotationTask(data=data).kappa(), abs=1e-12)


def test_perfect_agreement_is_one():
    pairs = [("negative", "negative")] * 4 + [("positive", "positive")] * 3 + [("neutral", "neutral")]
    assert cohen_kappa(pairs) == pytest.approx(1.0)


def test_degenerate_cases():
    # no pairs: nothing to measure
    assert cohen_kappa([]) is None
    assert kappa_details([])["observed_agreement"] is None
    # both raters used one and the same label: kappa is 0/0, undefined; agreement is 1
    d = kappa_details([("negative", "negative")] * 12)
    assert d["kappa"] is None
    assert d["observed_agreement"] == 1.0
    # each rater a single, different label: chance agreement 0, kappa = p_o = 0
    assert cohen_kappa([("negative", "positive")] * 5) == 0.0
    # systematic disagreement is below chance
    assert cohen_kappa([("negative", "positive"), ("positive", "negative")] * 3) == pytest.approx(-1.0)


def _c(institution, machine, human, human_institution=None):
    return {"institution": institution, "machine_stance": machine, "human_stance": human,
            "human_institution": human_institution}


CORRECTIONS = (
    # caf: 10 confirmed + 1 "no institution here" + 1 "it is about the mairie"
    [_c("caf", "negative", "negative")] * 4
    + [_c("caf", "negative", "neutral")]
    + [_c("caf", "positive", "positive")] * 3
    + [_c("caf", "neutral", "neutral")] * 2
    + [_c("caf", "negative", None, "none"), _c("caf", "negative", "negative", "mairie")]
    # mairie: 3, all confirmed (one by naming the same code), all negative on both sides
    + [_c("mairie", "negative", "negative")] * 2
    + [_c("mairie", "negative", "negative", "mairie")]
)


def test_table_per_institution_on_a_constructed_set():
    table = agreement_by_institution(CORRECTIONS)
    assert list(table) == ["caf", "mairie", "all"]

    caf = table["caf"]
    assert caf["n"] == 12
    assert caf["n_confirmed"] == 10
    assert caf["detection_precision"] == pytest.approx(10 / 12)
    # stance on the 10 confirmed: p_o = 9/10; machine neg 5 pos 3 neu 2, human neg 4 neu 3 pos 3
    # p_e = (5*4 + 3*3 + 2*3) / 100 = 0.35; kappa = 0.55 / 0.65
    assert caf["n_stance"] == 10
    assert caf["observed_agreement"] == pytest.approx(0.9)
    assert caf["kappa"] == pytest.approx(0.55 / 0.65)
    assert caf["too_few"] is False

    mairie = table["mairie"]
    assert mairie["n"] == 3 and mairie["n_confirmed"] == 3
    assert mairie["detection_precision"] == 1.0
    assert mairie["observed_agreement"] == 1.0
    assert mairie["kappa"] is None          # everybody said negative: undefined
    assert mairie["too_few"] is True        # still computed, but flagged

    everything = table["all"]
    assert everything["n"] == 15 and everything["n_confirmed"] == 13
    assert everything["detection_precision"] == pytest.approx(13 / 15)
    # 13 pairs: p_o = 12/13; machine neg 8 pos 3 neu 2, human neg 7 neu 3 pos 3
    p_o = Fraction(12, 13)
    p_e = Fraction(8 * 7 + 3 * 3 + 2 * 3, 13 * 13)
    assert everything["observed_agreement"] == pytest.approx(float(p_o))
    assert everything["kappa"] == pytest.approx(float((p_o - p_e) / (1 - p_e)))
    assert everything["kappa"] == pytest.approx(85 / 98)
    assert everything["too_few"] is False


def test_too_few_threshold_and_attribute_records():
    assert MIN_CORRECTIONS == 10
    nine = [SimpleNamespace(institution="poste", machine_stance="positive", human_stance="positive",
                            human_institution=None)] * (MIN_CORRECTIONS - 1)
    table = agreement_by_institution(nine)
    assert table["poste"]["too_few"] is True and table["all"]["too_few"] is True
    assert table["poste"]["observed_agreement"] == 1.0
    ten = nine + [SimpleNamespace(institution="poste", machine_stance="positive",
                                  human_stance="negative", human_institution=None)]
    row = agreement_by_institution(ten)["poste"]
    assert row["too_few"] is False
    assert row["observed_agreement"] == pytest.approx(0.9)
    # machine always positive: p_e = 1 * 0.9 = 0.9, kappa = (0.9 - 0.9) / 0.1 = 0
    assert row["kappa"] == pytest.approx(0.0)


def test_only_wrong_detections_and_empty_input():
    table = agreement_by_institution([_c("police", "negative", None, "none")] * 2)
    row = table["police"]
    assert row["n"] == 2 and row["n_confirmed"] == 0
    assert row["detection_precision"] == 0.0
    assert row["n_stance"] == 0 and row["observed_agreement"] is None and row["kappa"] is None
    empty = agreement_by_institution([])
    assert list(empty) == ["all"]
    assert empty["all"]["n"] == 0 and empty["all"]["detection_precision"] is None
    assert empty["all"]["too_few"] is True
