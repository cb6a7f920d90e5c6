"""Deliberation: consultations, ideas, the three ways of voting, debates, answers, committees.

Every vote has a client UUID (idempotency key) and a UNIQUE constraint on what must not
happen twice (one support per participant and idea, one current opinion per participant
and statement): the database, not a Python check, keeps tallies exact.
"""
import enum
import secrets
from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voix.extensions import db
from voix.i18n import localized
from voix.institutions.models import Institution
from voix.invitations import new_invitation_code, track_invitation_depth
from voix.models import created_at_column, enum_type, utcnow
from voix.territories.models import Territory


class Phase(enum.Enum):
    proposing = "proposing"
    voting = "voting"
    answering = "answering"
    closed = "closed"


class StatementModeration(enum.Enum):
    """How residents' statements are published (Pol.is's "strict moderation" switch)."""

    strict = "strict"  # shown once a moderator accepts it
    open = "open"  # shown at once; residents may report it


class Consultation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[dict] = mapped_column(JSON)  # {language: text}
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"))
    phase: Mapped[Phase] = mapped_column(enum_type(Phase), default=Phase.proposing)
    # Per-phase switches (Decidim's "step settings"), changed by facilitators.
    proposals_open: Mapped[bool] = mapped_column(default=True)
    votes_open: Mapped[bool] = mapped_column(default=False)
    results_hidden: Mapped[bool] = mapped_column(default=False)  # until the consultation closes
    # Every idea, comment and question waits for a moderator before it is shown.
    premoderation: Mapped[bool] = mapped_column(default=False)
    statement_moderation: Mapped[StatementModeration] = mapped_column(
        enum_type(StatementModeration), default=StatementModeration.open, server_default="open")
    support_cap: Mapped[int | None]  # supports per participant, None = no cap
    opens_on: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closes_on: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()
    # Pol.is's k smoother memory between opinion group updates (opinion_groups.smooth_k):
    # {"last_k", "last_k_count", "smoothed_k", "votes"}; None before the first update.
    opinion_k_state: Mapped[dict | None] = mapped_column(JSON)

    territory: Mapped[Territory] = relationship()

    __table_args__ = (CheckConstraint("support_cap IS NULL OR support_cap > 0", name="support_cap"),)

    def __repr__(self):
        return f"<Consultation {self.id} {self.phase.value}>"

    def display_title(self, language=None) -> str:
        return localized(self.title, language)

    @property
    def shows_results(self) -> bool:
        return not self.results_hidden or self.is_closed

    # The schedule is read from the clock at each request: no background job has to
    # flip a switch at midnight, and a kiosk that reloads a page sees the new state.
    @property
    def has_opened(self) -> bool:
        return self.opens_on is None or _as_utc(self.opens_on) <= utcnow()

    @property
    def is_closed(self) -> bool:
        """Closed by a facilitator (last phase) or by its closing date."""
        return self.phase is Phase.closed or (self.closes_on is not None and _as_utc(self.closes_on) <= utcnow())

    @property
    def is_running(self) -> bool:
        """Between its opening and its closing, whatever the phase: when residents may
        comment and ask institutions questions."""
        return self.has_opened and not self.is_closed

    @property
    def accepts_proposals(self) -> bool:
        return self.proposals_open and self.is_running

    @property
    def accepts_votes(self) -> bool:
        return self.votes_open and self.is_running


def _as_utc(moment: datetime) -> datetime:
    # SQLite gives naive datetimes back; they are stored in UTC.
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


class Origin(enum.Enum):
    """Where a vote or contribution was made: evaluators compare kiosks and personal devices."""

    kiosk = "kiosk"
    personal = "personal"
    mediator = "mediator"  # recorded by a facilitator for a resident, in person
    paper = "paper"  # typed in from a paper ballot
    imported = "imported"  # from another platform (Pol.is)


class ResidentAccount(db.Model):
    """An optional pseudonymous account, so a resident can follow their ideas."""

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = created_at_column()

    def __repr__(self):
        return f"<ResidentAccount {self.pseudonym}>"


class Participant(db.Model):
    """One person in one consultation: a kiosk or phone token, an account, or an import."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: secrets.token_urlsafe(24))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident_account.id", ondelete="SET NULL"))
    external_id: Mapped[str | None] = mapped_column(String(64))  # e.g. Pol.is participant id
    # A kiosk's outbox names the resident who acted offline with a UUID of its own: sent
    # again after a lost answer, it must give the same participant, not a second one.
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    origin: Mapped[Origin] = mapped_column(enum_type(Origin))
    created_at: Mapped[datetime] = created_at_column()
    # "About you", all optional: for the participation indicators (women, young people,
    # exchanges between quartiers).
    gender: Mapped[str | None] = mapped_column(String(20))
    age_bracket: Mapped[str | None] = mapped_column(String(20))
    quartier_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id"))
    # The code this participant passes on to neighbours, and the one that brought them here.
    invitation_code: Mapped[str | None] = mapped_column(String(20), unique=True, default=new_invitation_code)
    invited_by_code: Mapped[str | None] = mapped_column(String(20))
    # Their place in an invitation chain, set on arrival (voix/invitations.py).
    invitation_depth: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    # The opinion group the last computation placed them in (None: not placed).
    opinion_group: Mapped[int | None] = mapped_column(SmallInteger)

    consultation: Mapped[Consultation] = relationship()
    resident: Mapped[ResidentAccount | None] = relationship()

    __table_args__ = (
        UniqueConstraint("consultation_id", "resident_id"),
        UniqueConstraint("consultation_id", "external_id"),
    )

    def __repr__(self):
        return f"<Participant {self.id} c={self.consultation_id}>"


track_invitation_depth(Participant)


class EarlierOutboxName(db.Model):
    """A name a kiosk's outbox gave a participant in an earlier visit: `client_uuid` holds
    only the latest, and what still waits on that earlier tablet must join the same
    participant, not count as a second one (operations.participant_named)."""
    client_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)


class Visibility(enum.Enum):
    visible = "visible"
    hidden = "hidden"  # by a moderator, with a reason the author sees


class HeldReason(enum.Enum):
    """Why a resident's text waits, hidden, for a moderator before anyone else reads it."""

    scrubber = "scrubber"  # the personal-data scrubber was unsure (voix.privacy)
    premoderation = "premoderation"  # the consultation pre-moderates everything


class Idea(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)  # scrubbed of personal data
    theme: Mapped[str | None] = mapped_column(String(60))
    photo: Mapped[str | None] = mapped_column(String(100))  # file name in the instance uploads folder
    photo_alt: Mapped[str | None] = mapped_column(String(200))  # what the photo shows, for screen readers
    carrier_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    visibility: Mapped[Visibility] = mapped_column(enum_type(Visibility), default=Visibility.visible)
    hidden_reason: Mapped[str | None] = mapped_column(String(300))
    held_reason: Mapped[HeldReason | None] = mapped_column(enum_type(HeldReason))  # hidden until approved
    language: Mapped[str] = mapped_column(String(10), default="fr")
    created_at: Mapped[datetime] = created_at_column()

    consultation: Mapped[Consultation] = relationship()
    carrier: Mapped[Participant] = relationship()
    co_carriers: Mapped[list[Participant]] = relationship(secondary="idea_co_carrier")

    def __repr__(self):
        return f"<Idea {self.id} {self.title!r}>"


class IdeaCoCarrier(db.Model):
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True)

    def __repr__(self):
        return f"<IdeaCoCarrier idea={self.idea_id} p={self.participant_id}>"


class Support(db.Model):
    """One participant supports one idea, at most once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    origin: Mapped[Origin] = mapped_column(enum_type(Origin))
    created_at: Mapped[datetime] = created_at_column()

    __table_args__ = (
        UniqueConstraint("idea_id", "participant_id"),
        # Who supported what in a period, read from the index alone (insights/indicators).
        Index("ix_support_created", "created_at", "participant_id", "idea_id"),
    )

    def __repr__(self):
        return f"<Support idea={self.idea_id} p={self.participant_id}>"


class Moderation(enum.Enum):
    accepted = "accepted"
    unmoderated = "unmoderated"
    rejected = "rejected"


class Statement(db.Model):
    """A short statement to agree with, disagree with or pass (Pol.is style)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(500))  # scrubbed of personal data when a resident wrote it
    author_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"))
    external_id: Mapped[str | None] = mapped_column(String(64))
    # A resident's statement comes with a client UUID: sent twice, stored once (None: imported, demo).
    uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    language: Mapped[str | None] = mapped_column(String(10))
    moderation: Mapped[Moderation] = mapped_column(enum_type(Moderation), default=Moderation.unmoderated)
    held_reason: Mapped[HeldReason | None] = mapped_column(enum_type(HeldReason))  # hidden until accepted
    # About the conversation or the participant, not an opinion: shown, not clustered.
    is_meta: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = created_at_column()

    consultation: Mapped[Consultation] = relationship()

    __table_args__ = (UniqueConstraint("consultation_id", "external_id"),)

    def __repr__(self):
        return f"<Statement {self.id}>"

    @property
    def is_shown(self) -> bool:
        """Whether residents see it and vote on it (the same rule as `shown_statements`)."""
        if self.moderation is Moderation.rejected or self.held_reason is not None:
            return False
        return (self.moderation is Moderation.accepted
                or self.consultation.statement_moderation is StatementModeration.open)


class StatementReport(db.Model):
    """A resident reports a statement (consultations in "open" moderation show them at once)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = created_at_column()
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("statement_id", "participant_id"),)

    def __repr__(self):
        return f"<StatementReport statement={self.statement_id}>"


class StatementVote(db.Model):
    """A participant's current opinion on a statement; a re-vote replaces it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)  # of the latest vote
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(SmallInteger)  # 1 agree, -1 disagree, 0 pass
    origin: Mapped[Origin] = mapped_column(enum_type(Origin))
    voted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("statement_id", "participant_id"),
        CheckConstraint("value IN (-1, 0, 1)", name="value"),
        Index("ix_statement_vote_voted", "voted_at", "participant_id"),  # who voted in a period (indicators)
        # Each statement's latest vote by an index seek: the opinion map's cache key; with
        # participant_id and value, a consultation's votes are read from the index alone
        # (the opinion groups' first computation, migration 0025).
        Index("ix_statement_vote_statement_voted", "statement_id", "voted_at", "participant_id", "value"),
    )

    def __repr__(self):
        return f"<StatementVote s={self.statement_id} p={self.participant_id} {self.value}>"


class StatementVoteReceipt(db.Model):
    """Every statement vote UUID ever received.

    A re-vote replaces the StatementVote row (and its UUID), so without this log a late
    re-send of an older vote from an offline kiosk would overwrite a newer one.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    received_at: Mapped[datetime] = created_at_column()

    def __repr__(self):
        return f"<StatementVoteReceipt {self.uuid}>"


class PairwiseVote(db.Model):
    """One "which do you prefer?" answer between two ideas."""

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    winner_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"))
    loser_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"))
    origin: Mapped[Origin] = mapped_column(enum_type(Origin))
    created_at: Mapped[datetime] = created_at_column()

    __table_args__ = (
        CheckConstraint("winner_id <> loser_id", name="two_ideas"),
        Index("ix_pairwise_vote_created", "created_at", "participant_id"),  # who voted in a period (indicators)
    )

    def __repr__(self):
        return f"<PairwiseVote {self.winner_id}>{self.loser_id}>"


class Position(enum.Enum):
    for_ = "for"
    neutral = "neutral"
    against = "against"


class Comment(db.Model):
    """A debate comment on an idea; replies go two levels deep at most."""

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)  # scrubbed of personal data
    position: Mapped[Position] = mapped_column(enum_type(Position))
    visibility: Mapped[Visibility] = mapped_column(enum_type(Visibility), default=Visibility.visible)
    hidden_reason: Mapped[str | None] = mapped_column(String(300))
    held_reason: Mapped[HeldReason | None] = mapped_column(enum_type(HeldReason))  # hidden until approved
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(10), default="fr")
    created_at: Mapped[datetime] = created_at_column()

    parent: Mapped["Comment | None"] = relationship(remote_side=[id])
    participant: Mapped[Participant] = relationship()

    __table_args__ = (Index("ix_comment_created", "created_at", "participant_id"),)  # debates of a period (indicators)

    def __repr__(self):
        return f"<Comment {self.id} idea={self.idea_id}>"


class CommentReport(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = created_at_column()
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("comment_id", "participant_id"),)

    def __repr__(self):
        return f"<CommentReport comment={self.comment_id}>"


class TextReport(db.Model):
    """A resident's report of an idea, a question or another kind of text, for the
    moderation queue (deliberation/moderation.py). Comments keep their CommentReport."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # a moderation TextKind name: "idea", "question"...
    item_id: Mapped[int]
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = created_at_column()
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("kind", "item_id", "participant_id"),  # one report per person and text
        Index("ix_text_report_consultation", "consultation_id", "resolved_at"),
    )

    def __repr__(self):
        return f"<TextReport {self.kind} {self.item_id}>"


class AnswerStatus(enum.Enum):
    under_study = "under_study"
    accepted = "accepted"
    refused = "refused"  # always with a reason
    done = "done"


class OfficialAnswer(db.Model):
    """An institution's public answer to an idea; a later answer updates the status."""

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    status: Mapped[AnswerStatus] = mapped_column(enum_type(AnswerStatus))
    text: Mapped[str] = mapped_column(Text)
    planned_for: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    institution: Mapped[Institution] = relationship()

    __table_args__ = (Index("ix_official_answer_institution", "institution_id", "answered_at"),)

    def __repr__(self):
        return f"<OfficialAnswer idea={self.idea_id} {self.status.value}>"


class InstitutionQuestion(db.Model):
    """A resident's question to one institution, asked in a consultation and answered in public.

    Its UUID comes with the form: a question sent twice (double tap, re-sent form) is
    stored once.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    text: Mapped[str] = mapped_column(Text)  # scrubbed of personal data
    language: Mapped[str] = mapped_column(String(10), default="fr")
    visibility: Mapped[Visibility] = mapped_column(enum_type(Visibility), default=Visibility.visible)
    hidden_reason: Mapped[str | None] = mapped_column(String(300))
    held_reason: Mapped[HeldReason | None] = mapped_column(enum_type(HeldReason))  # hidden until approved
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()

    consultation: Mapped[Consultation] = relationship()
    asker: Mapped[Participant] = relationship()
    institution: Mapped[Institution] = relationship()
    answers: Mapped[list["QuestionAnswer"]] = relationship(order_by="QuestionAnswer.answered_at",
                                                           back_populates="question")

    # The questions of a period and who asked them, read from the index (indicators).
    __table_args__ = (Index("ix_institution_question_created", "created_at", "asker_id"),)

    def __repr__(self):
        return f"<InstitutionQuestion {self.id} to institution {self.institution_id}>"


class QuestionAnswer(db.Model):
    """The addressed institution's public answer to a question; it may add another later.

    Not an OfficialAnswer: a question has no status (accepted, refused...) nor planned
    date, and every idea-answer query would have to learn that idea_id may be missing.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)  # of the staff form: a double click publishes once
    question_id: Mapped[int] = mapped_column(ForeignKey("institution_question.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    question: Mapped[InstitutionQuestion] = relationship(back_populates="answers")

    def __repr__(self):
        return f"<QuestionAnswer question={self.question_id}>"


class Committee(db.Model):
    """A steering committee (comité de pilotage) of a consultation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at_column()

    members: Mapped[list["CommitteeMember"]] = relationship(back_populates="committee")

    def __repr__(self):
        return f"<Committee {self.name!r}>"


class MembershipStatus(enum.Enum):
    volunteered = "volunteered"
    validated = "validated"
    declined = "declined"


class CommitteeMember(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    display_name: Mapped[str] = mapped_column(String(80))  # first name or pseudonym, shown to the committee
    is_resident: Mapped[bool] = mapped_column(default=True)
    # Optional, for the participation indicators (women, young people).
    gender: Mapped[str | None] = mapped_column(String(20))
    age_bracket: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[MembershipStatus] = mapped_column(enum_type(MembershipStatus), default=MembershipStatus.volunteered)
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()
    validated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    committee: Mapped[Committee] = relationship(back_populates="members")

    __table_args__ = (UniqueConstraint("committee_id", "participant_id"),)

    def __repr__(self):
        return f"<CommitteeMember {self.display_name!r} {self.status.value}>"




class PaperBallot(db.Model):
    """Supports from a paper ballot session, typed in by a facilitator.

    Its UUID comes with the form: a form sent twice is recorded once. Each support it
    records comes from a new participant (origin paper, external_id "paper:BALLOT:...").
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")  # where and when, e.g. "Fête du Sanitas"
    supports: Mapped[int]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()

    def __repr__(self):
        return f"<PaperBallot {self.id} c={self.consultation_id} {self.supports}>"


class ResidentSession(db.Model):
    """A resident's sign-in, kept on the server; the cookie only carries its random id.

    Deleting the row (sign-out, kiosk reset) makes a copied cookie useless, as for staff.
    """

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=lambda: secrets.token_urlsafe(32))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = created_at_column()

    resident: Mapped[ResidentAccount] = relationship()

    def __repr__(self):
        return f"<ResidentSession resident={self.resident_id}>"
