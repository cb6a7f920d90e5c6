"""Opinion groups from agree / disagree / pass votes on short statements, the Pol.is way.

Plain data in, plain data out: no Flask, no database. The method follows Pol.is's
open-source math (compdemocracy/polis, ``math/src/polismath/math``) and is described with
its parameters and measured figures in ``docs/opinion-groups.md``:

1. Vote matrix: participants x statements, agree = 1, disagree = -1, pass = 0, missing =
   not voted. A re-vote replaces the earlier one (last in input order wins). Statements
   moderated out (``excluded_statements``) are dropped before anything else; meta
   statements (``meta_statements``) are left out of steps 2-4 and 6-7 but counted in 5.
2. Who is clustered ("in conversation"): participants with at least
   ``min(min_votes, number of statements)`` votes (Pol.is: 7). When that leaves fewer than
   ``min_clustered`` (Pol.is: 15) people, the most active other voters are added. Once
   in, a participant stays in at later updates (Pol.is's ``in-conv``, conversation.clj:
   early voters topped up into the first 15 keep their place); ``k_state["in_conv"]``
   carries that set between updates.
3. PCA to 2 components (scikit-learn) fitted on every voter, missing votes imputed with
   the statement's mean; a participant's position uses only the statements they voted on,
   scaled by ``sqrt(n_statements / n_votes)`` so that people who voted on few statements
   are not all pulled to the centre (Pol.is's sparsity-aware projection).
4. Above ``base_clusters`` (100) clustered people, k-means first makes 100 base clusters
   and the groups are k-means of their centres weighted by size (Pol.is); below, k-means
   of the people. k = 2..5, at most ``2 + n_units // 12`` (Pol.is's cap); the best
   silhouette wins (weighted over base clusters, as Pol.is). Pol.is smooths k over
   successive updates (``group-k-smoother``, conversation.clj): a new best k replaces the
   shown one only once it has won ``K_BUFFER`` (4) updates in a row. ``k_state`` carries
   that memory between calls (``result.k_state``, for the caller to keep); without it a
   computation is Pol.is's first update. Groups are numbered by decreasing size.
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

import hashlib
import json
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, silhouette_score
from threadpoolctl import threadpool_limits

AGREE, DISAGREE, PASS = 1, -1, 0
Z_90 = 1.2816  # one-sided 90 % normal quantile, as in Pol.is
BASE_CLUSTERS = 100  # Pol.is: above this many clustered people, k-means of base clusters
K_BUFFER = 4  # Pol.is's group-k-buffer: updates in a row a new k must win before it is shown


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
    best_k: int | None = None  # the k with the best silhouette this time (shown k: len(groups))
    # Pol.is's memory between updates (k smoother, in-conversation set), to pass back as
    # ``k_state`` at the next update; JSON-able.
    k_state: dict | None = None

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


def compute_opinion_groups(votes: Iterable[tuple], excluded_statements: Iterable = (),
                           meta_statements: Iterable = (), **options) -> OpinionGroups:
    """Opinion groups from (participant_id, statement_id, value) triples.

    value: 1 agree, -1 disagree, 0 pass. Ids may be any hashable (sorted when sortable).
    ``excluded_statements``: statements moderated out; their votes are ignored.
    ``meta_statements``: kept in the counts, left out of everything else.
    ``options``: those of :func:`opinion_groups_from_matrix` (k_range, seed, min_votes...).
    """
    matrix, participant_ids, statement_ids = vote_matrix(votes, excluded_statements)
    return opinion_groups_from_matrix(matrix, participant_ids, statement_ids,
                                      meta_statements=meta_statements, **options)


def opinion_groups_from_matrix(
    matrix: np.ndarray,
    participant_ids: Sequence,
    statement_ids: Sequence,
    *,
    meta_statements: Iterable = (),
    k_range: Iterable[int] = range(2, 6),
    seed: int = 0,
    min_votes: int = 7,
    min_clustered: int = 15,
    base_clusters: int = BASE_CLUSTERS,
    n_init: int = 10,
    max_consensus: int | None = 5,
    max_representative: int = 5,
    k_state: dict | None = None,
    k_buffer: int = K_BUFFER,
) -> OpinionGroups:
    """Same as :func:`compute_opinion_groups` on a dense matrix (NaN = not voted).

    ``meta_statements``: statements about the conversation itself ("I live in Paris"):
    left out of the participant filter, the PCA, the clustering, consensus and
    representative statements, but their per-group counts are given.
    ``k_state``: ``result.k_state`` of the previous update (None: first update). The
    shown k changes only after a new k has had the best silhouette ``k_buffer`` updates
    in a row; the same votes again are the same update (the streak does not grow).
    """
    matrix = np.asarray(matrix, dtype=float)
    n_participants, n_statements = matrix.shape
    if n_participants != len(participant_ids) or n_statements != len(statement_ids):
        raise ValueError("matrix shape does not match the ids")
    voted = ~np.isnan(matrix)
    if not np.isin(matrix[voted], (AGREE, DISAGREE, PASS)).all():
        raise ValueError("votes must be 1 (agree), -1 (disagree), 0 (pass) or NaN (not voted)")
    meta = set(meta_statements)
    opinion = np.array([s not in meta for s in statement_ids], dtype=bool)
    n_votes = voted[:, opinion].sum(axis=1)

    already_in = set((k_state or {}).get("in_conv") or ())
    previously = np.array([p in already_in for p in participant_ids], dtype=bool)
    clustered = _in_conversation(n_votes, int(opinion.sum()), min_votes, min_clustered, previously)
    n_clustered = int(clustered.sum())
    in_conv = [participant_ids[i] for i in np.flatnonzero(clustered)]
    empty = OpinionGroups(groups=[], consensus=[], representative={},
                          n_participants_clustered=n_clustered,
                          k_state={**(k_state or {}), "in_conv": in_conv})
    if n_clustered == 0 or not opinion.any():
        return empty

    # One thread for BLAS and OpenMP: scikit-learn's k-means on a few hundred points is
    # 5-10 times slower when its threads compete with the app server's for the cores,
    # and the whole 2,000 x 500 computation took 1.5 s wall with OpenBLAS's 2 threads
    # against 0.4 s with one, under load on 2 cores (measured, bench/opinion_groups.py).
    with threadpool_limits(limits=1):
        # PCA fitted on every voter (Pol.is), positions for the clustered ones only.
        points = _project(matrix[:, opinion], voted[:, opinion], n_votes, clustered, seed)
        clusterings = _clusterings(points, k_range, seed, n_init, base_clusters)
    if not clusterings:
        labels, silhouette, best_k, new_state = np.zeros(len(points), dtype=np.int64), None, None, k_state or {}
    else:
        best_k = best_k_of(clusterings)
        new_state = smooth_k(k_state, best_k, sorted(clusterings), k_buffer,
                             _fingerprint(matrix, participant_ids, statement_ids))
        labels, silhouette = clusterings[new_state["smoothed_k"]]
    new_state = {**new_state, "in_conv": in_conv}

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

    # Meta statements say who people are, not what they think: no consensus, no repness.
    opinion_ids = [s for s, keep in zip(statement_ids, opinion) if keep]
    consensus, scores = _consensus(agree[:, opinion], seen[:, opinion], opinion_ids, max_consensus)
    details = _representative(agree[:, opinion], disagree[:, opinion], seen[:, opinion],
                              opinion_ids, max_representative)

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
        best_k=best_k,
        k_state=new_state,
    )


def _in_conversation(n_votes, n_statements, min_votes, min_clustered, previously=None):
    """Pol.is's rule: those in at the previous update, and those with at least
    min(7, n_statements) votes; top up to 15 with the most active."""
    clustered = n_votes >= min(min_votes, n_statements)
    if previously is not None:
        clustered |= previously
    clustered &= n_votes > 0
    missing = min_clustered - int(clustered.sum())
    if missing > 0:
        others = np.flatnonzero(~clustered & (n_votes > 0))
        others = others[np.argsort(-n_votes[others], kind="stable")][:missing]
        clustered[others] = True
    return clustered


def _project(matrix, voted, n_votes, clustered, seed):
    """Sparsity-aware 2-D PCA projection (Pol.is's pca.clj, red-dwarf's pipeline).

    The PCA is fitted on every participant who voted, missing votes imputed by the
    statement's mean (so they add nothing once centred); the clustered participants'
    positions are scaled by ``sqrt(n_statements / n_votes)`` so that people who voted on
    few statements are not all pulled to the centre.
    """
    n_statements = matrix.shape[1]
    voters = n_votes > 0
    counts = voted[voters].sum(axis=0)
    means = np.where(voted[voters], matrix[voters], 0.0).sum(axis=0) / np.maximum(counts, 1)
    imputed = np.where(voted, matrix, means)
    n_comps = min(2, int(voters.sum()), n_statements)
    if not np.ptp(imputed[voters], axis=0).any():
        return np.zeros((int(clustered.sum()), 2))  # everyone voted alike: one point
    # covariance_eigh: eigenvectors of the statements x statements covariance, several
    # times faster than an SVD on tall matrices (2,000 x 500: 0.05 s against 0.3 s).
    solver = "covariance_eigh" if voters.sum() > n_statements else "full"
    pca = PCA(n_components=n_comps, svd_solver=solver, random_state=seed).fit(imputed[voters])
    points = pca.transform(imputed[clustered])
    if n_comps < 2:
        points = np.hstack([points, np.zeros((len(points), 2 - n_comps))])
    scale = np.sqrt(n_statements / np.maximum(n_votes[clustered], 1))
    return points * scale[:, None]


def _clusterings(points, k_range, seed, n_init, base_clusters):
    """Pol.is's two-level k-means for every candidate k, with each one's silhouette.

    Above ``base_clusters`` participants, k-means first summarises them in
    ``base_clusters`` base clusters, and the groups are k-means of the base clusters'
    centres weighted by their sizes (Pol.is's conversation.clj); below, the groups are
    k-means of the participants. k goes up to ``2 + n_units // 12`` (Pol.is's cap, with
    n_units the number of base clusters or participants). The silhouette is computed on
    what is clustered: the base clusters weighted by their sizes, as Pol.is does
    (scikit-learn's silhouette_score has no weights), else scikit-learn's on the people.
    Returns {k: (labels per participant, silhouette)}; empty when no k makes 2 groups.
    """
    n = len(points)
    units, weights, member_of = points, None, np.arange(n)
    if base_clusters and n > base_clusters:
        base = KMeans(base_clusters, n_init=1, random_state=seed).fit(points)
        member_of = base.labels_
        weights = np.bincount(member_of, minlength=base_clusters).astype(float)
        keep = weights > 0
        remap = np.cumsum(keep) - 1
        units, weights, member_of = base.cluster_centers_[keep], weights[keep], remap[member_of]
    n_units = len(np.unique(units, axis=0))
    max_k = 2 + len(units) // 12
    candidates = [k for k in sorted(set(k_range)) if 2 <= k <= min(max_k, n_units)]
    if weights is not None and candidates:
        distances = np.linalg.norm(units[:, None, :] - units[None, :, :], axis=2)
    result = {}
    for k in candidates:
        groups = KMeans(k, n_init=n_init, random_state=seed).fit(units, sample_weight=weights)
        if len(np.unique(groups.labels_)) < 2:
            continue
        labels = groups.labels_[member_of]
        if weights is not None:
            score = weighted_silhouette(distances, groups.labels_, weights)
        else:
            score = float(silhouette_score(points, labels))
        result[k] = (labels, score)
    return result


def best_k_of(clusterings: dict) -> int:
    """The k with the best silhouette; on a tie the smaller k."""
    return min(clusterings, key=lambda k: (-clusterings[k][1], k))


def smooth_k(state: dict | None, best_k: int, available: Sequence[int], buffer: int = K_BUFFER,
             fingerprint: str | None = None) -> dict:
    """Pol.is's ``group-k-smoother`` (math/src/polismath/math/conversation.clj).

    ``state``: ``{"last_k", "last_k_count", "smoothed_k", "votes"}`` from the previous
    update, or None. The best k's streak grows when it was also last update's best,
    else restarts at 1; the shown ``smoothed_k`` becomes the best k once the streak
    reaches ``buffer``, else stays (the first update shows its best k). A shown k that
    is no longer computable (fewer base clusters) is clamped into ``available``, as
    Pol.is's fix for stale smoothed k does. ``fingerprint`` identifies the votes: the
    same votes again are not a new update, so the streak does not grow.
    """
    state = dict(state or {})
    last_k, count, shown = state.get("last_k"), int(state.get("last_k_count") or 0), state.get("smoothed_k")
    if fingerprint is not None and fingerprint == state.get("votes") and last_k == best_k:
        this_count = max(count, 1)
    else:
        this_count = count + 1 if last_k == best_k else 1
    if this_count >= buffer or shown is None:
        shown = best_k
    shown = min(max(int(shown), min(available)), max(available))
    if shown not in available:  # a gap in the candidates: the nearest available k
        shown = min(available, key=lambda k: (abs(k - shown), k))
    return {"last_k": int(best_k), "last_k_count": this_count, "smoothed_k": int(shown),
            "votes": fingerprint}


def _fingerprint(matrix, participant_ids, statement_ids) -> str:
    """Identifies a vote matrix, so that recomputing unchanged votes is not an update."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(np.ascontiguousarray(matrix).tobytes())
    digest.update(repr((list(participant_ids), list(statement_ids))).encode())
    return digest.hexdigest()


def weighted_silhouette(distances, labels, weights):
    """Mean silhouette of points standing for ``weights`` people each (Pol.is's base
    clusters): distances to a group are weighted means, the mean is weighted too.
    A point alone in its group scores 0, as in scikit-learn."""
    k = int(labels.max()) + 1
    onehot = np.zeros((len(labels), k))
    onehot[np.arange(len(labels)), labels] = weights
    mass = onehot.sum(axis=0)  # people per group
    summed = distances @ onehot  # n x k: weighted summed distance to each group
    rows = np.arange(len(labels))
    own = mass[labels] - weights  # the others of one's own group (same point: distance 0)
    a = summed[rows, labels] / np.where(own > 0, own, 1)
    others = summed / np.maximum(mass, 1e-12)
    others[rows, labels] = np.inf
    b = others.min(axis=1)
    denom = np.maximum(a, b)
    s = np.where((own > 0) & (denom > 0), (b - a) / np.where(denom > 0, denom, 1), 0.0)
    return float((s * weights).sum() / weights.sum())


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
    """Hubert & Arabie's adjusted Rand index of two labellings (scikit-learn's)."""
    if len(labels_a) != len(labels_b):
        raise ValueError("the labellings must have the same length")
    as_text = [str(x) for x in labels_a], [str(x) for x in labels_b]
    return float(adjusted_rand_score(*as_text))
