"""Statements written by residents (Pol.is style), and how they are moderated.

A resident proposes a short statement; the others agree, disagree or pass. Each
consultation chooses one of Pol.is's two moderation modes:

- "strict": a statement is shown once a moderator accepts it;
- "open": it is shown at once, and residents may report it.

Either way, a statement the personal-data scrubber was unsure about, or one written in a
consultation that pre-moderates everything, waits for a moderator (`held_reason`), as
ideas and comments do. Staff may mark a statement as "meta" (about the participants,
"I live in the quartier"): it is voted on and shown, but left out of the opinion groups.

Kept apart from operations.py: the moderation queues of the other texts live there.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from voix.database import begin_write, insert_ignoring_duplicates
from voix.extensions import db
from voix.models import utcnow
from voix.privacy import clean_and_check, scrub, without_control_characters

from .models import (
    Consultation,
    HeldReason,
    Moderation,
    Participant,
    Statement,
    StatementModeration,
    StatementReport,
)
from .operations import (
    DeliberationError,
    FormRefused,
    _uuid,
    held_reason,
    most_similar,
    refuse_unless_running,
)

# Pol.is's limit: short enough to read aloud and to answer in one tap. Counted on what
# the resident typed (the form's maxlength says the same); the stored text is scrubbed.
STATEMENT_TEXT_MAX = 140


def accepts_statements(consultation: Consultation) -> bool:
    """Residents write statements while the consultation takes proposals or votes."""
    return consultation.is_running and (consultation.proposals_open or consultation.votes_open)


def _shown(query, consultation: Consultation):
    """`query` narrowed to what residents see and vote on (the same rule as Statement.is_shown)."""
    query = query.where(Statement.consultation_id == consultation.id, Statement.moderation != Moderation.rejected,
                        Statement.held_reason.is_(None))
    if consultation.statement_moderation is StatementModeration.strict:
        query = query.where(Statement.moderation == Moderation.accepted)
    return query


def shown_statements(consultation: Consultation) -> list[Statement]:
    """What residents see and vote on, oldest first."""
    return db.session.scalars(_shown(select(Statement), consultation).order_by(Statement.id)).all()


def has_shown_statements(consultation: Consultation) -> bool:
    return db.session.scalar(_shown(select(Statement.id), consultation).limit(1)) is not None


def similar_statements(consultation: Consultation, text: str, limit=3) -> list[Statement]:
    """Shown statements close to `text` (the check ideas use), so residents vote instead of repeating."""
    return most_similar(text, shown_statements(consultation), lambda statement: statement.text, limit)


def check_statement(consultation: Consultation, text: str) -> str:
    """The trimmed text, or the reason it is refused (run before the similar-statement step too)."""
    if not accepts_statements(consultation):
        refuse_unless_running(consultation)
        raise DeliberationError(_l("Statements are closed in this consultation."))
    text = without_control_characters(text or "").strip()
    if not text or len(text) > STATEMENT_TEXT_MAX:
        raise FormRefused({"text": _l("A statement has between 1 and %(n)s characters.", n=STATEMENT_TEXT_MAX)})
    return text


def propose_statement(consultation: Consultation, author: Participant, text: str, *, uuid: str,
                      language="fr") -> tuple[Statement, bool]:
    """Returns (statement, created); a re-sent statement (same UUID) is returned as it was,
    even after the consultation closed."""
    statement_uuid = _uuid(uuid)
    existing = db.session.scalar(select(Statement).where(Statement.uuid == statement_uuid))
    if existing is not None:
        if existing.consultation_id != consultation.id:
            raise DeliberationError(_l("This identifier was already used in another consultation."))
        return existing, False
    if author.consultation_id != consultation.id:
        raise DeliberationError(_l("This participation token belongs to another consultation."))
    checked = clean_and_check(check_statement(consultation, text))
    if not checked.text:
        raise FormRefused({"text": _l("A statement has between 1 and %(n)s characters.", n=STATEMENT_TEXT_MAX)})
    held = held_reason(consultation, checked)
    if held is None and consultation.statement_moderation is StatementModeration.strict:
        held = HeldReason.premoderation
    begin_write()
    created = insert_ignoring_duplicates(Statement, dict(
        uuid=statement_uuid, consultation_id=consultation.id, author_id=author.id, text=checked.text,
        language=language, moderation=Moderation.unmoderated, held_reason=held, is_meta=False,
        created_at=utcnow(),
    ), conflict_columns=["uuid"]) is not None
    db.session.commit()
    return db.session.scalar(select(Statement).where(Statement.uuid == statement_uuid)), created


def stored_under(form_uuid) -> Statement | None:
    """The statement already sent with this form's UUID, if any (None for anything not a UUID)."""
    try:
        statement_uuid = _uuid(form_uuid)
    except DeliberationError:
        return None
    return db.session.scalar(select(Statement).where(Statement.uuid == statement_uuid))


def report_statement(statement: Statement, participant: Participant, reason: str = ""):
    """A resident reports a shown statement; once per resident and statement."""
    if participant.consultation_id != statement.consultation_id:
        raise DeliberationError(_l("This participation token belongs to another consultation."))
    begin_write()
    insert_ignoring_duplicates(StatementReport, dict(
        statement_id=statement.id, participant_id=participant.id, reason=scrub((reason or "").strip())[:300],
        created_at=utcnow(),
    ), conflict_columns=["statement_id", "participant_id"])
    db.session.commit()


def waiting_from(participant: Participant | None) -> list[Statement]:
    """A resident's own statements still waiting for a moderator: they see them, nobody else does."""
    if participant is None:
        return []
    mine = db.session.scalars(select(Statement).where(
        Statement.author_id == participant.id, Statement.moderation == Moderation.unmoderated)
        .order_by(Statement.id)).all()
    return [statement for statement in mine if not statement.is_shown]


def reported_by(participant: Participant | None) -> set[int]:
    if participant is None:
        return set()
    return set(db.session.scalars(select(StatementReport.statement_id).where(
        StatementReport.participant_id == participant.id)))


# --- Staff ------------------------------------------------------------------------------------


def set_mode(consultation: Consultation, mode: str):
    try:
        consultation.statement_moderation = StatementModeration(mode)
    except ValueError:
        raise DeliberationError(_l("Choose strict or open moderation.")) from None


def decide(statement: Statement, moderation: Moderation, held: HeldReason | None = None) -> tuple:
    """A moderator accepts or rejects a statement, or puts it back as it was (undo).

    Returns the previous (moderation, held_reason), for the undo button. Accepting or
    rejecting settles its reports.
    """
    previous = (statement.moderation, statement.held_reason)
    statement.moderation = moderation
    statement.held_reason = held if moderation is Moderation.unmoderated else None
    resolved = utcnow() if moderation is not Moderation.unmoderated else None
    db.session.execute(StatementReport.__table__.update().where(
        StatementReport.statement_id == statement.id,
        StatementReport.resolved_at.is_(None) if resolved else StatementReport.resolved_at.is_not(None))
        .values(resolved_at=resolved))
    return previous


def set_meta(statement: Statement, is_meta: bool):
    statement.is_meta = is_meta


def waiting(consultation: Consultation) -> list[Statement]:
    """Statements a moderator must read: held ones, and in strict mode every one not yet accepted."""
    condition = Statement.held_reason.is_not(None)
    if consultation.statement_moderation is StatementModeration.strict:
        condition = or_(condition, Statement.moderation == Moderation.unmoderated)
    return db.session.scalars(select(Statement).where(
        Statement.consultation_id == consultation.id, Statement.moderation != Moderation.rejected, condition)
        .order_by(Statement.id)).all()


def reported(consultation: Consultation) -> list[tuple[Statement, int]]:
    """Statements with reports not yet settled, most reported first, with their number of reports."""
    rows = db.session.execute(
        select(Statement, func.count(StatementReport.id))
        .join(StatementReport, StatementReport.statement_id == Statement.id)
        .where(Statement.consultation_id == consultation.id, StatementReport.resolved_at.is_(None))
        .group_by(Statement.id).order_by(func.count(StatementReport.id).desc(), Statement.id))
    return [(statement, count) for statement, count in rows.all()]


def all_statements(consultation: Consultation) -> list[Statement]:
    return db.session.scalars(select(Statement).where(Statement.consultation_id == consultation.id)
                              .order_by(Statement.id)).all()
