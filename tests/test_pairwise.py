"""Pairwise idea voting: Bradley-Terry ranking with intervals, and choosing the next pair."""
import math
import random
from collections import Counter

import numpy as np
import pytest

from deliberation.pairwise import choose_pair, fit_bradley_terry, rank_ideas


def simulate(strengths, n, seed=0):
    """n comparisons between random pairs, won according to Bradley-Terry."""
    rng = random.Random(seed)
    ideas = list(strengths)
    comparisons = []
    for _ in range(n):
        a, b = rng.sample(ideas, 2)
        p_a = 1 / (1 + math.exp(strengths[b] - strengths[a]))
        comparisons.append((a, b) if rng.random() < p_a else (b, a))
    return comparisons


TRUE = {"bancs": 0.0, "fontaine": 0.4, "jardin": 0.8, "eclairage": 1.2, "skatepark": -0.8,
        "navette": 2.5}


def test_planted_strong_idea_ranks_first_and_order_is_recovered():
    ranking = rank_ideas(simulate(TRUE, 1500))
    assert [r.idea for r in ranking] == sorted(TRUE, key=TRUE.get, reverse=True)
    best, second = ranking[0], ranking[1]
    assert best.idea == "navette"
    assert best.low > second.high  # clearly ahead, not just by luck
    for r in ranking:
        assert 0 < r.low <= r.score <= r.high < 1
    assert sum(r.score for r in ranking) == pytest.approx(len(ranking) / 2)  # scores average 0.5


def test_intervals_shrink_with_more_data():
    small = {r.idea: r for r in rank_ideas(simulate(TRUE, 150, seed=1))}
    large = {r.idea: r for r in rank_ideas(simulate(TRUE, 3000, seed=1))}
    for idea in TRUE:
        assert large[idea].high - large[idea].low < small[idea].high - small[idea].low
    # Same win rates, ten times the votes: narrower still, same order.
    base = simulate(TRUE, 200, seed=2)
    once = {r.idea: r for r in rank_ideas(base)}
    tenfold = {r.idea: r for r in rank_ideas(base * 10)}
    for idea in TRUE:
        assert tenfold[idea].high - tenfold[idea].low < 0.6 * (once[idea].high - once[idea].low)


def test_a_never_compared_idea_is_uncertain_around_one_half():
    ranking = {r.idea: r for r in rank_ideas(simulate(TRUE, 1000), ideas=["nouvelle idée"])}
    new = ranking["nouvelle idée"]
    assert new.comparisons == 0
    assert abs(new.score - 0.5) < 0.1
    assert new.low < 0.2 and new.high > 0.8
    assert new.high - new.low > 2 * max(r.high - r.low for r in ranking.values() if r.comparisons)


def test_an_idea_that_never_won_stays_finite():
    comparisons = [("a", "b")] * 5 + [("a", "c")] * 5 + [("b", "c")] * 3 + [("c", "b")] * 3
    ranking = {r.idea: r for r in rank_ideas(comparisons)}
    assert ranking["a"].losses == 0 and ranking["b"].wins == 3
    assert all(np.isfinite(r.strength) for r in ranking.values())
    assert ranking["a"].score > ranking["b"].score
    assert ranking["b"].score == pytest.approx(ranking["c"].score)


def test_fit_is_the_posterior_mode():
    """The gradient of an independently written log-posterior vanishes at the fit."""
    comparisons = simulate(TRUE, 300, seed=3) + [("navette", "bancs")] * 3
    fit = fit_bradley_terry(comparisons, prior_wins=1.0)

    def log_posterior(theta):
        index = {idea: i for i, idea in enumerate(fit.ideas)}
        total = sum(-math.log1p(math.exp(theta[index[b]] - theta[index[a]])) for a, b in comparisons)
        return total + sum(-math.log1p(math.exp(-t)) - math.log1p(math.exp(t)) for t in theta)

    eps = 1e-6
    for i in range(len(fit.ideas)):
        up, down = fit.theta.copy(), fit.theta.copy()
        up[i] += eps
        down[i] -= eps
        assert (log_posterior(up) - log_posterior(down)) / (2 * eps) == pytest.approx(0, abs=1e-5)


def test_ranking_is_reproducible_and_rejects_self_comparisons():
    comparisons = simulate(TRUE, 300)
    assert rank_ideas(comparisons, seed=4) == rank_ideas(comparisons, seed=4)
    with pytest.raises(ValueError):
        rank_ideas([("a", "a")])
    assert rank_ideas([]) == []
    [only] = rank_ideas([], ideas=["seule"])
    assert only.score == 0.5


def test_choose_pair_never_shows_the_same_idea_twice():
    rng = random.Random(0)
    for _ in range(1000):
        left, right = choose_pair(["a", "b", "c"], rng=rng)
        assert left != right
    with pytest.raises(ValueError):
        choose_pair(["a", "a"], rng=rng)


def test_choose_pair_favours_ideas_with_few_comparisons():
    rng = random.Random(1)
    counts = {"a": 200, "b": 200, "c": 200, "d": 0}
    shown = Counter(idea for _ in range(3000) for idea in choose_pair(list(counts), counts, rng=rng))
    assert shown["d"] > 2 * shown["a"]
    assert shown["a"] > 0  # the others still come up: random, not only the least seen
    # Left and right are balanced.
    lefts = Counter(choose_pair(list(counts), counts, rng=rng)[0] for _ in range(3000))
    assert 0.4 < lefts["d"] / shown["d"] < 0.6


def test_choose_pair_avoids_pairs_already_seen_and_is_reproducible():
    ideas = ["a", "b", "c"]
    for seed in range(50):
        pair = choose_pair(ideas, rng=random.Random(seed), avoid=[("a", "b"), ("c", "a")])
        assert set(pair) == {"b", "c"}
    # Every pair seen: start again rather than fail.
    assert len(set(choose_pair(ideas, rng=random.Random(0),
                               avoid=[("a", "b"), ("a", "c"), ("b", "c")]))) == 2
    first = [choose_pair(ideas, rng=random.Random(9)) for _ in range(5)]
    second = [choose_pair(ideas, rng=random.Random(9)) for _ in range(5)]
    assert first == second
