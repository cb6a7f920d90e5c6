"""Living together: how much residents exchange, and across which lines.

Opinion groups are those stored by the last opinion-group computation of each
consultation (staff screen or `flask deliberation opinion-groups`); quartiers are those
participants gave. A reply counts as "between" two quartiers or groups only when both
people are known; the share is over those replies.
"""
from sqlalchemy import select
from sqlalchemy.orm import aliased

from deliberation.models import Comment, Consultation, Participant, Support, Visibility
from voix.extensions import db

from .people import participant_territory
from .scope import Figure, Scope, stream


def _comments(scope: Scope):
    parent, parent_author = aliased(Comment), aliased(Participant)
    return db.session.execute(
        select(Comment.parent_id, Comment.participant_id, Comment.visibility, Participant.quartier_id,
               Participant.opinion_group, parent_author.quartier_id, parent_author.opinion_group)
        .join(Participant, Participant.id == Comment.participant_id)
        .join(Consultation, Consultation.id == Participant.consultation_id)
        .outerjoin(parent, parent.id == Comment.parent_id)
        .outerjoin(parent_author, parent_author.id == parent.participant_id)
        .where(participant_territory().in_(scope.territory_ids), scope.during(Comment.created_at))).all()


def _between(replies, mine, theirs) -> Figure:
    known = [row for row in replies if row[mine] is not None and row[theirs] is not None]
    across = sum(row[mine] != row[theirs] for row in known)
    # The people behind the share are those who replied.
    return Figure(across / len(known) if known else None, len({row.participant_id for row in known}))


def exchanges(scope: Scope) -> dict[str, Figure]:
    rows = _comments(scope)
    authors = len({row.participant_id for row in rows})
    replies = [row for row in rows if row.parent_id is not None]
    hidden = sum(row.visibility is Visibility.hidden for row in rows)
    return {
        "exchanges": Figure(len(rows), authors, parts={
            "comments": Figure(len(rows) - len(replies), len({r.participant_id for r in rows if r.parent_id is None})),
            "replies": Figure(len(replies), len({r.participant_id for r in replies})),
        }),
        "cross_quartier_replies": _between(replies, 3, 5),
        "cross_group_replies": _between(replies, 4, 6),
        "moderated_share": Figure(hidden / len(rows) if rows else None, authors),
    }


def ideas_across_groups(scope: Scope) -> Figure:
    """Share of supported ideas whose supporters (placed in a group) come from two groups or more."""
    rows = stream(
        select(Support.idea_id, Support.participant_id, Participant.opinion_group)
        .join(Participant, Participant.id == Support.participant_id)
        .join(Consultation, Consultation.id == Participant.consultation_id)
        .where(participant_territory().in_(scope.territory_ids), scope.during(Support.created_at),
               Participant.opinion_group.is_not(None)))
    groups: dict[int, set[int]] = {}
    supporters = set()
    for idea_id, participant, group in rows:
        groups.setdefault(idea_id, set()).add(group)
        supporters.add(participant)
    across = sum(len(found) >= 2 for found in groups.values())
    return Figure(across / len(groups) if groups else None, len(supporters))
