"""Statements written by residents (Pol.is style), and how they are moderated.

A resident proposes a short statement; the others agree, disagree or pass. Each
consultation chooses one of Pol.is's two moderation modes:

- "strict": a statement is shown once a moderator accepts it;
- "open": it is shown at once, and residents may report it.

Either way, a statement the personal-data scrubber was unsure about, or one written in a
consultation that pre-moderates everything, waits for a moderator (`held_reason`), as
ideas and comments do. Staff may mark a statement as "meta" (about the participants,
"I live in the quartier"): it is voted on and shown, but left out of the opinion groups.

Kept apart from operations.py. Statements also appear in the moderation queues of
deliberation/moderation.py (registered at the end of this module).
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from voix.database import begin_write, insert_ignoring_duplicates
from voix.extensions import db
from voix.models import utcnow
from voix.privacy import clean_and_check, without_control_characters

from . import moderation
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
    store_report,
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
    store_report(StatementReport, ["statement_id", "participant_id"], reason=reason,
                 statement_id=statement.id, participant_id=participant.id)


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


# --- In the moderation queues (deliberation/moderation.py) -------------------------------


def _waiting_condition():
    """Held statements, and in strict consultations those nobody accepted yet (imports)."""
    return or_(Statement.held_reason.is_not(None),
               and_(Statement.moderation == Moderation.unmoderated,
                    Consultation.statement_moderation == StatementModeration.strict))


def _queue_rows(consultation_ids, held_only):
    query = (select(Statement, Statement.consultation_id).join(Consultation, Consultation.id == Statement.consultation_id)
             .where(Statement.consultation_id.in_(consultation_ids), Statement.moderation != Moderation.rejected))
    return query.where(_waiting_condition()) if held_only else query


def _queue_reports(consultation_ids) -> dict[int, list[str]]:
    reasons: dict[int, list[str]] = {}
    for statement_id, reason in db.session.execute(
            select(StatementReport.statement_id, StatementReport.reason)
            .join(Statement, Statement.id == StatementReport.statement_id)
            .where(Statement.consultation_id.in_(consultation_ids), StatementReport.resolved_at.is_(None))
            .order_by(StatementReport.id)):
        reasons.setdefault(statement_id, []).append(reason or "")
    return reasons


def _reopen_reports(statement, report_ids):
    if report_ids:
        db.session.execute(StatementReport.__table__.update().where(StatementReport.id.in_(report_ids))
                           .values(resolved_at=None))


def _held_reason(statement):
    if statement.held_reason is not None:
        return statement.held_reason
    strict = statement.consultation.statement_moderation is StatementModeration.strict
    return HeldReason.premoderation if strict and statement.moderation is Moderation.unmoderated else None


class _StatementKind(moderation.TextKind):
    def open_report_ids(self, item):
        return list(db.session.scalars(select(StatementReport.id).where(
            StatementReport.statement_id == item.id, StatementReport.resolved_at.is_(None))))


# "Hide" rejects a statement, "publish" accepts it; both settle its reports (`decide`).
moderation.register(_StatementKind(
    "statement", _l("Statement"), Statement, _queue_rows, reports=_queue_reports, reopen_reports=_reopen_reports,
    held_reason=_held_reason, hide=lambda statement, moderator, *reason: decide(statement, Moderation.rejected),
    publish=lambda statement, moderator: decide(statement, Moderation.accepted),
    state_fields=("moderation", "held_reason")))
