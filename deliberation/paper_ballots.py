"""Paper ballots: a facilitator types in the supports counted at a paper ballot session.

Each support becomes a new participant with origin "paper", as if each sheet had been a
visit to a kiosk. The form's UUID is the idempotency key of the whole session: the
UNIQUE constraint on PaperBallot.uuid, not a Python check, refuses a second copy, so a
double submit or a re-sent form cannot inflate the tallies.
"""
import uuid as uuid_module

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from voix.database import begin_write, insert_ignoring_duplicates
from voix.extensions import db
from voix.request_input import bounded_int
from voix.models import utcnow

from .models import Consultation, Idea, Origin, PaperBallot, Participant, Support, Visibility
from .operations import DeliberationError, _uuid, refuse_unless_running

MAX_PER_IDEA = 2000  # far above any paper session; stops a typo such as 1500000


def parse_counts(form_values: dict[int, str]) -> dict[int, int]:
    """{idea id: typed text} -> {idea id: number}; empty means 0."""
    counts = {}
    for idea_id, text in form_values.items():
        text = (text or "").strip()
        if not text:
            continue
        count = bounded_int(text, 0, MAX_PER_IDEA)  # ASCII digits only: "²" or "١٢" are not counts
        if count is None:
            raise DeliberationError(_l("Enter a whole number between 0 and %(max)s for each idea.", max=MAX_PER_IDEA))
        if count:
            counts[idea_id] = count
    return counts


def record_paper_ballot(consultation: Consultation, counts: dict[int, int], *, uuid: str, recorded_by=None,
                        label: str = "") -> int | None:
    """Record counts[idea id] paper supports per idea.

    Returns the number of supports recorded, or None when this form (same UUID) was
    already recorded: nothing is then added.
    """
    ballot_uuid = _uuid(uuid)
    begin_write()
    if db.session.scalar(select(PaperBallot.id).where(PaperBallot.uuid == ballot_uuid)) is not None:
        db.session.rollback()
        return None
    refuse_unless_running(consultation)
    if not consultation.votes_open:
        raise DeliberationError(_l("Votes are closed in this consultation."))
    open_ideas = set(db.session.scalars(select(Idea.id).where(
        Idea.consultation_id == consultation.id, Idea.visibility == Visibility.visible)))
    if set(counts) - open_ideas:
        raise DeliberationError(_l("This ballot names an idea that is not open to support."))
    total = sum(counts.values())
    if total <= 0:
        raise DeliberationError(_l("The ballot has no support: type at least one number."))
    ballot_id = insert_ignoring_duplicates(PaperBallot, dict(
        uuid=ballot_uuid, consultation_id=consultation.id, label=(label or "").strip()[:200], supports=total,
        recorded_by_id=getattr(recorded_by, "id", None), created_at=utcnow(),
    ), conflict_columns=["uuid"])
    if ballot_id is None:  # the same form, recorded a moment ago by a concurrent request
        db.session.rollback()
        return None
    _add_supports(consultation, ballot_id, ballot_uuid, counts)
    db.session.commit()
    return total


def _add_supports(consultation, ballot_id: int, ballot_uuid: str, counts: dict[int, int]):
    # One participant per support; its external_id tells which ballot and idea it came from.
    now, idea_of = utcnow(), {}
    people = []
    for idea_id, count in counts.items():
        for index in range(count):
            external_id = f"paper:{ballot_id}:{idea_id}:{index}"
            idea_of[external_id] = idea_id
            people.append(dict(consultation_id=consultation.id, external_id=external_id, origin=Origin.paper,
                               created_at=now))
    rows = db.session.execute(insert(Participant).returning(Participant.id, Participant.external_id), people).all()
    namespace = uuid_module.UUID(ballot_uuid)
    db.session.execute(insert(Support), [
        dict(uuid=str(uuid_module.uuid5(namespace, external_id)), idea_id=idea_of[external_id],
             participant_id=participant_id, origin=Origin.paper, created_at=now)
        for participant_id, external_id in rows])


def ballots_of(consultation: Consultation) -> list[PaperBallot]:
    return db.session.scalars(select(PaperBallot).where(PaperBallot.consultation_id == consultation.id)
                              .order_by(PaperBallot.created_at.desc(), PaperBallot.id.desc())).all()
