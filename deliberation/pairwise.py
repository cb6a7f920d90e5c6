"""Pairwise idea voting ("which do you prefer?"), ranked the All Our Ideas way.

Plain data in, plain data out: no Flask, no database.

Model: Bradley-Terry. Idea i has a strength ``exp(theta_i)`` and beats idea j with
probability ``sigmoid(theta_i - theta_j)``. An idea's score is the estimated chance that
it beats an idea drawn at random among the others:
``score_i = mean over j != i of sigmoid(theta_i - theta_j)`` (All Our Ideas shows it
times 100). 0.5 is an average idea.

* Weak prior: every idea gets ``prior_wins`` virtual wins and as many virtual losses
  against a phantom idea of strength 1 (theta = 0). This is a proper prior on theta
  (for 1 + 1 it is the logistic distribution), so an idea that never won stays finite
  and an idea nobody has seen sits at theta = 0 with a wide uncertainty.
* Fit: Hunter's (2004) MM algorithm for Bradley-Terry, with the phantom comparisons
  added, then Newton steps (the log-posterior is strictly concave) to the posterior mode.
* Uncertainty: a Laplace (Gaussian) approximation of the posterior on theta, the inverse
  of the negative log-posterior's Hessian at the mode; ``draws`` joint samples of theta
  from it (seeded RNG; fewer, at least 200, beyond about 150 ideas to bound the n * n
  work per draw) give each score's equal-tailed credible interval (95 % by default).
  More comparisons make the Hessian larger and the intervals narrower; an idea never
  compared keeps the prior's width, about 0.07 to 0.94 around 0.5.

``choose_pair`` picks the next pair to show: ideas with few comparisons are favoured
(weight ``1 / (1 + comparisons)``), the rest is random, the two ideas always differ,
pairs the voter has already seen are avoided while others remain, and the left / right
order is random so position bias averages out.
"""
from __future__ import annotations

import random
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .opinion_groups import _ordered


@dataclass(frozen=True)
class IdeaScore:
    idea: Hashable
    score: float  # estimated P(beats a random other idea), 0..1
    low: float  # credible interval on the score
    high: float
    strength: float  # theta, log of the Bradley-Terry strength (posterior mode)
    wins: int
    losses: int

    @property
    def comparisons(self) -> int:
        return self.wins + self.losses


@dataclass(frozen=True)
class BradleyTerryFit:
    ideas: list
    theta: np.ndarray  # posterior mode of the log-strengths
    covariance: np.ndarray  # Laplace approximation of the posterior covariance
    wins: np.ndarray  # wins[i, j]: times idea i beat idea j
    iterations: int


def fit_bradley_terry(comparisons: Iterable[tuple], ideas: Iterable = (), *,
                      prior_wins: float = 1.0, tol: float = 1e-10,
                      mm_iter: int = 50, max_newton: int = 100) -> BradleyTerryFit:
    """Posterior mode and Laplace covariance from (winner, loser) pairs.

    ``ideas`` adds ideas that may have no comparison yet. A pair of the same idea is
    rejected.
    """
    if prior_wins <= 0:
        raise ValueError("prior_wins must be positive (it keeps strengths finite)")
    comparisons = list(comparisons)
    for winner, loser in comparisons:
        if winner == loser:
            raise ValueError(f"an idea cannot be compared with itself: {winner!r}")
    ids = _ordered([*ideas, *(x for pair in comparisons for x in pair)])
    index = {idea: i for i, idea in enumerate(ids)}
    n = len(ids)
    wins = np.zeros((n, n))
    if comparisons:
        w = np.fromiter((index[a] for a, _ in comparisons), dtype=np.int64, count=len(comparisons))
        l_ = np.fromiter((index[b] for _, b in comparisons), dtype=np.int64, count=len(comparisons))
        np.add.at(wins, (w, l_), 1.0)
    games = wins + wins.T  # comparisons between i and j
    won = wins.sum(axis=1) + prior_wins

    def log_posterior(theta):
        diff = theta[:, None] - theta[None, :]
        return float(-(wins * np.logaddexp(0.0, -diff)).sum()
                     - prior_wins * (np.logaddexp(0.0, -theta) + np.logaddexp(0.0, theta)).sum())

    def hessian_at(theta):
        p = 1.0 / (1.0 + np.exp(-(theta[:, None] - theta[None, :])))
        info = games * p * (1.0 - p)
        hessian = -info
        s = 1.0 / (1.0 + np.exp(-theta))
        hessian[np.diag_indices(n)] = info.sum(axis=1) + 2.0 * prior_wins * s * (1.0 - s)
        return p, s, hessian

    # Hunter's MM iterations (monotone, safe from any start), then Newton steps on the
    # strictly concave log-posterior to finish quickly.
    strength = np.ones(n)
    iterations, change = 0, np.inf
    for iterations in range(1, mm_iter + 1):
        pair_sum = strength[:, None] + strength[None, :]
        denominator = (games / pair_sum).sum(axis=1) + 2.0 * prior_wins / (strength + 1.0)
        new = won / denominator
        change = np.abs(np.log(new) - np.log(strength)).max() if n else 0.0
        strength = new
        if change < tol:
            break
    theta = np.log(strength)
    if n and change >= tol:
        current = log_posterior(theta)
        for _ in range(max_newton):
            iterations += 1
            p, s, hessian = hessian_at(theta)
            gradient = won - (games * p).sum(axis=1) - 2.0 * prior_wins * s
            step = np.linalg.solve(hessian, gradient)
            scale = 1.0
            while scale > 1e-6:  # backtracking: never decrease the log-posterior
                candidate = theta + scale * step
                value = log_posterior(candidate)
                if value >= current - 1e-12:
                    break
                scale /= 2
            theta, current = candidate, value
            if np.abs(scale * step).max() < tol:
                break
    _, _, hessian = hessian_at(theta)
    covariance = np.linalg.inv(hessian) if n else np.zeros((0, 0))
    return BradleyTerryFit(ideas=ids, theta=theta, covariance=(covariance + covariance.T) / 2,
                           wins=wins, iterations=iterations)


def _scores(theta: np.ndarray) -> np.ndarray:
    """score_i = mean over j != i of sigmoid(theta_i - theta_j); theta may be (draws, n)."""
    n = theta.shape[-1]
    if n < 2:
        return np.full(theta.shape, 0.5)
    p = 0.5 + 0.5 * np.tanh(0.5 * (theta[..., :, None] - theta[..., None, :]))  # stable sigmoid
    return (p.sum(axis=-1) - 0.5) / (n - 1)  # the diagonal holds sigmoid(0) = 0.5


def rank_ideas(comparisons: Iterable[tuple], ideas: Iterable = (), *, prior_wins: float = 1.0,
               interval: float = 0.95, draws: int = 2000, seed: int = 0) -> list[IdeaScore]:
    """Ideas ranked by their chance of beating a random other idea, best first.

    comparisons: (winner, loser) pairs. ideas: every idea on offer, compared or not.
    """
    fit = fit_bradley_terry(comparisons, ideas, prior_wins=prior_wins)
    n = len(fit.ideas)
    if n == 0:
        return []
    point = _scores(fit.theta)
    rng = np.random.default_rng(seed)
    # Cholesky with a tiny jitter for safety; the covariance is positive definite.
    chol = np.linalg.cholesky(fit.covariance + 1e-12 * np.eye(n))
    # Each draw costs n * n; with many ideas fewer draws (never under 200) keep it quick.
    draws = max(1, min(draws, max(200, 50_000_000 // (n * n))))
    chunk = max(1, 2_000_000 // (n * n))
    samples = []
    for start in range(0, draws, chunk):
        size = min(chunk, draws - start)
        theta = fit.theta + rng.standard_normal((size, n)) @ chol.T
        samples.append(_scores(theta))
    samples = np.concatenate(samples) if samples else point[None, :]
    tail = (1.0 - interval) / 2.0
    low, high = np.quantile(samples, [tail, 1.0 - tail], axis=0)
    wins = fit.wins.sum(axis=1)
    losses = fit.wins.sum(axis=0)
    result = [
        IdeaScore(idea=fit.ideas[i], score=float(point[i]), low=float(min(low[i], point[i])),
                  high=float(max(high[i], point[i])), strength=float(fit.theta[i]),
                  wins=int(wins[i]), losses=int(losses[i]))
        for i in range(n)
    ]
    result.sort(key=lambda r: -r.score)
    return result


def choose_pair(ideas: Sequence, comparison_counts: Mapping | None = None, *,
                rng: random.Random | None = None,
                avoid: Collection[tuple] = ()) -> tuple:
    """The next two different ideas to show, as (left, right).

    comparison_counts: idea -> number of comparisons it has been in (missing = 0).
    avoid: pairs (in either order) not to show again, e.g. those this voter has seen;
    ignored once every pair has been seen. rng: injectable for reproducible tests.
    """
    rng = rng or random.Random()
    ideas = list(dict.fromkeys(ideas))
    if len(ideas) < 2:
        raise ValueError("at least two different ideas are needed")
    counts = comparison_counts or {}
    weights = [1.0 / (1.0 + counts.get(idea, 0)) for idea in ideas]
    position = {idea: i for i, idea in enumerate(ideas)}
    seen = {frozenset(pair) for pair in avoid}
    seen = {pair for pair in seen if len(pair) == 2 and all(x in position for x in pair)}
    seen_with = [0] * len(ideas)
    for pair in seen:
        for idea in pair:
            seen_with[position[idea]] += 1
    firsts = [i for i in range(len(ideas)) if seen_with[i] < len(ideas) - 1]
    if not firsts:  # every pair seen already: start again
        seen = set()
        firsts = list(range(len(ideas)))
    first = rng.choices(firsts, weights=[weights[i] for i in firsts])[0]
    seconds = [j for j in range(len(ideas))
               if j != first and frozenset((ideas[first], ideas[j])) not in seen]
    second = rng.choices(seconds, weights=[weights[j] for j in seconds])[0]
    pair = [ideas[first], ideas[second]]
    rng.shuffle(pair)
    return pair[0], pair[1]
