"""Trends in what residents say about institutions: per institution x quartier x wave.

Plain Python and numpy: plain records in, plain dicts out (JSON-ready: tuples aside).

    from insights.trends import trend_table, wave_change, series_from_cells, series_trend
    cells = trend_table(records)                      # by institution, quartier, wave
    cells_from_counts({("caf",): ((12, 3, 5), 24)}, by="institution")  # contributions counted elsewhere
    wave_change(records, "caf", "2024-1", "2025-1")   # change of net tone, with its 95 % CI
    series_trend(series_from_cells(cells, institution="caf", quartier="Sanitas"))

Records
-------
One record per mention of an institution in a contribution: a dict (or any object with
these attributes) with `contribution` (id; `contribution_id` is accepted too),
`institution` (code), `quartier`, `wave`, `stance` in {negative, neutral, positive}, and
optionally `gender`, `age` or any other field, usable in `by=` and `where=`.
`mention_records(contributions)` builds them from texts with the Analyzer.

Unit of analysis: the contribution
----------------------------------
Within a cell a contribution counts once, however often it names the institution. Its
stance in the cell is the sign of (number of positive mentions - number of negative
mentions): two negative mentions and one positive give negative, one of each gives
neutral, only neutral mentions give neutral. Then, over the contributions of the cell,
`share_negative` and `share_positive` are shares of contributions and
`net_tone = share_positive - share_negative` (in [-1, 1]; it is also the mean of the
contributions' signs). With a `by` that leaves out `institution`, the sign is taken over all
of a contribution's mentions in the cell (blaming one institution and praising another
gives neutral).

Uncertainty
-----------
95 % percentile bootstrap that resamples contributions (a cluster bootstrap: the mentions
of one contribution are never split), `n_boot` resamples, deterministic for a given `seed`.
Resampling n contributions with replacement from values taking k distinct values is
exactly a multinomial draw of the k counts with the observed shares, which is how it is
computed (memory O(n_boot x k) instead of O(n_boot x n)). Each cell gets its own random
stream derived from `seed` and the cell's key, so adding or filtering other cells does not
move its interval. `wave_change` resamples the two waves independently.

Small cells
-----------
A cell with fewer than `min_contributions` (default 10) contributions is returned with
`suppressed: True` and every figure, counts included, set to None (a count under 10 is
itself disclosive). `wave_change` is suppressed when either wave is under the threshold.

Trend over waves
----------------
`mann_kendall(values)` (S, tie-corrected variance, continuity-corrected Z, two-sided
normal p-value) and `theil_sen(xs, ys)` (median of pairwise slopes, Sen 1968 rank-based
95 % interval); `series_trend(series)` runs both once there are at least five waves with a
value: with four, even a perfectly monotone series has a two-sided Mann-Kendall p-value of
0.083 (exact) or 0.089 (the normal approximation used here), so below five only
`wave_change` is reported.
"""
import math
import zlib
from collections import defaultdict

import numpy as np

STANCES = ("negative", "neutral", "positive")
STANCE_SIGNS = {"negative": -1, "neutral": 0, "positive": 1}
_SIGN = STANCE_SIGNS
Z_95 = 1.959963984540054
MIN_CONTRIBUTIONS = 10
MIN_WAVES = 5

FIGURES = ("n_contributions", "n_mentions", "share_negative", "share_neutral",
           "share_positive", "net_tone", "net_tone_ci")


# -- records ------------------------------------------------------------------------------
def _field(record, name):
    if isinstance(record, dict):
        if name == "contribution" and name not in record:
            return record.get("contribution_id")
        return record.get(name)
    if name == "contribution" and not hasattr(record, name):
        return getattr(record, "contribution_id", None)
    return getattr(record, name, None)


def _stance(record):
    st = _field(record, "stance")
    if st not in _SIGN:
        raise ValueError(f"stance must be one of {STANCES}, got {st!r}")
    return _SIGN[st]


def _matches(record, where):
    if where is None:
        return True
    if callable(where):
        return bool(where(record))
    for name, wanted in where.items():
        value = _field(record, name)
        if isinstance(wanted, (set, frozenset, list, tuple)):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True


def mention_records(contributions, analyzer=None, text_field="text", id_field="id"):
    """One mention record per institution named in each contribution's text.

    `contributions`: dicts with `id`, `text`, and any other fields (quartier, wave, gender,
    age...) which are copied into each record. Text must already be free of personal data
    if the records are kept.
    """
    if analyzer is None:
        from .pipeline import Analyzer
        analyzer = Analyzer()
    out = []
    for row in contributions:
        extra = {k: v for k, v in row.items() if k not in (text_field, id_field)}
        analysis = analyzer.analyze(row.get(text_field) or "")
        for m in analysis.mentions:
            rec = dict(extra)
            rec.update(contribution=row.get(id_field), institution=m.code, stance=m.stance)
            out.append(rec)
    return out


def _contribution_signs(records):
    """{contribution: sign of (positive - negative) mentions}, and the number of mentions."""
    total = defaultdict(int)
    n_mentions = 0
    for r in records:
        total[_field(r, "contribution")] += _stance(r)
        n_mentions += 1
    signs = np.fromiter((1 if v > 0 else -1 if v < 0 else 0 for v in total.values()),
                        dtype=np.int8, count=len(total))
    return signs, n_mentions


# -- bootstrap ----------------------------------------------------------------------------
def _rng(seed, key):
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(repr(key).encode("utf-8"))])


def bootstrap_means(values, n_boot=2000, rng=None):
    """Means of `n_boot` resamples (with replacement, same size) of `values`.

    Exact nonparametric bootstrap computed as multinomial draws over the distinct values.
    """
    values = np.asarray(values, dtype=float)
    n = values.size
    if n == 0:
        raise ValueError("cannot bootstrap an empty sample")
    rng = rng if rng is not None else np.random.default_rng(0)
    uniq, counts = np.unique(values, return_counts=True)
    draws = rng.multinomial(n, counts / n, size=n_boot)
    return draws @ uniq / n


def _percentile_ci(boot, level=0.95):
    tail = (1.0 - level) / 2.0 * 100.0
    lo, hi = np.percentile(boot, [tail, 100.0 - tail])
    return (float(lo), float(hi))


# -- cells --------------------------------------------------------------------------------
def _sorted_keys(keys):
    try:
        return sorted(keys, key=lambda k: tuple((v is None, v) for v in k))
    except TypeError:
        return sorted(keys, key=repr)


def _cell_figures(signs, n_mentions, n_boot, rng):
    n = int(signs.size)
    neg = float(np.count_nonzero(signs < 0)) / n
    pos = float(np.count_nonzero(signs > 0)) / n
    boot = bootstrap_means(signs, n_boot, rng)
    return {
        "n_contributions": n,
        "n_mentions": n_mentions,
        "share_negative": neg,
        "share_neutral": 1.0 - neg - pos,
        "share_positive": pos,
        "net_tone": pos - neg,
        "net_tone_ci": _percentile_ci(boot),
    }


def trend_table(records, by=("institution", "quartier", "wave"), min_contributions=MIN_CONTRIBUTIONS,
                n_boot=2000, seed=0, where=None):
    """One dict per cell of `by` (sorted by key).

    Each cell: the `by` fields, `n_contributions`, `n_mentions`, `share_negative`,
    `share_neutral`, `share_positive`, `net_tone`, `net_tone_ci` (lo, hi) and `suppressed`.
    `where`: {field: value or collection of values} or a predicate on a record, applied
    before grouping (e.g. `where={"gender": "f"}`).
    """
    by = (by,) if isinstance(by, str) else tuple(by)
    groups = defaultdict(list)
    for r in records:
        if _matches(r, where):
            groups[tuple(_field(r, f) for f in by)].append(r)
    counted = {}
    for key, group in groups.items():
        signs, n_mentions = _contribution_signs(group)
        counted[key] = ([int(np.count_nonzero(signs == sign)) for sign in (-1, 0, 1)], n_mentions)
    return cells_from_counts(counted, by, min_contributions, n_boot, seed)


def cells_from_counts(counted, by, min_contributions=MIN_CONTRIBUTIONS, n_boot=2000, seed=0):
    """`trend_table`'s cells from {key: ((n_negative, n_neutral, n_positive), n_mentions)}: how many
    contributions of each cell lean each way, counted elsewhere (by the database, say).

    Every figure and interval depends on these counts only, so they are the ones
    `trend_table` gives for the same contributions.
    """
    by = (by,) if isinstance(by, str) else tuple(by)
    cells = []
    for key in _sorted_keys(counted):
        cell = dict(zip(by, key))
        counts, n_mentions = counted[key]
        if sum(counts) < min_contributions:
            cell.update(dict.fromkeys(FIGURES), suppressed=True)
        else:
            signs = np.repeat(np.array([-1, 0, 1], dtype=np.int8), counts)
            cell.update(_cell_figures(signs, n_mentions, n_boot, _rng(seed, key)), suppressed=False)
        cells.append(cell)
    return cells


def series_from_cells(cells, measure="net_tone", wave_field="wave", **match):
    """{wave: value} from `trend_table` cells whose fields equal `match`
    (e.g. institution="caf", quartier="Sanitas"); a suppressed cell gives None."""
    out = {}
    for cell in cells:
        if all(cell.get(k) == v for k, v in match.items()):
            wave = cell.get(wave_field)
            if wave in out:
                raise ValueError(f"several cells for wave {wave!r}: add fields to match "
                                 f"(cells have {sorted(k for k in cell if k not in FIGURES)})")
            out[wave] = None if cell.get("suppressed") else cell.get(measure)
    return out


def wave_change(records, institution, wave_a, wave_b, quartier=None, min_contributions=MIN_CONTRIBUTIONS,
                n_boot=2000, seed=0, where=None):
    """Change of net tone from `wave_a` to `wave_b` (b - a) with a 95 % bootstrap CI.

    `quartier=None`: all quartiers together. The contributions of the two waves are
    resampled independently. Suppressed (figures None) when either wave has fewer than
    `min_contributions` contributions.
    """
    sides = {wave_a: [], wave_b: []}
    for r in records:
        if _field(r, "institution") != institution:
            continue
        if quartier is not None and _field(r, "quartier") != quartier:
            continue
        w = _field(r, "wave")
        if w in sides and _matches(r, where):
            sides[w].append(r)
    sa, _ = _contribution_signs(sides[wave_a])
    sb, _ = _contribution_signs(sides[wave_b])
    out = {"institution": institution, "quartier": quartier, "wave_a": wave_a, "wave_b": wave_b}
    figures = ("n_a", "n_b", "net_tone_a", "net_tone_b", "change", "change_ci")
    if sa.size < min_contributions or sb.size < min_contributions:
        out.update(dict.fromkeys(figures), suppressed=True)
        return out
    key = (institution, quartier, wave_a, wave_b)
    rng = _rng(seed, key)
    ta, tb = float(sa.mean()), float(sb.mean())
    boot = bootstrap_means(sb, n_boot, rng) - bootstrap_means(sa, n_boot, rng)
    out.update(n_a=int(sa.size), n_b=int(sb.size), net_tone_a=ta, net_tone_b=tb,
               change=tb - ta, change_ci=_percentile_ci(boot), suppressed=False)
    return out


# -- trend tests --------------------------------------------------------------------------
def _tie_term(values):
    _, counts = np.unique(np.asarray(values, dtype=float), return_counts=True)
    t = counts[counts > 1].astype(float)
    return float(np.sum(t * (t - 1) * (2 * t + 5)))


def _mk_variance(values):
    n = len(values)
    return (n * (n - 1) * (2 * n + 5) - _tie_term(values)) / 18.0


def mann_kendall(values, alpha=0.05):
    """Mann-Kendall trend test on a series in time order.

    Returns {"n", "s", "var_s", "z", "p_value", "trend"}: S = sum over i<j of
    sign(x_j - x_i); Var(S) = [n(n-1)(2n+5) - sum_t t(t-1)(2t+5)] / 18 (t: sizes of groups
    of tied values); Z = (S - sign(S)) / sqrt(Var(S)) (continuity correction);
    two-sided p = erfc(|Z| / sqrt(2)). `trend` is "increasing" / "decreasing" when
    p < alpha, else "no trend".
    """
    x = np.asarray(values, dtype=float)
    if np.isnan(x).any():
        raise ValueError("missing values in the series: drop them first")
    n = int(x.size)
    i, j = np.triu_indices(n, k=1)
    s = int(np.sign(x[j] - x[i]).sum())
    var_s = _mk_variance(x) if n >= 2 else 0.0
    if var_s <= 0 or s == 0:
        z = 0.0
    else:
        z = (s - math.copysign(1, s)) / math.sqrt(var_s)
    p = math.erfc(abs(z) / math.sqrt(2.0))
    trend = "no trend"
    if p < alpha:
        trend = "increasing" if s > 0 else "decreasing"
    return {"n": n, "s": s, "var_s": var_s, "z": z, "p_value": p, "trend": trend}


def theil_sen(xs, ys, z=Z_95):
    """Theil-Sen slope: median of (y_j - y_i) / (x_j - x_i) over pairs with x_i != x_j.

    95 % interval (Sen 1968; Hollander & Wolfe; Gilbert 1987 eq. 16.5): with N slopes in
    ascending order and C = z * sqrt(Var(S)) (Mann-Kendall variance of ys, tie-corrected),
    the bounds are the slopes of ranks round((N - C) / 2) and round((N + C) / 2) + 1
    (1-based), clamped to [1, N]. Returns {"slope", "intercept", "ci", "n_slopes"}; the
    intercept is median(y) - slope * median(x) (Conover).
    """
    x = np.asarray(xs, dtype=float)
    y = np.asarray(ys, dtype=float)
    if x.shape != y.shape:
        raise ValueError("xs and ys must have the same length")
    i, j = np.triu_indices(x.size, k=1)
    dx = x[j] - x[i]
    keep = dx != 0
    slopes = np.sort((y[j] - y[i])[keep] / dx[keep])
    n_slopes = int(slopes.size)
    if n_slopes == 0:
        return {"slope": None, "intercept": None, "ci": (None, None), "n_slopes": 0}
    slope = float(np.median(slopes))
    c = z * math.sqrt(max(_mk_variance(y), 0.0))
    lo_rank = round((n_slopes - c) / 2.0)
    hi_rank = round((n_slopes + c) / 2.0) + 1
    lo_rank = min(max(lo_rank, 1), n_slopes)
    hi_rank = min(max(hi_rank, 1), n_slopes)
    ci = (float(slopes[lo_rank - 1]), float(slopes[hi_rank - 1]))
    intercept = float(np.median(y) - slope * np.median(x))
    return {"slope": slope, "intercept": intercept, "ci": ci, "n_slopes": n_slopes}


def _wave_positions(waves):
    """Numeric waves are used as x; otherwise the waves' rank (0, 1, 2...) in sorted order."""
    if all(isinstance(w, (int, float)) and not isinstance(w, bool) for w in waves):
        return [float(w) for w in waves]
    return [float(k) for k in range(len(waves))]


def series_trend(series_by_wave, min_waves=MIN_WAVES, alpha=0.05):
    """Mann-Kendall and Theil-Sen over a series {wave: value} (or [(wave, value)]).

    Waves are sorted; None / NaN values (suppressed cells) are dropped. Slope units: per
    wave step when waves are not numbers (their rank is the x), per unit of the wave
    number otherwise. With fewer than `min_waves` values, "mann_kendall" and "theil_sen"
    are None and "reason" says why (show `wave_change` instead).
    """
    items = series_by_wave.items() if isinstance(series_by_wave, dict) else series_by_wave
    pairs = [(w, float(v)) for w, v in items if v is not None and not math.isnan(float(v))]
    try:
        pairs.sort(key=lambda p: p[0])
    except TypeError:
        pairs.sort(key=lambda p: repr(p[0]))
    waves = [w for w, _ in pairs]
    values = [v for _, v in pairs]
    out = {"waves": waves, "values": values, "n_waves": len(waves),
           "mann_kendall": None, "theil_sen": None, "reason": None}
    if len(waves) < min_waves:
        out["reason"] = (f"{len(waves)} wave(s) with a value, at least {min_waves} are needed for "
                         f"a trend test; compare two waves with wave_change instead")
        return out
    out["mann_kendall"] = mann_kendall(values, alpha=alpha)
    out["theil_sen"] = theil_sen(_wave_positions(waves), values)
    return out
