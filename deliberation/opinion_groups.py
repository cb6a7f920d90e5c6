"""Opinion groups from agree / disagree / pass votes on short statements, the Pol.is way.

Plain data in, plain data out: no Flask, no database. The method follows Pol.is's
open-source math (compdemocracy/polis, ``math/src/polismath/math``) and is described with
its parameters and measured figures in ``docs/opinion-groups.md``:

1. Vote matrix: participants x statements, agree = 1, disagree = -1, pass = 0, missing =
   not voted. A re-vote replaces the earlier one (last in input order wins). Statements
   moderated out (``excluded_statements``) are dropped before anything else.
2. Who is clustered ("in conversation"): participants with at least
   ``min(min_votes, number of statements)`` votes (Pol.is: 7). When that leaves fewer than
   ``min_clustered`` (Pol.is: 15) people, the most active other voters are added.
3. PCA to 2 components on the clustered participants (Pol.is uses every voter; the
   others' rows are mostly imputed values): missing votes are imputed with the
   statement's mean vote, the matrix is centred, the components are its top right
   singular vectors (numpy: eigenvectors of the statements x statements Gram matrix, or
   an SVD when there are fewer participants than statements). A participant's position
   uses only the statements they voted on, scaled by ``sqrt(n_statements / n_votes)`` so
   that people who voted on few statements are not all pulled to the centre.
4. k-means (``n_init`` k-means++ seedings from a seeded RNG, run side by side, lowest
   inertia kept) on the positions, for each k in ``k_range`` up to
   ``2 + n_clustered // 12`` (Pol.is's cap). The k with the best silhouette wins, except
   that a larger k must beat the best smaller one by more than ``k_margin`` (0.02):
   differences of a hundredth are noise and fewer groups are easier to read (Pol.is
   gets a similar stickiness from only changing k after it wins 4 updates in a row).
   Groups are numbered by decreasing size.
5. Per group and statement: agree / disagree / pass counts.
6. Consensus (Pol.is "group-aware consensus"): each group's probability of agreeing,
   ``(agrees + 1) / (votes + 2)`` (votes include passes). A statement is consensus when
   that probability is above 0.5 in every group (a strict majority of each group's voters
   agreed); consensus statements are ranked by the product of the groups' probabilities
   and the best ``max_consensus`` are kept.
7. Representative statements per group (Pol.is "repness"): for agreeing and for
   disagreeing, the group's probability ``p = (n + 1) / (votes + 2)``, its ratio to the
   same probability among all other clustered participants, and two one-sided z-tests
   (p against 0.5; the group's proportion against the others'). A statement represents
   a group when both z-values exceed 1.2816 (90 %) in one direction; they are ranked by
   ``ratio * z_ratio * p * z_p`` and the best ``max_representative`` kept. When no
   statement passes, the one with the highest z_ratio is kept so every group has one.
"""
from __future__ import annotations

import json
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np

AGREE, DISAGREE, PASS = 1, -1, 0
Z_90 = 1.2816  # one-sided 90 % normal quantile, as in Pol.is
SILHOUETTE_SAMPLE = 4000  # beyond, silhouettes use a seeded sample (memory: n * n floats)


@dataclass(frozen=True)
class Group:
    id: int
    members: list


@dataclass(frozen=True)
class VoteCounts:
    agree: int
    disagree: int
    passed: int

    @property
    def total(self) -> int:
        return self.agree + self.disagree + self.passed


@dataclass(frozen=True)
class RepresentativeStatement:
    statement_id: Hashable
    direction: str  # "agree" or "disagree": what the group does more than the others
    probability: float  # (n + 1) / (votes + 2) within the group
    ratio: float  # the group's probability over the others'
    z_probability: float  # one-sided test of the group's proportion against 0.5
    z_ratio: float  # one-sided two-proportion test, group against the others
    n_success: int
    n_trials: int


@dataclass
class OpinionGroups:
    groups: list[Group]
    consensus: list
    representative: dict[int, list]
    n_participants_clustered: int
    counts: dict[int, dict[Hashable, VoteCounts]] = field(default_factory=dict)
    consensus_scores: dict[Hashable, float] = field(default_factory=dict)
    representative_details: dict[int, list[RepresentativeStatement]] = field(default_factory=dict)
    positions: dict[Hashable, tuple[float, float]] = field(default_factory=dict)
    silhouette: float | None = None

    def group_of(self) -> dict:
        """participant id -> group id, for clustered participants."""
        return {member: group.id for group in self.groups for member in group.members}

    def to_dict(self) -> dict:
        return {
            "groups": [{"id": g.id, "members": list(g.members)} for g in self.groups],
            "consensus": list(self.consensus),
            "n_participants_clustered": self.n_participants_clustered,
            "representative": {str(gid): list(ids) for gid, ids in self.representative.items()},
        }

    def to_json(self, **dumps_kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **dumps_kwargs)


def _natural(value):
    """Sort key: numbers and digit strings by value ("9" before "10"), then the rest."""
    if isinstance(value, str) and value.isdigit():
        return (0, int(value), "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value, "")
    return (1, 0, value)


def _ordered(ids: Iterable) -> list:
    """Distinct ids in a stable order (natural sort; first appearance if not sortable)."""
    unique = list(dict.fromkeys(ids))
    try:
        return sorted(unique, key=_natural)
    except TypeError:
        return unique


def vote_matrix(votes: Iterable[tuple], excluded_statements: Iterable = ()):
    """(participant, statement, value) triples -> (matrix, participant_ids, statement_ids).

    The matrix is float, NaN where a participant did not vote. Later triples for the same
    participant and statement replace earlier ones.
    """
    excluded = set(excluded_statements)
    votes = votes if isinstance(votes, (list, tuple)) else list(votes)
    if votes and set(map(len, votes)) != {3}:
        raise ValueError("each vote must be a (participant_id, statement_id, value) triple")
    # Three passes beat zip(*votes), which unpacks every vote as an argument.
    participants = list(map(itemgetter(0), votes))
    statements = list(map(itemgetter(1), votes))
    values = list(map(itemgetter(2), votes))
    if excluded:
        kept = [i for i, s in enumerate(statements) if s not in excluded]
        participants = [participants[i] for i in kept]
        statements = [statements[i] for i in kept]
        values = [values[i] for i in kept]
    participant_ids = _ordered(participants)
    statement_ids = _ordered(statements)
    values = np.asarray(values, dtype=float)
    valid = np.isin(values, (AGREE, DISAGREE, PASS))
    if not valid.all():
        raise ValueError("a vote must be 1 (agree), -1 (disagree) or 0 (pass), "
                         f"not {values[~valid][0]!r}")
    p_index = {p: i for i, p in enumerate(participant_ids)}
    s_index = {s: j for j, s in enumerate(statement_ids)}
    rows = np.fromiter(map(p_index.__getitem__, participants), dtype=np.int64, count=len(participants))
    cols = np.fromiter(map(s_index.__getitem__, statements), dtype=np.int64, count=len(statements))
    n_statements = len(statement_ids)
    matrix = np.full((len(participant_ids), n_statements), np.nan)
    if values.size:
        cells = rows * n_statements + cols
        # Keep the last vote for each cell: first occurrence in the reversed sequence.
        _, first_in_reversed = np.unique(cells[::-1], return_index=True)
        keep = len(cells) - 1 - first_in_reversed
        matrix.flat[cells[keep]] = values[keep]
    return matrix, participant_ids, statement_ids


def compute_opinion_groups(votes: Iterable[tuple], excluded_statements: Iterable = (), **options) -> OpinionGroups:
    """Opinion groups from (participant_id, statement_id, value) triples.

    value: 1 agree, -1 disagree, 0 pass. Ids may be any hashable (sorted when sortable).
    ``excluded_statements``: statements moderated out; their votes are ignored.
    ``options``: those of :func:`opinion_groups_from_matrix` (k_range, seed, min_votes...).
    """
    matrix, participant_ids, statement_ids = vote_matrix(votes, excluded_statements)
    return opinion_groups_from_matrix(matrix, participant_ids, statement_ids, **options)


def opinion_groups_from_matrix(
    matrix: np.ndarray,
    participant_ids: Sequence,
    statement_ids: Sequence,
    *,
    k_range: Iterable[int] = range(2, 6),
    seed: int = 0,
    min_votes: int = 7,
    min_clustered: int = 15,
    n_init: int = 25,
    k_margin: float = 0.02,
    max_consensus: int | None = 5,
    max_representative: int = 5,
) -> OpinionGroups:
    """Same as :func:`compute_opinion_groups` on a dense matrix (NaN = not voted)."""
    matrix = np.asarray(matrix, dtype=float)
    n_participants, n_statements = matrix.shape
    if n_participants != len(participant_ids) or n_statements != len(statement_ids):
        raise ValueError("matrix shape does not match the ids")
    voted = ~np.isnan(matrix)
    if not np.isin(matrix[voted], (AGREE, DISAGREE, PASS)).all():
        raise ValueError("votes must be 1 (agree), -1 (disagree), 0 (pass) or NaN (not voted)")
    n_votes = voted.sum(axis=1)

    clustered = _in_conversation(n_votes, n_statements, min_votes, min_clustered)
    n_clustered = int(clustered.sum())
    empty = OpinionGroups(groups=[], consensus=[], representative={},
                          n_participants_clustered=n_clustered)
    if n_clustered == 0 or n_statements == 0:
        return empty

    # PCA on the clustered participants only: the others' rows are mostly imputed means.
    points = _project(matrix[clustered], voted[clustered], n_votes[clustered])
    labels, silhouette = _choose_clustering(points, k_range, seed, n_init, k_margin)

    # Number groups by decreasing size, ties by first member.
    k = int(labels.max()) + 1
    sizes = np.bincount(labels, minlength=k)
    first = np.array([np.flatnonzero(labels == g)[0] for g in range(k)])
    order = sorted(range(k), key=lambda g: (-sizes[g], first[g]))
    relabel = np.empty(k, dtype=np.int64)
    relabel[order] = np.arange(k)
    labels = relabel[labels]

    clustered_index = np.flatnonzero(clustered)
    groups = [Group(id=g, members=[participant_ids[i] for i in clustered_index[labels == g]])
              for g in range(k)]

    # Per group x statement counts, by matrix products on 0/1 indicator matrices.
    sub = matrix[clustered]
    onehot = np.zeros((len(labels), k))
    onehot[np.arange(len(labels)), labels] = 1.0
    agree = onehot.T @ (sub == AGREE)
    disagree = onehot.T @ (sub == DISAGREE)
    passed = onehot.T @ (sub == PASS)
    seen = agree + disagree + passed

    counts = {
        g: {s: VoteCounts(int(agree[g, j]), int(disagree[g, j]), int(passed[g, j]))
            for j, s in enumerate(statement_ids)}
        for g in range(k)
    }

    consensus, scores = _consensus(agree, seen, statement_ids, max_consensus)
    details = _representative(agree, disagree, seen, statement_ids, max_representative)

    return OpinionGroups(
        groups=groups,
        consensus=consensus,
        representative={g: [r.statement_id for r in reps] for g, reps in details.items()},
        n_participants_clustered=n_clustered,
        counts=counts,
        consensus_scores=scores,
        representative_details=details,
        positions={participant_ids[i]: (float(x), float(y))
                   for i, (x, y) in zip(clustered_index, points)},
        silhouette=silhouette,
    )


def _in_conversation(n_votes, n_statements, min_votes, min_clustered):
    """Pol.is's rule: at least min(7, n_statements) votes; top up to 15 with the most active."""
    clustered = n_votes >= min(min_votes, n_statements)
    clustered &= n_votes > 0
    missing = min_clustered - int(clustered.sum())
    if missing > 0:
        others = np.flatnonzero(~clustered & (n_votes > 0))
        others = others[np.argsort(-n_votes[others], kind="stable")][:missing]
        clustered[others] = True
    return clustered


def _project(matrix, voted, n_votes):
    """Sparsity-aware 2-D PCA projection of the given participants (Pol.is's pca.clj)."""
    n_statements = matrix.shape[1]
    filled = np.where(voted, matrix, 0.0)
    counts = voted.sum(axis=0)
    means = filled.sum(axis=0) / np.maximum(counts, 1)
    # Imputing the mean then centring leaves 0 where nobody voted.
    centred = np.where(voted, matrix - means, 0.0)
    n_comps = min(2, *centred.shape)
    if centred.shape[0] > centred.shape[1]:
        # Eigenvectors of the small statements x statements Gram matrix: the right
        # singular vectors, much cheaper than a full SVD on tall matrices.
        _, eigvecs = np.linalg.eigh(centred.T @ centred)
        comps = eigvecs[:, ::-1][:, :n_comps]
    else:
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        comps = vt[:n_comps].T
    # Deterministic signs: largest loading positive.
    signs = np.sign(comps[np.abs(comps).argmax(axis=0), np.arange(comps.shape[1])])
    comps = comps * np.where(signs == 0, 1.0, signs)
    if comps.shape[1] < 2:
        comps = np.hstack([comps, np.zeros((comps.shape[0], 2 - comps.shape[1]))])
    scale = np.sqrt(n_statements / np.maximum(n_votes, 1))
    return (centred @ comps) * scale[:, None]


def _kmeans(points, k, rng, n_init, max_iter=100):
    """Lloyd's k-means from n_init k-means++ seedings run side by side (vectorised);
    the run with the lowest inertia wins. None when no run kept k non-empty clusters."""
    n, dims = points.shape
    runs = np.arange(n_init)
    # k-means++ seeding, all runs at once: each new centre drawn with probability
    # proportional to the squared distance to the nearest centre chosen so far.
    centres = np.empty((n_init, k, dims))
    centres[:, 0] = points[rng.integers(n, size=n_init)]
    closest = ((points[None, :, :] - centres[:, :1, :]) ** 2).sum(axis=2)  # runs x n
    for c in range(1, k):
        cumulative = np.cumsum(closest, axis=1)
        total = cumulative[:, -1]
        draw = rng.random(n_init) * total
        picks = np.minimum((cumulative < draw[:, None]).sum(axis=1), n - 1)
        picks = np.where(total > 0, picks, rng.integers(n, size=n_init))
        centres[:, c] = points[picks]
        closest = np.minimum(closest, ((points[None, :, :] - centres[:, c:c + 1, :]) ** 2).sum(axis=2))
    labels = np.full((n_init, n), -1)
    offsets = (runs * k)[:, None]
    sq_norms = (points ** 2).sum(axis=1)
    tiled = [np.tile(points[:, d], n_init) for d in range(dims)]
    for _ in range(max_iter):
        # Squared distances, runs x k x n, by a matrix product rather than broadcasting;
        # the nearest centre by k - 1 comparisons (argmin over a short axis is slow).
        dist = (sq_norms[None, None, :] - 2.0 * np.matmul(centres, points.T)
                + (centres ** 2).sum(axis=2)[:, :, None])
        nearest = dist[:, 0].copy()
        new_labels = np.zeros((n_init, n), dtype=np.int64)
        for c in range(1, k):
            closer = dist[:, c] < nearest
            nearest[closer] = dist[:, c][closer]
            new_labels[closer] = c
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
        flat = (labels + offsets).ravel()
        mass = np.bincount(flat, minlength=n_init * k).reshape(n_init, k)
        sums = np.stack([np.bincount(flat, weights=w, minlength=n_init * k) for w in tiled],
                        axis=1).reshape(n_init, k, dims)
        # An emptied cluster keeps its centre (such runs are dropped below).
        centres = np.where(mass[:, :, None] > 0, sums / np.maximum(mass, 1)[:, :, None], centres)
    inertia = nearest.sum(axis=1)
    full = (mass > 0).all(axis=1)  # mass always describes the final labels
    if not full.any():
        return None
    best = int(np.flatnonzero(full)[np.argmin(inertia[full])])
    return labels[best]


def _silhouette(dist, labels, k):
    """Mean silhouette coefficient (0 for members of singleton clusters)."""
    n = len(labels)
    onehot = np.zeros((n, k), dtype=dist.dtype)
    onehot[np.arange(n), labels] = 1.0
    sizes = onehot.sum(axis=0)
    sums = (dist @ onehot).astype(float)  # n x k: summed distance to each cluster
    own = sizes[labels]
    a = sums[np.arange(n), labels] / np.maximum(own - 1, 1)
    others = sums / np.maximum(sizes, 1)
    others[np.arange(n), labels] = np.inf
    b = others.min(axis=1)
    denom = np.maximum(a, b)
    s = np.where((own > 1) & (denom > 0), (b - a) / np.where(denom > 0, denom, 1), 0.0)
    return float(s.mean())


def _choose_clustering(points, k_range, seed, n_init, k_margin):
    """k-means for each candidate k; the best silhouette wins, larger k by a margin.

    Returns (labels, silhouette of the chosen clustering).
    """
    n = len(points)
    max_k = 2 + n // 12  # Pol.is's cap, so small conversations get few groups
    # (k above the number of distinct positions leaves a cluster empty: k-means says None.)
    candidates = [k for k in sorted(set(k_range)) if 2 <= k <= min(max_k, n)]
    if not candidates:
        return np.zeros(n, dtype=np.int64), None
    # Silhouettes over at most SILHOUETTE_SAMPLE people (a seeded sample beyond), so the
    # distance matrix stays small; float32 is ample precision for it.
    sample = np.arange(n)
    if n > SILHOUETTE_SAMPLE:
        sample = np.sort(np.random.default_rng([seed, 1_000]).choice(n, SILHOUETTE_SAMPLE, replace=False))
    xy = points[sample].astype(np.float32)
    dist = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    best_labels, best_score = None, -np.inf
    for k in candidates:
        labels = _kmeans(points, k, np.random.default_rng([seed, k]), n_init)
        if labels is None:
            continue
        score = _silhouette(dist, labels[sample], k)
        # A finer partition must be clearly better: silhouette differences of a
        # hundredth are noise, and fewer groups are easier to read.
        if best_labels is None or score > best_score + k_margin:
            best_labels, best_score = labels, score
    if best_labels is None:
        return np.zeros(n, dtype=np.int64), None
    return best_labels, best_score


def _consensus(agree, seen, statement_ids, max_consensus):
    probability = (agree + 1.0) / (seen + 2.0)  # groups x statements
    product = probability.prod(axis=0)
    scores = {s: float(product[j]) for j, s in enumerate(statement_ids)}
    qualifying = np.flatnonzero((probability > 0.5).all(axis=0))
    ranked = sorted(qualifying, key=lambda j: (-product[j], j))
    if max_consensus is not None:
        ranked = ranked[:max_consensus]
    return [statement_ids[j] for j in ranked], scores


def prop_test(successes, trials):
    """One-sided z for a proportion against 0.5, with Pol.is's +1 smoothing."""
    successes, trials = np.asarray(successes) + 1.0, np.asarray(trials) + 1.0
    return 2.0 * np.sqrt(trials) * (successes / trials - 0.5)


def two_prop_test(succ_in, succ_out, n_in, n_out):
    """One-sided two-proportion z (group above the others), with Pol.is's +1 smoothing."""
    succ_in, succ_out = np.asarray(succ_in) + 1.0, np.asarray(succ_out) + 1.0
    n_in, n_out = np.asarray(n_in) + 1.0, np.asarray(n_out) + 1.0
    p1, p2 = succ_in / n_in, succ_out / n_out
    pooled = (succ_in + succ_out) / (n_in + n_out)
    var = pooled * (1.0 - pooled) * (1.0 / n_in + 1.0 / n_out)
    return np.where(var > 0, (p1 - p2) / np.sqrt(np.where(var > 0, var, 1.0)), 0.0)


def _representative(agree, disagree, seen, statement_ids, max_representative):
    rest_seen = seen.sum(axis=0) - seen
    result = {}
    directions = {}
    for name, success in (("agree", agree), ("disagree", disagree)):
        rest = success.sum(axis=0) - success
        p = (success + 1.0) / (seen + 2.0)
        p_rest = (rest + 1.0) / (rest_seen + 2.0)
        directions[name] = {
            "success": success, "p": p, "ratio": p / p_rest, "z_p": prop_test(success, seen),
            "z_ratio": two_prop_test(success, rest, seen, rest_seen)}
    for g in range(agree.shape[0]):
        chosen = []
        for j, s in enumerate(statement_ids):
            if seen[g, j] == 0:
                continue
            options = []
            for name, d in directions.items():
                if d["z_p"][g, j] > Z_90 and d["z_ratio"][g, j] > Z_90:
                    metric = d["ratio"][g, j] * d["z_ratio"][g, j] * d["p"][g, j] * d["z_p"][g, j]
                    options.append((metric, name))
            if options:
                metric, name = max(options)
                chosen.append((metric, j, name))
        chosen.sort(key=lambda item: (-item[0], item[1]))
        picks = [(j, name) for _, j, name in chosen[:max_representative]]
        if not picks:
            # Always one statement per group: the best two-proportion z in either direction.
            best = None
            for name, d in directions.items():
                z = np.where(seen[g] > 0, d["z_ratio"][g], -np.inf)
                j = int(np.argmax(z))
                if np.isfinite(z[j]) and (best is None or z[j] > best[0]):
                    best = (z[j], j, name)
            if best is not None:
                picks = [(best[1], best[2])]
        result[g] = [
            RepresentativeStatement(
                statement_id=statement_ids[j], direction=name,
                probability=float(directions[name]["p"][g, j]),
                ratio=float(directions[name]["ratio"][g, j]),
                z_probability=float(directions[name]["z_p"][g, j]),
                z_ratio=float(directions[name]["z_ratio"][g, j]),
                n_success=int(directions[name]["success"][g, j]),
                n_trials=int(seen[g, j]))
            for j, name in picks
        ]
    return result


def adjusted_rand_index(labels_a: Sequence, labels_b: Sequence) -> float:
    """Hubert & Arabie's adjusted Rand index of two labellings of the same items."""
    if len(labels_a) != len(labels_b):
        raise ValueError("the labellings must have the same length")
    n = len(labels_a)
    if n < 2:
        return 1.0
    _, a = np.unique(np.asarray(labels_a, dtype=object).astype(str), return_inverse=True)
    _, b = np.unique(np.asarray(labels_b, dtype=object).astype(str), return_inverse=True)
    table = np.zeros((a.max() + 1, b.max() + 1), dtype=np.int64)
    np.add.at(table, (a, b), 1)

    def pairs(x):
        return float((x * (x - 1) // 2).sum())

    index = pairs(table)
    rows, cols = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * cols / (n * (n - 1) / 2)
    maximum = (rows + cols) / 2
    if math.isclose(maximum, expected):
        return 1.0
    return (index - expected) / (maximum - expected)
