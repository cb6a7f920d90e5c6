"""Trends on constructed data with known answers: a planted rise is found, a flat series is
not; hand-computed Mann-Kendall; exact Theil-Sen; bootstrap coverage; small-cell
suppression; a contribution counts once. No timing."""
import math
import random

import pytest

from insights.trends import (
    bootstrap_means,
    mann_kendall,
    mention_records,
    series_from_cells,
    series_trend,
    theil_sen,
    trend_table,
    wave_change,
)


def make_records(rng, n, p_neg, p_pos, institution="caf", quartier="Sanitas", wave=1, start=0,
                 extra_mentions=True):
    """n contributions; each names the institution 1-3 times with its own stance."""
    out = []
    for k in range(n):
        u = rng.random()
        stance = "negative" if u < p_neg else "positive" if u < p_neg + p_pos else "neutral"
        for _ in range(rng.randint(1, 3) if extra_mentions else 1):
            out.append({"contribution": f"{wave}-{start + k}", "institution": institution,
                        "quartier": quartier, "wave": wave, "stance": stance})
    return out


def exact_records(n_neg, n_neu, n_pos, institution="caf", quartier="Sanitas", wave=1):
    """Contributions with exactly these stances (one mention each, two for every third)."""
    stances = ["negative"] * n_neg + ["neutral"] * n_neu + ["positive"] * n_pos
    out = []
    for k, stance in enumerate(stances):
        for _ in range(2 if k % 3 == 0 else 1):
            out.append({"contribution": f"{institution}-{quartier}-{wave}-{k}",
                        "institution": institution, "quartier": quartier, "wave": wave,
                        "stance": stance})
    return out


# -- Mann-Kendall, Theil-Sen --------------------------------------------------------------
def test_mann_kendall_hand_computed():
    # pairs of 1,3,2,5,4: 8 increasing, 2 decreasing -> S = 6; Var = 5*4*15/18 = 50/3
    r = mann_kendall([1, 3, 2, 5, 4])
    assert r["s"] == 6
    assert r["var_s"] == pytest.approx(50 / 3)
    assert r["z"] == pytest.approx(5 / math.sqrt(50 / 3))
    assert r["p_value"] == pytest.approx(math.erfc(r["z"] / math.sqrt(2)))
    assert r["p_value"] == pytest.approx(0.2207, abs=1e-4)
    assert r["trend"] == "no trend"


def test_mann_kendall_ties_and_sign():
    # 1,2,2,3: S = 5 (one tied pair); Var = (4*3*13 - 2*1*9) / 18 = 23/3
    r = mann_kendall([1, 2, 2, 3])
    assert r["s"] == 5
    assert r["var_s"] == pytest.approx(23 / 3)
    assert r["z"] == pytest.approx(4 / math.sqrt(23 / 3))
    down = mann_kendall([6, 5, 4, 3, 2, 1])
    assert down["s"] == -15 and down["z"] < 0 and down["trend"] == "decreasing"
    assert down["p_value"] == pytest.approx(math.erfc((14 / math.sqrt(6 * 5 * 17 / 18)) / math.sqrt(2)))
    flat = mann_kendall([0.3] * 6)
    assert flat["s"] == 0 and flat["z"] == 0 and flat["p_value"] == 1.0


def test_theil_sen_line_with_outlier_is_exact():
    xs = list(range(10))
    ys = [2 * x + 1 for x in xs]
    ys[5] = 100.0
    r = theil_sen(xs, ys)
    assert r["slope"] == 2.0
    assert r["n_slopes"] == 45
    lo, hi = r["ci"]
    assert lo <= 2.0 <= hi


def test_theil_sen_interval_covers_true_slope():
    rng = random.Random(3)
    xs = list(range(12))
    ys = [0.5 * x + rng.gauss(0, 1) for x in xs]
    r = theil_sen(xs, ys)
    lo, hi = r["ci"]
    assert lo < 0.5 < hi
    assert lo < r["slope"] < hi


# -- trend over waves ---------------------------------------------------------------------
def waves_records(p_negs, seed, n=150):
    rng = random.Random(seed)
    recs = []
    for w, p in enumerate(p_negs, 1):
        recs += make_records(rng, n, p, 0.2, wave=w)
    return recs


def test_planted_rise_in_negativity_is_found():
    recs = waves_records([0.15, 0.25, 0.35, 0.45, 0.55, 0.65], seed=11)
    cells = trend_table(recs, by=("institution", "wave"))
    neg = series_trend(series_from_cells(cells, "share_negative", institution="caf"))
    assert neg["n_waves"] == 6 and neg["reason"] is None
    assert neg["mann_kendall"]["p_value"] < 0.05
    assert neg["mann_kendall"]["trend"] == "increasing"
    assert neg["theil_sen"]["slope"] == pytest.approx(0.10, abs=0.04)
    tone = series_trend(series_from_cells(cells, "net_tone", institution="caf"))
    assert tone["mann_kendall"]["p_value"] < 0.05
    assert tone["mann_kendall"]["trend"] == "decreasing"
    assert tone["theil_sen"]["slope"] < 0
    assert tone["theil_sen"]["ci"][1] < 0


def test_flat_noisy_series_is_not_a_trend():
    recs = waves_records([0.4] * 6, seed=5)
    cells = trend_table(recs, by=("institution", "wave"))
    series = series_from_cells(cells, "share_negative", institution="caf")
    assert len(set(series.values())) > 1          # noisy, not constant
    r = series_trend(series)
    assert r["mann_kendall"]["p_value"] > 0.05
    assert r["mann_kendall"]["trend"] == "no trend"
    lo, hi = r["theil_sen"]["ci"]
    assert lo <= 0 <= hi
    # a fixed noisy sequence, too
    assert mann_kendall([0.41, 0.38, 0.44, 0.37, 0.42, 0.40])["p_value"] > 0.05


def test_series_trend_needs_five_waves():
    r = series_trend({1: -0.1, 2: -0.2, 3: -0.3, 4: -0.4})
    assert r["mann_kendall"] is None and r["theil_sen"] is None
    assert "5" in r["reason"]
    # suppressed waves (None) do not count
    r = series_trend({1: 0.1, 2: None, 3: 0.3, 4: 0.4, 5: 0.5})
    assert r["n_waves"] == 4 and r["mann_kendall"] is None
    r = series_trend([("2021", 0.1), ("2022", 0.2), ("2023", 0.3), ("2024", 0.4), ("2025", 0.5)])
    assert r["mann_kendall"]["s"] == 10
    assert r["theil_sen"]["slope"] == pytest.approx(0.1)   # per wave (rank)


# -- cells --------------------------------------------------------------------------------
def test_bootstrap_ci_contains_truth_and_narrows_with_data():
    rng = random.Random(1)
    big = make_records(rng, 3000, 0.5, 0.3)            # true net tone -0.2
    small = make_records(rng, 150, 0.5, 0.3, start=10_000)
    (cb,) = trend_table(big)
    (cs,) = trend_table(small)
    lo, hi = cb["net_tone_ci"]
    assert lo < -0.2 < hi
    assert lo <= cb["net_tone"] <= hi
    assert (hi - lo) < (cs["net_tone_ci"][1] - cs["net_tone_ci"][0]) / 3
    # about 2 * 1.96 * sd / sqrt(n), sd of the signs ~ 0.87
    assert (hi - lo) == pytest.approx(2 * 1.96 * 0.87 / math.sqrt(3000), rel=0.15)


def test_bootstrap_is_deterministic_and_per_cell():
    rng = random.Random(2)
    a = make_records(rng, 60, 0.5, 0.2, quartier="Sanitas")
    b = make_records(rng, 60, 0.3, 0.3, quartier="Rabière")
    only_a = trend_table(a, seed=7)
    both = trend_table(a + b, seed=7)
    assert trend_table(a, seed=7) == only_a
    assert [c for c in both if c["quartier"] == "Sanitas"] == only_a
    assert trend_table(a, seed=8)[0]["net_tone_ci"] != only_a[0]["net_tone_ci"]


def test_bootstrap_means_matches_resampling_moments():
    import numpy as np

    vals = [-1] * 50 + [0] * 20 + [1] * 30
    boot = bootstrap_means(vals, 4000, np.random.default_rng(0))
    assert boot.mean() == pytest.approx(-0.2, abs=0.01)
    assert boot.std() == pytest.approx(np.std(vals) / math.sqrt(100), rel=0.1)


def test_small_cells_are_suppressed():
    rng = random.Random(4)
    recs = make_records(rng, 9, 0.5, 0.3, quartier="Fontaines")
    recs += make_records(rng, 10, 0.5, 0.3, quartier="Sanitas", start=100)
    cells = {c["quartier"]: c for c in trend_table(recs)}
    small, ok = cells["Fontaines"], cells["Sanitas"]
    assert small["suppressed"] is True
    for k in ("n_contributions", "n_mentions", "share_negative", "share_positive", "net_tone",
              "net_tone_ci"):
        assert small[k] is None
    assert small["institution"] == "caf" and small["wave"] == 1
    assert ok["suppressed"] is False and ok["n_contributions"] == 10
    # the threshold is a parameter
    assert trend_table(recs, min_contributions=5)[0]["suppressed"] is False


def test_contribution_mentioning_twice_counts_once():
    recs = [{"contribution": "c0", "institution": "caf", "quartier": "Q", "wave": 1,
             "stance": "negative"}] * 2
    recs += [{"contribution": f"c{k}", "institution": "caf", "quartier": "Q", "wave": 1,
              "stance": "positive"} for k in range(1, 10)]
    (cell,) = trend_table(recs)
    assert cell["n_contributions"] == 10
    assert cell["n_mentions"] == 11
    assert cell["share_negative"] == pytest.approx(0.1)
    assert cell["share_positive"] == pytest.approx(0.9)
    assert cell["net_tone"] == pytest.approx(0.8)


def test_stance_of_a_contribution_is_the_sign_of_its_mentions():
    base = {"institution": "caf", "quartier": "Q", "wave": 1}
    recs = []
    recs += [dict(base, contribution="neg", stance=s) for s in ("negative", "negative", "positive")]
    recs += [dict(base, contribution="tie", stance=s) for s in ("negative", "positive")]
    recs += [dict(base, contribution="neu", stance="neutral")]
    recs += [dict(base, contribution_id=f"p{k}", stance="positive") for k in range(7)]
    (cell,) = trend_table(recs)
    assert cell["n_contributions"] == 10
    assert cell["share_negative"] == pytest.approx(0.1)
    assert cell["share_neutral"] == pytest.approx(0.2)
    assert cell["share_positive"] == pytest.approx(0.7)


def test_where_filter_and_other_groupings():
    rng = random.Random(6)
    recs = make_records(rng, 40, 0.5, 0.3)
    for k, r in enumerate(recs):
        r["gender"] = "f" if int(r["contribution"].split("-")[1]) % 2 else "m"
    women = trend_table(recs, by=("institution", "wave"), where={"gender": "f"})
    assert women[0]["n_contributions"] == 20
    by_gender = trend_table(recs, by="gender")
    assert [c["gender"] for c in by_gender] == ["f", "m"]
    with pytest.raises(ValueError):
        trend_table([{"contribution": 1, "institution": "caf", "stance": "angry"}])


# -- change between two waves -------------------------------------------------------------
def test_wave_change_with_interval():
    recs = exact_records(160, 320, 320, wave="2024")           # net tone +0.2
    recs += exact_records(400, 240, 160, wave="2025")          # net tone -0.3
    recs += exact_records(700, 100, 0, institution="mairie", wave="2025")
    r = wave_change(recs, "caf", "2024", "2025")
    assert r["suppressed"] is False
    assert r["n_a"] == 800 and r["n_b"] == 800
    assert r["change"] == pytest.approx(r["net_tone_b"] - r["net_tone_a"])
    assert r["net_tone_a"] == pytest.approx(0.2) and r["net_tone_b"] == pytest.approx(-0.3)
    assert r["change"] == pytest.approx(-0.5)
    lo, hi = r["change_ci"]
    assert lo < -0.5 < hi
    assert hi < 0
    # sd of the difference: sqrt(0.56/800 + 0.61/800) ~ 0.038
    assert (hi - lo) == pytest.approx(2 * 1.96 * math.sqrt((0.56 + 0.61) / 800), rel=0.15)
    assert wave_change(recs, "caf", "2024", "2025") == r       # deterministic
    same = wave_change(recs, "caf", "2024", "2024")
    assert same["change"] == 0.0
    assert same["change_ci"][0] < 0 < same["change_ci"][1]


def test_wave_change_suppressed_when_either_side_is_small():
    rng = random.Random(10)
    recs = make_records(rng, 50, 0.2, 0.4, wave=1)
    recs += make_records(rng, 9, 0.5, 0.2, wave=2)
    recs += make_records(rng, 30, 0.5, 0.2, wave=2, quartier="Rabière", start=500)
    r = wave_change(recs, "caf", 1, 2, quartier="Sanitas")
    assert r["suppressed"] is True
    assert r["change"] is None and r["change_ci"] is None and r["n_b"] is None
    assert wave_change(recs, "caf", 1, 2)["suppressed"] is False    # all quartiers: 39


def test_mention_records_from_texts():
    rows = [
        {"id": 1, "text": "La CAF répond jamais, par contre le centre social est au top",
         "quartier": "Sanitas", "wave": 1},
        {"id": 2, "text": "Rien à dire.", "quartier": "Sanitas", "wave": 1},
    ]
    recs = mention_records(rows)
    got = {(r["contribution"], r["institution"], r["stance"]) for r in recs}
    assert got == {(1, "caf", "negative"), (1, "centre_social", "positive")}
    assert all(r["quartier"] == "Sanitas" and r["wave"] == 1 and "text" not in r for r in recs)
