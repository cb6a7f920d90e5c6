import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
    exists,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voix.extensions import db
from voix.i18n import localized
from voix.invitations import new_invitation_code, track_invitation_depth
from voix.languages import ordered_languages
from voix.models import created_at_column, enum_type, local_today, utcnow
from voix.territories.models import Territory


class Questionnaire(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[dict] = mapped_column(JSON)  # {language: text}
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"))
    # The optional "about you" block: gender, age bracket, quartier, who invited you.
    ask_about_you: Mapped[bool] = mapped_column(default=True)
    # Chosen once, at creation: anonymous cross-sections (False) or a panel, where each
    # resident keeps a pseudonymous card code that links their answers wave after wave.
    panel: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()

    territory: Mapped[Territory] = relationship()
    versions: Mapped[list["QuestionnaireVersion"]] = relationship(
        back_populates="questionnaire", order_by="QuestionnaireVersion.number"
    )
    waves: Mapped[list["Wave"]] = relationship(back_populates="questionnaire", order_by="Wave.number")

    def __repr__(self):
        return f"<Questionnaire {self.id} {self.title.get('fr')!r}>"

    def display_title(self, language=None) -> str:
        return localized(self.title, language)

    @property
    def latest_version(self) -> "QuestionnaireVersion | None":
        return self.versions[-1] if self.versions else None


class QuestionnaireVersion(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id", ondelete="CASCADE"))
    number: Mapped[int]
    created_at: Mapped[datetime] = created_at_column()

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="versions")
    questions: Mapped[list["Question"]] = relationship(
        back_populates="version", order_by="Question.position", cascade="all, delete-orphan"
    )
    # Parts (LimeSurvey's groups, XLSForm's groups): a title and a display condition that
    # holds for every question of the part, which Question.group_code names (migration 0025):
    # [{"code": "foyer", "title": {"fr": "Votre foyer", ...}, "condition": tree or None}].
    groups: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")

    __table_args__ = (UniqueConstraint("questionnaire_id", "number"),)

    def __repr__(self):
        return f"<QuestionnaireVersion {self.questionnaire_id}v{self.number}>"

    @property
    def is_locked(self) -> bool:
        """Once any response uses this version, its questions may no longer change."""
        return db.session.scalar(select(exists().where(Response.version_id == self.id)))

    def question(self, code: str) -> "Question | None":
        return next((q for q in self.questions if q.code == code), None)

    def group(self, code: str | None) -> dict | None:
        return next((group for group in self.groups or [] if group["code"] == code), None) if code else None

    @property
    def languages(self) -> list[str]:
        """The content languages: those of its question texts, French first (derived, not
        stored: a language exists as soon as one text is written in it)."""
        return ordered_languages(code for question in self.questions for code in question.text)


class QuestionType(enum.Enum):
    single_choice = "single_choice"
    multiple_choice = "multiple_choice"
    agreement = "agreement"  # 5-point agreement scale plus "don't know"
    smiley = "smiley"  # 5 faces, each with a text alternative
    yes_no = "yes_no"
    number = "number"
    date = "date"
    short_text = "short_text"
    long_text = "long_text"
    ranking = "ranking"
    # Rows sharing one scale (the options): one answer, or several, per row.
    matrix_single = "matrix_single"
    matrix_multiple = "matrix_multiple"
    # Several labelled items (the rows), each a number or a short text.
    multiple_number = "multiple_number"
    multiple_short_text = "multiple_short_text"
    # A text to read (a note, an introduction to a part): nothing to answer.
    information = "information"


# Types whose answer is {row or item code: value}; their `rows` list the rows or items.
MATRIX_TYPES = {QuestionType.matrix_single, QuestionType.matrix_multiple}
ITEMS_TYPES = {QuestionType.multiple_number, QuestionType.multiple_short_text}
WITH_ROWS = MATRIX_TYPES | ITEMS_TYPES


class Question(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id", ondelete="CASCADE"))
    # Stable across versions: same code means same meaning, type and options.
    code: Mapped[str] = mapped_column(String(40))
    position: Mapped[int]
    type: Mapped[QuestionType] = mapped_column(enum_type(QuestionType))
    required: Mapped[bool] = mapped_column(default=False)
    text: Mapped[dict] = mapped_column(JSON)  # {language: text}
    help: Mapped[dict] = mapped_column(JSON, default=dict)
    # [{"code": "bus", "label": {"fr": "Le bus", ...}}, ...] for choice and ranking types.
    options: Mapped[list] = mapped_column(JSON, default=list)
    # Type-specific limits, e.g. {"min": 0, "max": 120} for numbers.
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    # Matrix rows, or the items of a multiple number / short text question, written like
    # options: [{"code": "bus", "label": {"fr": "Le bus", ...}}, ...] (migration 0019).
    rows: Mapped[list] = mapped_column(JSON, default=list)
    # When to show it: an expression tree on earlier answers (surveys/conditions.py).
    condition: Mapped[dict | None] = mapped_column(JSON)
    # The code of its part (QuestionnaireVersion.groups), whose condition applies to it too.
    group_code: Mapped[str | None] = mapped_column(String(40))

    version: Mapped[QuestionnaireVersion] = relationship(back_populates="questions")

    __table_args__ = (UniqueConstraint("version_id", "code"),)

    def __repr__(self):
        return f"<Question {self.code} ({self.type.value})>"

    def display_text(self, language=None) -> str:
        return localized(self.text, language)

    @property
    def shown_if(self) -> dict | None:
        """The condition that decides whether it is asked: its part's and its own, both."""
        return both(group_condition(self.version, self.group_code), self.condition)

    @property
    def option_codes(self) -> list[str]:
        return [option["code"] for option in self.options]

    def option_label(self, code: str, language=None) -> str:
        for option in self.options:
            if option["code"] == code:
                return localized(option["label"], language)
        return code

    @property
    def row_codes(self) -> list[str]:
        return [row["code"] for row in self.rows or []]

    def row_label(self, code: str, language=None) -> str:
        for row in self.rows or []:
            if row["code"] == code:
                return localized(row["label"], language)
        return code

    @property
    def signature(self) -> tuple:
        """What must not change for answers to stay comparable across versions."""
        return (self.type.value, tuple(self.option_codes), tuple(self.row_codes))


def group_condition(version, code) -> dict | None:
    group = version.group(code) if version is not None and code else None
    return group.get("condition") if group else None


def both(first: dict | None, second: dict | None) -> dict | None:
    """Two conditions that must both hold (either may be None)."""
    if first and second:
        return {"op": "and", "args": [first, second]}
    return first or second or None


class WaveStatus(enum.Enum):
    draft = "draft"
    open = "open"
    closed = "closed"


class Wave(db.Model):
    """One period of a questionnaire in one territory, using one version."""

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"))
    number: Mapped[int]
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    status: Mapped[WaveStatus] = mapped_column(enum_type(WaveStatus), default=WaveStatus.draft)
    # When staff closed it by hand (None while open): a tablet that was offline may still
    # send, for a grace period, what was answered before (surveys/submission.py).
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="waves")
    version: Mapped[QuestionnaireVersion] = relationship()
    territory: Mapped[Territory] = relationship()

    __table_args__ = (UniqueConstraint("questionnaire_id", "territory_id", "number"),)

    def __repr__(self):
        return f"<Wave {self.id} q={self.questionnaire_id} n={self.number} {self.status.value}>"

    @property
    def accepts_responses(self) -> bool:
        return self.status is WaveStatus.open and self.opens_on <= local_today() <= self.closes_on


class Channel(enum.Enum):
    kiosk = "kiosk"  # a registered shared tablet in an EPN or centre social
    personal = "personal"  # the resident's own phone or computer, from a link or QR code
    api = "api"  # another client of the JSON API


PANEL_CARD_GIVEN = text("panel_code IS NOT NULL")


class Response(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Generated by the client: a re-sent response carries the same one and is stored once.
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel))
    kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("kiosk.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(10))
    # "About you", all optional.
    gender: Mapped[str | None] = mapped_column(String(20))
    gender_description: Mapped[str | None] = mapped_column(String(100))
    age_bracket: Mapped[str | None] = mapped_column(String(20))
    quartier_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id"))
    # Where the response counts in the indicators: the respondent's quartier, else the
    # wave's territory. Stored (not joined) so a quartier's year is one index range.
    territory_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id"))
    invited_by_code: Mapped[str | None] = mapped_column(String(20))
    # The respondent's own code to pass on to a neighbour ("who invited you?").
    invitation_code: Mapped[str] = mapped_column(String(20), unique=True, default=new_invitation_code)
    # Their place in an invitation chain, set on arrival (voix/invitations.py).
    invitation_depth: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    # Panel surveys only: the respondent's card code, the same in every wave (one response per wave).
    panel_code: Mapped[str | None] = mapped_column(String(20))

    wave: Mapped[Wave] = relationship()
    answers: Mapped[list["Answer"]] = relationship(back_populates="response", cascade="all, delete-orphan")

    __table_args__ = (Index("ix_response_wave_submitted", "wave_id", "submitted_at"),
                      # The indicators read a quartier's year from this index alone: every
                      # column they count is in it (migration 0008).
                      Index("ix_response_territory_submitted", "territory_id", "submitted_at",
                            "channel", "gender", "age_bracket", "invited_by_code", "invitation_depth", "panel_code"),
                      # A card answers a wave once. Partial: the many responses without a
                      # card cost this index nothing (migration 0011).
                      Index("uq_response_panel_card", "panel_code", "wave_id", unique=True,
                            sqlite_where=PANEL_CARD_GIVEN, postgresql_where=PANEL_CARD_GIVEN))

    def __repr__(self):
        return f"<Response {self.uuid} wave={self.wave_id}>"


track_invitation_depth(Response)


class Answer(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    # JSON: an option code, a list of codes, a number, true/false, an ISO date or text.
    value: Mapped[object] = mapped_column(JSON)

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()

    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    def __repr__(self):
        return f"<Answer r={self.response_id} q={self.question_id}>"
