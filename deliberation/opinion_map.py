"""The opinion map: a consultation's opinion groups as residents and staff read them.

* :func:`cached_opinion_groups` computes the groups from the stored votes once per state
  of the votes: the key is each statement's latest vote time, moderation and meta flag
  (one query, an index seek per statement), so a page view costs that query, not reading
  every vote, a PCA and k-means. Each worker process keeps its own few entries.
* :func:`opinion_map` turns them into what the page shows: groups with their size, colour
  and shape, consensus and representative statements by their text with each group's
  percentages, the positions scaled to the SVG's box, and "where you are".

The drawing itself is a template (``deliberation/_opinion_map.html``): server-rendered
SVG, no script. Colours are Okabe & Ito's colour-blind safe palette; every group also
has its own shape and a number, so nothing depends on colour alone.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import func, select

from voix.extensions import db

from .models import Consultation, Moderation, Participant, Statement, StatementVote
from .opinion_groups import OpinionGroups
from .polis_io import _label, opinion_groups_for, remember_groups

MIN_PEOPLE = 10  # fewer people placed: no map (the small-cell rule of every other figure)
MIN_VOTES = 7  # Pol.is's in-conversation rule (opinion_groups.py)
WIDTH, HEIGHT, PAD = 400, 300, 24  # the SVG's viewBox


@dataclass(frozen=True)
class Look:
    colour: str
    shape: str  # a key of SHAPES


# Okabe & Ito (2008), dark enough on white with the dark outline every mark has.
LOOKS = [Look("#0072B2", "circle"), Look("#E69F00", "square"), Look("#009E73", "triangle"),
         Look("#CC79A7", "diamond"), Look("#D55E00", "cross"), Look("#56B4E9", "star")]
# Paths centred on 0,0, about 10 units across; drawn with <use> at each position.
SHAPES = {
    "circle": "M-4.5,0a4.5,4.5 0 1,0 9,0a4.5,4.5 0 1,0 -9,0z",
    "square": "M-4,-4h8v8h-8z",
    "triangle": "M0,-5.2L4.8,3.6H-4.8z",
    "diamond": "M0,-5.5L5.5,0L0,5.5L-5.5,0z",
    "cross": "M-1.8,-5h3.6v3.2h3.2v3.6h-3.2v3.2h-3.6v-3.2h-3.2v-3.6h3.2z",
    "star": "M0,-5.5L1.6,-1.7L5.5,-1.7L2.4,0.8L3.4,4.8L0,2.5L-3.4,4.8L-2.4,0.8L-5.5,-1.7L-1.6,-1.7z",
}

_CACHE: OrderedDict[int, tuple[tuple, OpinionGroups, float]] = OrderedDict()
_CACHE_SIZE = 16
MAX_AGE_SECONDS = 600
_LOCK = threading.Lock()


def votes_fingerprint(consultation: Consultation) -> tuple:
    """Changes whenever a vote is added or changed, or a statement is moderated or marked
    meta: per statement, its moderation, meta flag and latest vote time (a re-vote rewrites
    ``voted_at``). One query, an index seek per statement (ix_statement_vote_statement_voted),
    so it costs the same at 2,000 people as at 20. Deleted votes (an erased participant)
    do not move it: entries older than MAX_AGE_SECONDS are computed again anyway."""
    latest = (select(func.max(StatementVote.voted_at)).where(StatementVote.statement_id == Statement.id)
              .correlate(Statement).scalar_subquery())
    rows = db.session.execute(
        select(Statement.id, Statement.moderation, Statement.is_meta, latest)
        .where(Statement.consultation_id == consultation.id).order_by(Statement.id)).all()
    return tuple((sid, moderation.value, bool(meta), str(voted_at)) for sid, moderation, meta, voted_at in rows)


def cached_opinion_groups(consultation: Consultation) -> OpinionGroups | None:
    """The consultation's opinion groups, computed again only when its votes changed (or
    the entry is older than MAX_AGE_SECONDS).

    None when there are no votes to compute from. A new computation also stores each
    participant's group (``remember_groups``) for the indicators.
    """
    key = votes_fingerprint(consultation)
    with _LOCK:
        hit = _CACHE.get(consultation.id)
        if hit is not None and hit[0] == key and time.monotonic() - hit[2] < MAX_AGE_SECONDS:
            _CACHE.move_to_end(consultation.id)
            return hit[1]
    try:
        # Pol.is's k smoothing: the shown number of groups changes only after a new one has
        # been the best for several updates (new votes) in a row; the state is stored with
        # the consultation by remember_groups.
        result = opinion_groups_for(consultation, k_state=consultation.opinion_k_state)
    except ValueError:  # nothing to compute from
        return None
    remember_groups(consultation, result)
    with _LOCK:
        _CACHE[consultation.id] = (key, result, time.monotonic())
        _CACHE.move_to_end(consultation.id)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


def forget_cache():
    with _LOCK:
        _CACHE.clear()


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _scale(positions: dict) -> callable:
    """A function from PCA coordinates to the SVG box, same scale on both axes."""
    xs = [x for x, _ in positions.values()] or [0.0]
    ys = [y for _, y in positions.values()] or [0.0]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    scale = min((WIDTH - 2 * PAD) / span_x, (HEIGHT - 2 * PAD) / span_y)
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def to_box(x, y):
        # SVG's y grows downwards: flip it so the picture reads like a chart.
        return round(WIDTH / 2 + (x - mid_x) * scale, 1), round(HEIGHT / 2 - (y - mid_y) * scale, 1)
    return to_box


def opinion_map(consultation: Consultation, me: Participant | None = None) -> dict | None:
    """What the opinion map shows, or None when fewer than MIN_PEOPLE people are placed.

    ``me``: the visitor's participant, for "where you are".
    """
    result = cached_opinion_groups(consultation)
    if result is None or result.n_participants_clustered < MIN_PEOPLE or not result.groups:
        return None
    rows = db.session.execute(select(Statement.external_id, Statement.id, Statement.text, Statement.is_meta)
                              .where(Statement.consultation_id == consultation.id,
                                     Statement.moderation != Moderation.rejected)).all()
    text = {_label(ext, sid): body for ext, sid, body, _ in rows}
    meta = [_label(ext, sid) for ext, sid, _, is_meta in rows if is_meta]
    total = sum(len(g.members) for g in result.groups)

    def shares(statement_id) -> list[dict]:
        """Each group's agree / disagree / pass percentages on one statement."""
        out = []
        for g in result.groups:
            c = result.counts[g.id][statement_id]
            out.append({"group": g.id + 1, "agree": _percent(c.agree, c.total),
                        "disagree": _percent(c.disagree, c.total), "passed": _percent(c.passed, c.total),
                        "votes": c.total})
        return out

    to_box = _scale(result.positions)
    group_of = result.group_of()
    groups = []
    for g in result.groups:
        look = LOOKS[g.id % len(LOOKS)]
        members = [result.positions[m] for m in g.members]
        cx = sum(x for x, _ in members) / len(members)
        cy = sum(y for _, y in members) / len(members)
        representative = []
        for r in result.representative_details.get(g.id, []):
            if r.statement_id not in text:
                continue
            c = result.counts[g.id][r.statement_id]
            others = [result.counts[o.id][r.statement_id] for o in result.groups if o.id != g.id]
            succ_other = sum(o.agree if r.direction == "agree" else o.disagree for o in others)
            seen_other = sum(o.total for o in others)
            representative.append({
                "text": text[r.statement_id], "agrees": r.direction == "agree",
                "percent": _percent(c.agree if r.direction == "agree" else c.disagree, c.total),
                "others_percent": _percent(succ_other, seen_other)})
        groups.append({"id": g.id, "number": g.id + 1, "size": len(g.members),
                       "share": _percent(len(g.members), total), "colour": look.colour, "shape": look.shape,
                       "centre": to_box(cx, cy), "representative": representative})
    points = [(*to_box(*result.positions[m]), group_of[m]) for g in result.groups for m in g.members]
    return {
        "n_clustered": result.n_participants_clustered,
        "groups": groups,
        "points": points,
        "consensus": [{"text": text[s], "groups": shares(s)} for s in result.consensus if s in text],
        "meta": [{"text": text[s], "groups": shares(s)} for s in meta if s in result.counts.get(0, {})],
        "me": _where_you_are(consultation, result, me, to_box, group_of),
        "width": WIDTH, "height": HEIGHT, "shapes": SHAPES,
    }


def _where_you_are(consultation, result, me, to_box, group_of) -> dict:
    if me is None:
        return {"status": "not_voted"}
    label = _label(me.external_id, me.id)
    if label in group_of:
        x, y = to_box(*result.positions[label])
        return {"status": "placed", "group": group_of[label] + 1, "x": x, "y": y}
    n_votes = db.session.scalar(select(func.count(StatementVote.id)).join(
        Statement, Statement.id == StatementVote.statement_id).where(
        StatementVote.participant_id == me.id, Statement.moderation != Moderation.rejected,
        Statement.is_meta.is_(False))) or 0
    if not n_votes:
        return {"status": "not_voted"}
    n_statements = db.session.scalar(select(func.count(Statement.id)).where(
        Statement.consultation_id == consultation.id, Statement.moderation != Moderation.rejected,
        Statement.is_meta.is_(False))) or 0
    return {"status": "few_votes", "votes": n_votes, "needed": max(min(MIN_VOTES, n_statements), n_votes + 1)}
