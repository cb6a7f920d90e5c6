"""What residents, facilitators, moderators and institutions do in a consultation.

Plain functions; votes commit themselves so that their idempotency holds under
concurrency (the UUID is the key: a re-sent vote changes nothing).
"""
import re
import uuid as uuid_module
from datetime import timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from voix.database import begin_write, insert_ignoring_duplicates, upsert
from voix.extensions import db
from voix.institutions.models import Institution
from voix.invitations import depth_on_arrival, refresh_depths_below
from voix.models import utcnow
from voix.privacy import (
    PLACEHOLDERS, clean_and_check, clean_display_name, clean_text, scrub, without_control_characters,
)

from .models import (
    AnswerStatus,
    Comment,
    CommentReport,
    CommitteeMember,
    Consultation,
    EarlierOutboxName,
    HeldReason,
    Idea,
    IdeaCoCarrier,
    InstitutionQuestion,
    MembershipStatus,
    Moderation,
    OfficialAnswer,
    Origin,
    PairwiseVote,
    Participant,
    Phase,
    Position,
    QuestionAnswer,
    Statement,
    StatementReport,
    StatementVote,
    StatementVoteReceipt,
    Support,
    TextReport,
    Visibility,
)
from .pairwise import rank_ideas

IDEA_TITLE_MAX, IDEA_BODY_MAX, COMMENT_MAX, STATEMENT_MAX, QUESTION_MAX = 150, 3000, 2000, 500, 1000
IDEA_THEME_MAX = 60  # the column's length


class DeliberationError(ValueError):
    """A refused action; the message is shown to the person as it is."""


class FormRefused(DeliberationError):
    """A refused form, with a message per field, so that the page can point at each field."""

    def __init__(self, errors: dict):
        # One message said once, even when it is about two fields.
        super().__init__(" ".join(dict.fromkeys(str(message) for message in errors.values())))
        self.errors = errors


def _uuid(value) -> str:
    try:
        return str(uuid_module.UUID(str(value)))
    except ValueError:
        raise DeliberationError(_l("The vote identifier is not a valid UUID.")) from None


# --- Consultations and phases -----------------------------------------------------------

# What each phase opens; facilitators may still flip a switch by hand afterwards.
PHASE_SWITCHES = {
    Phase.proposing: {"proposals_open": True, "votes_open": False},
    Phase.voting: {"proposals_open": False, "votes_open": True},
    Phase.answering: {"proposals_open": False, "votes_open": False},
    Phase.closed: {"proposals_open": False, "votes_open": False},
}
NEXT_PHASE = {Phase.proposing: Phase.voting, Phase.voting: Phase.answering, Phase.answering: Phase.closed}


def create_consultation(title: dict, territory, *, created_by=None, **settings) -> Consultation:
    consultation = Consultation(title=title, territory=territory, created_by_id=getattr(created_by, "id", None),
                                **PHASE_SWITCHES[Phase.proposing], **settings)
    db.session.add(consultation)
    db.session.flush()
    return consultation


def advance_phase(consultation: Consultation) -> Phase:
    following = NEXT_PHASE.get(consultation.phase)
    if following is None:
        raise DeliberationError(_l("This consultation is closed."))
    consultation.phase = following
    for switch, value in PHASE_SWITCHES[following].items():
        setattr(consultation, switch, value)
    return following


def set_schedule(consultation: Consultation, opens_on, closes_on):
    """Dates (aware datetimes or None) at which the consultation opens and closes by itself."""
    if opens_on is not None and closes_on is not None and closes_on <= opens_on:
        raise DeliberationError(_l("The closing date must come after the opening date."))
    consultation.opens_on, consultation.closes_on = opens_on, closes_on


def refuse_unless_running(consultation: Consultation):
    # Before the switches: "not open yet" or "closed" says more than "votes are closed".
    if not consultation.has_opened:
        raise DeliberationError(_l("This consultation is not open yet."))
    if consultation.is_closed:
        raise DeliberationError(_l("This consultation is closed."))


# --- Participants -----------------------------------------------------------------------


def new_participant(consultation: Consultation, origin: Origin, **fields) -> Participant:
    participant = Participant(consultation=consultation, origin=origin, **fields)
    db.session.add(participant)
    db.session.flush()
    return participant


def participant_for_client(consultation: Consultation, client_uuid, origin: Origin) -> tuple[Participant, bool]:
    """The participant a kiosk's outbox names by a UUID of its own, created the first time.

    Returns (participant, created). Asked again (an answer lost on the way back), it gives
    the same participant, so a resident who acted offline counts once. A UUID already used
    in another consultation is refused rather than shared.
    """
    key = _uuid(client_uuid)
    existing = participant_named(key)
    if existing is None:
        try:
            with db.session.begin_nested():
                existing = new_participant(consultation, origin, client_uuid=key)
            return existing, True
        except IntegrityError:  # the same request, a moment earlier, from another worker
            existing = participant_named(key)
    if existing is None or existing.consultation_id != consultation.id:
        raise DeliberationError(_l("This participant identifier belongs to another consultation."))
    return existing, False


def participant_named(key) -> Participant | None:
    """The participant a tablet's outbox names by `key`: its latest name, or an earlier one."""
    return (db.session.scalar(select(Participant).where(Participant.client_uuid == key))
            or db.session.scalar(select(Participant).join(EarlierOutboxName).where(EarlierOutboxName.client_uuid == key)))


def give_outbox_name(participant: Participant, key) -> None:
    """Name `participant` by the UUID the tablet's outbox uses for this visit, so that what
    waits in the outbox joins it; unless the outbox, through another worker, just did. A
    name of an earlier visit is kept: that tablet may still hold what it was given."""
    try:
        with db.session.begin_nested():
            _keep_earlier_name(participant)
            participant.client_uuid = key
    except IntegrityError:  # named a moment ago by the outbox, from another worker
        pass


def _keep_earlier_name(participant: Participant):
    if participant.client_uuid is not None:
        db.session.add(EarlierOutboxName(client_uuid=participant.client_uuid, participant_id=participant.id))
        participant.client_uuid = None
        db.session.flush()


def participant_named_by_tablet(consultation: Consultation, client_uuid, known: Participant | None, origin: Origin,
                                *, create: bool) -> Participant | None:
    """One participant for a resident on a kiosk, whether they act online or offline.

    Online, a resident is their session's participant (`known`); offline, the tablet's
    outbox names them by a UUID of its own for them, sent later through the API
    (participant_for_client). Kiosk pages send that UUID with every form too, so that:
    the UUID already names a participant of this consultation (they acted offline first):
    that one; else the session's participant takes the UUID (what waits in the outbox will
    join it); else, when creating, a new participant under that UUID. An invalid UUID, or
    one of another consultation, changes nothing.
    """
    try:
        key = _uuid(client_uuid)
    except DeliberationError:
        return known
    named = participant_named(key)
    if named is not None:
        return named if named.consultation_id == consultation.id else known
    if known is not None:
        if known.client_uuid is None:
            give_outbox_name(known, key)
        return known
    return participant_for_client(consultation, key, origin)[0] if create else None


# What a participant did, by the column naming them; with, for what they may do once
# (a unique constraint), the columns that say what (a second one of the account's is dropped).
_ACTS = [(Idea, "carrier_id", None), (Statement, "author_id", None), (PairwiseVote, "participant_id", None),
         (Comment, "participant_id", None), (InstitutionQuestion, "asker_id", None),
         (StatementReport, "participant_id", ("statement_id",)), (CommentReport, "participant_id", ("comment_id",)),
         (TextReport, "participant_id", ("kind", "item_id")), (CommitteeMember, "participant_id", ("committee_id",)),
         (IdeaCoCarrier, "participant_id", ("idea_id",))]


def fold_into(visit: Participant, mine: Participant):
    """The anonymous participant of a visit joins the account's participant of the same
    consultation (the resident signed in after acting, or the kiosk's outbox named them
    first): what the visit did becomes the account's, so that one person in one visit counts
    once (the indicators count participants who acted). Where both did the same thing once
    (a statement vote: the newer stays; a support, a report, a committee), one is kept; the
    visit's supports stay within the cap. The visit's row stays, empty (its invitation code
    may have been passed on); the outbox's name for the resident moves to the account."""
    for model, column, once in _ACTS:
        who = getattr(model, column)
        if once:  # what the account did already: the visit's one goes
            what = [getattr(model, name) for name in once]
            same = tuple_(*what) if len(what) > 1 else what[0]
            db.session.execute(delete(model).where(who == visit.id, same.in_(select(*what).where(who == mine.id))))
        db.session.execute(update(model).where(who == visit.id).values({column: mine.id}))
    _fold_statement_votes(visit, mine)
    _fold_supports(visit, mine)
    key, visit.client_uuid = visit.client_uuid, None
    db.session.execute(update(EarlierOutboxName).where(EarlierOutboxName.participant_id == visit.id)
                       .values(participant_id=mine.id))
    db.session.flush()
    if key:
        _keep_earlier_name(mine)
        mine.client_uuid = key
    describe_participant(mine, **{name: getattr(mine, name) or getattr(visit, name)
                                  for name in ("gender", "age_bracket", "quartier_id")},
                         invited_by_code=visit.invited_by_code)
    db.session.flush()


def _fold_statement_votes(visit, mine):
    votes = {vote.statement_id: vote
             for vote in db.session.scalars(select(StatementVote).where(StatementVote.participant_id == mine.id))}
    for vote in db.session.scalars(select(StatementVote).where(StatementVote.participant_id == visit.id)).all():
        kept = votes.get(vote.statement_id)
        if kept is None:
            vote.participant_id = mine.id
        else:  # the newer vote is the resident's opinion now
            newer = _aware(vote.voted_at) > _aware(kept.voted_at)
            given = (vote.uuid, vote.value, vote.origin, vote.voted_at)
            db.session.delete(vote)
            db.session.flush()  # its UUID is free before the kept vote takes it
            if newer:
                kept.uuid, kept.value, kept.origin, kept.voted_at = given
    db.session.flush()


def _fold_supports(visit, mine):
    cap = db.session.get(Consultation, mine.consultation_id).support_cap
    supported = set(db.session.scalars(select(Support.idea_id).where(Support.participant_id == mine.id)))
    for support in db.session.scalars(select(Support).where(Support.participant_id == visit.id)
                                      .order_by(Support.created_at, Support.id)).all():
        if support.idea_id in supported or (cap is not None and len(supported) >= cap):
            db.session.delete(support)
        else:
            support.participant_id = mine.id
            supported.add(support.idea_id)
    db.session.flush()


def _aware(moment):  # SQLite gives back naive UTC datetimes
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def describe_participant(participant: Participant, *, gender=None, age_bracket=None, quartier_id=None,
                         invited_by_code=None, **_ignored) -> None:
    """Keep what a participant said about themselves (the optional "about you"); an answer
    left empty never erases an earlier one."""
    given = {"gender": gender, "age_bracket": age_bracket, "quartier_id": quartier_id}
    for name, value in given.items():
        if value is not None:
            setattr(participant, name, value)
    if invited_by_code is not None and participant.invited_by_code is None:
        # Who invited them is said once. Their place in the chain moves, and so does that
        # of everyone they had already invited.
        participant.invited_by_code = invited_by_code
        participant.invitation_depth = depth_on_arrival(invited_by_code)
        db.session.flush()
        refresh_depths_below(participant.invitation_code)


def participant_by_token(consultation: Consultation, token: str | None) -> Participant | None:
    if not token:
        return None
    return db.session.scalar(select(Participant).where(
        Participant.token == token, Participant.consultation_id == consultation.id))


# --- Ideas ------------------------------------------------------------------------------

WORD = re.compile(r"[a-zà-ÿ0-9]{4,}")


def _words(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def similar_ideas(consultation: Consultation, text: str, limit=3) -> list[Idea]:
    """Visible ideas sharing the most words with `text`, so people support instead of duplicating."""
    ideas = db.session.scalars(select(Idea).where(
        Idea.consultation_id == consultation.id, Idea.visibility == Visibility.visible))
    return most_similar(text, ideas, lambda idea: f"{idea.title} {idea.body}", limit)


def most_similar(text: str, candidates, text_of, limit=3) -> list:
    """The candidates sharing the most words (4 letters or more) with `text`, best first.

    Words in common over words in either (Jaccard), at least 0.15: ideas and statements
    use the same check.
    """
    wanted = _words(text)
    if not wanted:
        return []
    scored = []
    for candidate in candidates:
        words = _words(text_of(candidate))
        overlap = len(wanted & words) / len(wanted | words) if words else 0
        if overlap >= 0.15:
            scored.append((overlap, candidate.id, candidate))
    return [candidate for _score, _id, candidate in sorted(scored, key=lambda row: row[:2], reverse=True)[:limit]]


def propose_idea(consultation: Consultation, carrier: Participant, *, title: str, body: str,
                 theme: str | None = None, language="fr") -> Idea:
    refuse_unless_running(consultation)
    if not consultation.proposals_open:
        raise DeliberationError(_l("Proposals are closed in this consultation."))
    title, body, theme = _checked_idea(title, body, theme)
    held = held_reason(consultation, title, body)
    idea = Idea(consultation=consultation, carrier=carrier, title=title.text, body=body.text,
                theme=theme, language=language, held_reason=held,
                visibility=Visibility.hidden if held else Visibility.visible)
    db.session.add(idea)
    db.session.flush()
    return idea


def idea_errors(title: str, body: str, theme: str | None) -> dict:
    """What is wrong with each field of a proposed idea as typed ({} when nothing), so that
    the form points at each field (aria-invalid) at its first step. Cheap (no scrubbing):
    propose_idea checks again on the text as it will be stored."""
    return _field_errors((title or "").strip(), (body or "").strip(), (theme or "").strip() or None)


def _checked_idea(title, body, theme):
    # Lengths are checked on the text as stored: scrubbing can make it longer ("a@b.c" -> "[email]").
    title, body = clean_and_check(title or ""), clean_and_check(body or "")
    theme = clean_text(theme or "") or None
    errors = _field_errors(title.text, body.text, theme)
    if errors:
        raise FormRefused(errors)
    return title, body, theme


def _field_errors(title: str, body: str, theme: str | None) -> dict:
    errors = {}
    missing = _l("An idea needs a title and a description.")
    too_long = _l("Keep the title under %(t)s and the text under %(b)s characters.", t=IDEA_TITLE_MAX, b=IDEA_BODY_MAX)
    for field, text, longest in (("title", title, IDEA_TITLE_MAX), ("body", body, IDEA_BODY_MAX)):
        if not text:
            errors[field] = missing
        elif len(text) > longest:
            errors[field] = too_long
    if theme is not None and len(theme) > IDEA_THEME_MAX:
        errors["theme"] = _l("Keep the theme under %(n)s characters.", n=IDEA_THEME_MAX)
    return errors


def co_carry(idea: Idea, participant: Participant) -> bool:
    """Carry an idea with its carrier; returns True if this call added a co-carrier.

    Once per participant: the primary key (idea, participant) makes a double tap a no-op.
    """
    if participant.consultation_id != idea.consultation_id:
        raise DeliberationError(_l("This participation token belongs to another consultation."))
    if participant.id == idea.carrier_id:
        raise DeliberationError(_l("You already carry this idea."))
    if idea.visibility is not Visibility.visible:
        raise DeliberationError(_l("This idea was hidden by moderation."))
    refuse_unless_running(idea.consultation)
    begin_write()
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    added = db.session.execute(insert(IdeaCoCarrier).values(idea_id=idea.id, participant_id=participant.id)
                               .on_conflict_do_nothing()).rowcount > 0
    db.session.commit()
    return added


def remove_co_carrier(idea: Idea, participant_id: int) -> bool:
    """The co-carrier steps back, or a facilitator removes them."""
    begin_write()
    removed = db.session.execute(IdeaCoCarrier.__table__.delete().where(
        IdeaCoCarrier.idea_id == idea.id, IdeaCoCarrier.participant_id == participant_id)).rowcount > 0
    db.session.commit()
    return removed


def support_counts(consultation: Consultation) -> dict[int, int]:
    rows = db.session.execute(
        select(Support.idea_id, func.count()).join(Idea, Idea.id == Support.idea_id)
        .where(Idea.consultation_id == consultation.id).group_by(Support.idea_id))
    return dict(rows.all())


# --- The three ways of voting -----------------------------------------------------------


def _already_recorded(model, vote_uuid: str) -> bool:
    # Checked before anything else: a kiosk re-sending a vote after the votes closed must
    # hear "already counted", not "refused", or it would keep retrying forever.
    return db.session.scalar(select(model.id).where(model.uuid == vote_uuid)) is not None


def _check_votes_open(consultation: Consultation, participant: Participant):
    if participant.consultation_id != consultation.id:
        raise DeliberationError(_l("This participation token belongs to another consultation."))
    refuse_unless_running(consultation)
    if not consultation.votes_open:
        raise DeliberationError(_l("Votes are closed in this consultation."))


def support_idea(idea: Idea, participant: Participant, *, uuid: str, origin: Origin) -> bool:
    """Support an idea once; returns True if this call counted a new support."""
    vote_uuid = _uuid(uuid)
    begin_write()
    if _already_recorded(Support, vote_uuid):
        db.session.rollback()
        return False
    consultation = idea.consultation
    _check_votes_open(consultation, participant)
    if idea.visibility is not Visibility.visible:
        raise DeliberationError(_l("This idea is not open to support."))
    if consultation.support_cap is not None:
        # Serialise this participant's supports so that two at once cannot pass the cap.
        db.session.execute(select(Participant.id).where(Participant.id == participant.id).with_for_update())
        used = db.session.scalar(select(func.count()).select_from(Support).join(Idea, Idea.id == Support.idea_id)
                                 .where(Support.participant_id == participant.id,
                                        Idea.consultation_id == consultation.id, Support.idea_id != idea.id))
        if used >= consultation.support_cap:
            db.session.rollback()
            raise DeliberationError(_l("You have used all your supports (%(n)s).", n=consultation.support_cap))
    created = insert_ignoring_duplicates(Support, dict(
        uuid=vote_uuid, idea_id=idea.id, participant_id=participant.id, origin=origin, created_at=utcnow(),
    )) is not None  # a repeat (same UUID) or a second support (same idea and participant)
    db.session.commit()
    return created


def withdraw_support(idea: Idea, participant: Participant) -> bool:
    begin_write()
    _check_votes_open(idea.consultation, participant)
    result = db.session.execute(Support.__table__.delete().where(
        Support.idea_id == idea.id, Support.participant_id == participant.id))
    db.session.commit()
    return result.rowcount > 0


def vote_on_statement(statement: Statement, participant: Participant, value: int, *, uuid: str,
                      origin: Origin) -> bool:
    """Agree (1), disagree (-1) or pass (0); a re-vote replaces the previous one.

    Returns False when this exact vote (same UUID) was already recorded.
    """
    vote_uuid = _uuid(uuid)
    if value not in (-1, 0, 1):
        raise DeliberationError(_l("A vote is agree, disagree or pass."))
    begin_write()
    if _already_recorded(StatementVoteReceipt, vote_uuid):
        db.session.rollback()
        return False
    consultation = db.session.get(Consultation, statement.consultation_id)
    _check_votes_open(consultation, participant)
    if statement.moderation is Moderation.rejected:
        raise DeliberationError(_l("This statement was removed by moderation."))
    if not statement.is_shown:  # held, or waiting for a moderator in "strict" moderation
        raise DeliberationError(_l("This statement is waiting for a moderator."))
    if insert_ignoring_duplicates(StatementVoteReceipt, dict(uuid=vote_uuid, received_at=utcnow())) is None:
        db.session.rollback()
        return False
    upsert(StatementVote, dict(uuid=vote_uuid, statement_id=statement.id, participant_id=participant.id,
                               value=value, origin=origin, voted_at=utcnow()),
           conflict_columns=["statement_id", "participant_id"], update_columns=["uuid", "value", "origin", "voted_at"])
    db.session.commit()
    return True


def pairwise_counts(consultation: Consultation) -> dict[int, int]:
    """How many comparisons each idea has been in, to show the least compared first."""
    counts: dict[int, int] = {}
    for winner, loser in db.session.execute(select(PairwiseVote.winner_id, PairwiseVote.loser_id)
                                            .where(PairwiseVote.consultation_id == consultation.id)):
        counts[winner] = counts.get(winner, 0) + 1
        counts[loser] = counts.get(loser, 0) + 1
    return counts


def pairwise_ranking(consultation: Consultation) -> list:
    """Visible ideas by their estimated chance of beating a random other idea (IdeaScore)."""
    ideas = db.session.scalars(select(Idea.id).where(
        Idea.consultation_id == consultation.id, Idea.visibility == Visibility.visible)).all()
    comparisons = db.session.execute(select(PairwiseVote.winner_id, PairwiseVote.loser_id).where(
        PairwiseVote.consultation_id == consultation.id)).all()
    visible = set(ideas)
    return rank_ideas([(w, l) for w, l in comparisons if w in visible and l in visible], ideas)


def vote_pairwise(winner: Idea, loser: Idea, participant: Participant, *, uuid: str, origin: Origin) -> bool:
    vote_uuid = _uuid(uuid)
    if winner.id == loser.id or winner.consultation_id != loser.consultation_id:
        raise DeliberationError(_l("Compare two different ideas of the same consultation."))
    begin_write()
    if _already_recorded(PairwiseVote, vote_uuid):
        db.session.rollback()
        return False
    _check_votes_open(winner.consultation, participant)
    created = insert_ignoring_duplicates(PairwiseVote, dict(
        uuid=vote_uuid, consultation_id=winner.consultation_id, participant_id=participant.id,
        winner_id=winner.id, loser_id=loser.id, origin=origin, created_at=utcnow(),
    ), conflict_columns=["uuid"]) is not None
    db.session.commit()
    return created


# --- Debates and moderation -------------------------------------------------------------


def add_comment(idea: Idea, participant: Participant, body: str, position: Position, *, uuid: str,
                parent: Comment | None = None, language="fr") -> tuple[Comment, bool]:
    """Returns (comment, created); a re-sent comment (same UUID) is returned as it was."""
    comment_uuid = _uuid(uuid)
    existing = db.session.scalar(select(Comment).where(Comment.uuid == comment_uuid))
    if existing is not None:  # a re-send, even after the closing: acknowledged as stored
        return existing, False
    if idea.visibility is not Visibility.visible:
        raise DeliberationError(_l("This idea was hidden by moderation."))
    refuse_unless_running(idea.consultation)
    body = (body or "").strip()
    if not body or len(body) > COMMENT_MAX:
        raise FormRefused({"body": _l("A comment has between 1 and %(n)s characters.", n=COMMENT_MAX)})
    if parent is not None and (parent.idea_id != idea.id or parent.parent_id is not None):
        raise DeliberationError(_l("Replies go two levels deep at most."))
    if participant.consultation_id != idea.consultation_id:
        raise DeliberationError(_l("This participation token belongs to another consultation."))
    checked = clean_and_check(body)
    held = held_reason(idea.consultation, checked)
    begin_write()
    created = insert_ignoring_duplicates(Comment, dict(
        uuid=comment_uuid, idea_id=idea.id, parent_id=getattr(parent, "id", None), participant_id=participant.id,
        body=checked.text, position=position, language=language, created_at=utcnow(),
        visibility=Visibility.hidden if held else Visibility.visible, held_reason=held,
    ), conflict_columns=["uuid"]) is not None
    db.session.commit()
    return db.session.scalar(select(Comment).where(Comment.uuid == comment_uuid)), created


def store_report(model, conflict_columns: list[str], *, reason: str = "", **row):
    """Store a resident's report once per person and text (comments, statements, ideas,
    questions...). The reason is scrubbed before the write lock is taken: the scrubber's
    model may take milliseconds, and SQLite has one writer at a time."""
    reason = scrub((reason or "").strip())[:300]
    begin_write()
    insert_ignoring_duplicates(model, dict(row, reason=reason, created_at=utcnow()),
                               conflict_columns=conflict_columns)
    db.session.commit()


def report_comment(comment: Comment, participant: Participant, reason: str = ""):
    store_report(CommentReport, ["comment_id", "participant_id"], reason=reason,
                 comment_id=comment.id, participant_id=participant.id)


def report_text(kind: str, item_id: int, consultation: Consultation, participant: Participant, reason: str = ""):
    """A resident reports an idea, a question or another kind of text; once per person and text."""
    store_report(TextReport, ["kind", "item_id", "participant_id"], reason=reason, kind=kind,
                 item_id=item_id, consultation_id=consultation.id, participant_id=participant.id)


def held_reason(consultation: Consultation, *checked) -> HeldReason | None:
    """Why a resident's new text must wait for a moderator, or None to publish it now:
    the consultation pre-moderates, or the scrubber was unsure about one of its parts."""
    if consultation.premoderation:
        return HeldReason.premoderation
    if any(part.unsure for part in checked):
        return HeldReason.scrubber
    return None


def hide(item: Comment | Idea | InstitutionQuestion, moderator, reason: str):
    """Hide a comment, an idea or a question; the reason is shown to its author."""
    reason = (reason or "").strip()
    if not reason:
        raise DeliberationError(_l("Give the reason: the author will see it."))
    item.visibility, item.hidden_reason, item.held_reason = Visibility.hidden, reason[:300], None
    if isinstance(item, (Comment, InstitutionQuestion)):
        item.moderated_by_id = getattr(moderator, "id", None)
    if isinstance(item, Comment):
        _resolve_reports(item)


def restore(item: Comment | Idea | InstitutionQuestion, moderator):
    item.visibility, item.hidden_reason, item.held_reason = Visibility.visible, None, None
    if isinstance(item, (Comment, InstitutionQuestion)):
        item.moderated_by_id = getattr(moderator, "id", None)
    if isinstance(item, Comment):
        _resolve_reports(item)


def _resolve_reports(comment: Comment):
    db.session.execute(CommentReport.__table__.update().where(
        CommentReport.comment_id == comment.id, CommentReport.resolved_at.is_(None)).values(resolved_at=utcnow()))


# --- Institutions answer ----------------------------------------------------------------


def answer_idea(idea: Idea, institution, author, status: AnswerStatus, text: str, planned_for=None) -> OfficialAnswer:
    text = without_control_characters(text or "").strip()  # PostgreSQL refuses a NUL in text
    if not text:
        raise DeliberationError(_l("An official answer needs a text."))
    answer = OfficialAnswer(idea_id=idea.id, institution=institution, author_id=getattr(author, "id", None),
                            status=status, text=text, planned_for=planned_for)
    db.session.add(answer)
    db.session.flush()
    return answer


# --- Residents' questions to institutions --------------------------------------------


def institutions_for(consultation: Consultation) -> list[Institution]:
    """The institutions residents may question here: those whose territory contains the
    consultation's (the same ones whose accounts may answer its ideas)."""
    around = [territory.id for territory in consultation.territory.lineage()]
    return db.session.scalars(select(Institution).where(Institution.territory_id.in_(around))
                              .order_by(Institution.name)).all()


def check_question(consultation: Consultation, institution_id, text: str) -> tuple[Institution, str]:
    """The institution and the trimmed text of a question, or the reason it is refused.

    Run on the first step of the form too, so that the resident confirms a question
    that will be accepted.
    """
    refuse_unless_running(consultation)
    institution = next((i for i in institutions_for(consultation) if str(i.id) == str(institution_id)), None)
    text = (text or "").strip()
    errors = {}
    if institution is None:
        errors["institution"] = _l("Choose the institution your question is for.")
    if not text or len(text) > QUESTION_MAX:
        errors["text"] = _l("A question has between 1 and %(n)s characters.", n=QUESTION_MAX)
    if errors:
        raise FormRefused(errors)
    return institution, text


def ask_question(consultation: Consultation, asker: Participant, institution_id, text: str, *, uuid: str,
                 language="fr") -> tuple[InstitutionQuestion, bool]:
    """Returns (question, created); a re-sent question (same UUID) is returned as it was.

    The UUID is checked first: a question re-sent after the consultation closed must hear
    "already sent", not "refused".
    """
    question_uuid = _uuid(uuid)
    existing = db.session.scalar(select(InstitutionQuestion).where(InstitutionQuestion.uuid == question_uuid))
    if existing is not None:
        return existing, False
    if asker.consultation_id != consultation.id:
        raise DeliberationError(_l("This participation token belongs to another consultation."))
    institution, text = check_question(consultation, institution_id, text)
    checked = clean_and_check(text)
    held = held_reason(consultation, checked)
    begin_write()
    created = insert_ignoring_duplicates(InstitutionQuestion, dict(
        uuid=question_uuid, consultation_id=consultation.id, asker_id=asker.id, institution_id=institution.id,
        text=checked.text, language=language, created_at=utcnow(),
        visibility=Visibility.hidden if held else Visibility.visible, held_reason=held,
    ), conflict_columns=["uuid"]) is not None
    db.session.commit()
    return db.session.scalar(select(InstitutionQuestion).where(InstitutionQuestion.uuid == question_uuid)), created


def question_sent(form_uuid) -> bool:
    """Whether a question with this UUID is already stored (False for anything not a UUID)."""
    try:
        question_uuid = _uuid(form_uuid)
    except DeliberationError:
        return False
    return db.session.scalar(select(InstitutionQuestion.id).where(InstitutionQuestion.uuid == question_uuid)) is not None


def visible_questions(consultation: Consultation) -> list[InstitutionQuestion]:
    """What residents read: the questions moderators left visible, oldest first, with their answers."""
    return db.session.scalars(select(InstitutionQuestion).where(
        InstitutionQuestion.consultation_id == consultation.id, InstitutionQuestion.visibility == Visibility.visible)
        .order_by(InstitutionQuestion.id).options(selectinload(InstitutionQuestion.answers),
                                                  selectinload(InstitutionQuestion.institution))).all()


def answer_question(question: InstitutionQuestion, author, text: str, *, uuid: str) -> bool:
    """The addressed institution answers in public; returns False for a form sent twice.

    Not scrubbed, like the answers to ideas: an institution may give a service's phone number.
    """
    answer_uuid = _uuid(uuid)
    text = without_control_characters(text or "").strip()
    if not text:
        raise DeliberationError(_l("An official answer needs a text."))
    begin_write()
    created = insert_ignoring_duplicates(QuestionAnswer, dict(
        uuid=answer_uuid, question_id=question.id, author_id=getattr(author, "id", None), text=text,
        answered_at=utcnow(),
    ), conflict_columns=["uuid"]) is not None
    db.session.commit()
    return created


# --- Steering committees ----------------------------------------------------------------


def volunteer(committee, participant: Participant, display_name: str, *, gender=None, age_bracket=None):
    # The first name or pseudonym is the point of the field (facilitators call volunteers by
    # it); a phone number, an e-mail or "Mme Benali" typed into it is scrubbed all the same.
    name = clean_display_name(display_name or "")
    if len(name) > 80 or not _has_name(name):
        raise DeliberationError(_l("Give a first name or a pseudonym (80 characters at most)."))
    begin_write()
    insert_ignoring_duplicates(CommitteeMember, dict(
        committee_id=committee.id, participant_id=participant.id, display_name=name, gender=gender,
        age_bracket=age_bracket, status=MembershipStatus.volunteered, is_resident=True, created_at=utcnow(),
    ), conflict_columns=["committee_id", "participant_id"])
    db.session.commit()


def _has_name(text: str) -> bool:
    """Something other than placeholders and punctuation is left to call the volunteer by."""
    for placeholder in PLACEHOLDERS:
        text = text.replace(placeholder, " ")
    return any(c.isalnum() for c in text)


def validate_member(member: CommitteeMember, facilitator, accept=True):
    member.status = MembershipStatus.validated if accept else MembershipStatus.declined
    member.validated_by_id, member.validated_at = facilitator.id, utcnow()


def resident_members(committee) -> int:
    return db.session.scalar(select(func.count()).select_from(CommitteeMember).where(
        CommitteeMember.committee_id == committee.id, CommitteeMember.is_resident.is_(True),
        CommitteeMember.status == MembershipStatus.validated))


