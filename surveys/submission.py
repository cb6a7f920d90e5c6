"""A resident's response: checked, cleaned and stored exactly once.

This is the hot path of the platform (every kiosk and phone submission), so it reads
what it needs with plain SQL rows instead of ORM objects, keeps per process what can no
longer change (a wave's frozen questions, the quartiers' ids), and on SQLite holds the
write lock only for its inserts. Whether the wave accepts responses is never cached: the
insert of the response checks it, in the write transaction.
"""
import functools
import json
import uuid as uuid_module
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, DateTime, Integer, and_, bindparam, cast, func, insert, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from voix.driver_writes import DriverStatement, driver_writer
from voix.extensions import db
from voix.invitations import arrival_depth, new_invitation_code, normalize_code
from voix.models import local_today, utcnow
from voix.about_you import clean_about_you

from .answers import clean_answers
from .models import (
    Answer,
    QuestionnaireVersion,
    both,
    Channel,
    Question,
    Questionnaire,
    QuestionType,
    Response,
    Wave,
    WaveStatus,
)

# A tablet's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass
class SubmissionRefused(Exception):
    errors: dict  # {question code or field: message}


@dataclass(frozen=True)
class Submission:
    uuid: str
    invitation_code: str
    created: bool  # False: this UUID was already stored, nothing new was written
    panel_code: str | None = None  # panel surveys: the card code to keep for the next wave


@dataclass(frozen=True)
class QuestionSpec:
    """What validation needs of a question (the same attributes as the Question model)."""

    id: int
    code: str
    type: QuestionType
    required: bool
    options: list
    settings: dict
    condition: dict | None
    rows: list  # matrix rows, or the items of a multiple question
    # Its own condition and its part's, both (Question.shown_if): what decides whether it is asked.
    shown_if: dict | None = None

    @property
    def option_codes(self) -> list[str]:
        return [option["code"] for option in self.options]

    @property
    def row_codes(self) -> list[str]:
        return [row["code"] for row in self.rows or []]


@dataclass(frozen=True)
class Target:
    """A wave as a submission sees it: what never changes once the wave exists, and the
    questions of its version. Whether it accepts responses is read when writing."""

    wave_id: int
    version_id: int
    territory_id: int
    questionnaire_id: int
    panel: bool
    ask_about_you: bool
    questions: tuple[QuestionSpec, ...]


# Built once: constructing statements costs more than running them on this hot path.
# One row per question (one row with empty question columns if there is none): a single
# round trip to the database for the whole wave. `answered` says whether the wave has a
# response, hence whether its version is frozen (see the caches below).
WAVE_ROWS = (select(Wave.version_id, Wave.territory_id, Wave.questionnaire_id, Questionnaire.panel,
                    Questionnaire.ask_about_you,
                    select(Response.id).where(Response.wave_id == Wave.id).exists().label("answered"),
                    Question.id, Question.code, Question.type, Question.required, Question.options,
                    Question.settings, Question.condition, Question.rows, Question.group_code,
                    QuestionnaireVersion.groups)
             .join(Questionnaire, Questionnaire.id == Wave.questionnaire_id)
             .join(QuestionnaireVersion, QuestionnaireVersion.id == Wave.version_id)
             .outerjoin(Question, Question.version_id == Wave.version_id)
             .where(Wave.id == bindparam("wave_id")).order_by(Question.position))
WAVE_STATE = (select(Wave.status, Wave.opens_on, Wave.closes_on, Wave.version_id, Wave.territory_id,
                     Wave.questionnaire_id, Questionnaire.panel, Questionnaire.ask_about_you, Wave.closed_at)
              .join(Questionnaire, Questionnaire.id == Wave.questionnaire_id).where(Wave.id == bindparam("wave_id")))
STORED_ROW = select(Response.wave_id, Response.invitation_code, Response.panel_code).where(
    Response.uuid == bindparam("uuid"))
ANSWER_ROW = insert(Answer).values(response_id=bindparam("response_id"), question_id=bindparam("question_id"),
                                   value=bindparam("value", type_=Answer.value.type))
PANEL_CARD_ROW = (select(Response.wave_id).join(Wave, Wave.id == Response.wave_id)
                  .where(Response.panel_code == bindparam("code"), Wave.questionnaire_id == bindparam("questionnaire_id")))
# The response's own columns; wave_id and version_id come from the wave row itself.
RESPONSE_VALUES = ("uuid", "submitted_at", "channel", "kiosk_id", "language", "invitation_code", "territory_id",
                   "panel_code", "gender", "gender_description", "age_bracket", "quartier_id", "invited_by_code")
ABOUT_NOTHING = dict.fromkeys(("gender", "gender_description", "age_bracket", "quartier_id", "invited_by_code"))


@functools.cache
def _response_insert(dialect: str):
    """INSERT INTO response SELECT ... FROM wave WHERE it accepts responses now ON CONFLICT
    (uuid) DO NOTHING RETURNING id.

    The wave's status and dates are checked by the statement that writes, in the write
    transaction, and so is every fact of the Target the answers were checked against: a
    cached Target can never store a response by itself. The same statement looks up the
    inviter's depth in an invitation chain (voix/invitations.py)."""
    columns = Response.__table__.c

    def value(name):
        parameter = bindparam(name, type_=columns[name].type)
        # PostgreSQL gives an untyped parameter in a select list the type text (a NULL
        # kiosk_id would then not fit an integer column); SQLite needs no cast, and its
        # CAST(... AS DATETIME) would turn a timestamp into a number.
        return cast(parameter, columns[name].type) if dialect == "postgresql" else parameter

    open_now = and_(Wave.status == WaveStatus.open, Wave.opens_on <= bindparam("today"),
                    Wave.closes_on >= bindparam("today"))
    # Answered offline before the wave closed, and sent within the grace period (see
    # accepts()); without answered_at these parameters are NULL and this is never true.
    answered_day, answered_at = bindparam("answered_day", type_=Date), bindparam("answered_at", type_=DateTime(timezone=True))
    answered_before_closing = and_(
        Wave.status != WaveStatus.draft, Wave.opens_on <= answered_day, Wave.closes_on >= answered_day,
        Wave.closes_on >= bindparam("grace_day", type_=Date),
        or_(Wave.closed_at.is_(None), and_(Wave.closed_at > answered_at,
                                           Wave.closed_at >= bindparam("grace_time", type_=DateTime(timezone=True)))))
    accepting_wave = (
        select(Wave.id, Wave.version_id, *[value(name) for name in RESPONSE_VALUES],
               arrival_depth(value("invited_by_code")))
        .join(Questionnaire, Questionnaire.id == Wave.questionnaire_id)
        .where(Wave.id == bindparam("wave_id"), or_(open_now, answered_before_closing),
               Wave.version_id == bindparam("version_id"), Wave.territory_id == bindparam("wave_territory_id"),
               Wave.questionnaire_id == bindparam("questionnaire_id"), Questionnaire.panel == bindparam("panel"),
               Questionnaire.ask_about_you == bindparam("ask_about_you")))
    insert_ = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (insert_(Response).from_select(["wave_id", "version_id", *RESPONSE_VALUES, "invitation_depth"], accepting_wave)
            .on_conflict_do_nothing(index_elements=["uuid"]).returning(Response.id))


@functools.cache
def _response_and_answers_insert():
    """PostgreSQL: the response and its answers in one statement, one round trip.

    WITH response_row AS (INSERT INTO response ... RETURNING id)
    INSERT INTO answer SELECT response_row.id, ... FROM response_row, json_array_elements(:answers)
    The answers come as one JSON array of [question id, value]: psycopg's executemany
    would cost a server execution per answer, more than the response itself. No response
    row (a closed wave, a repeated UUID): no answer rows either.
    """
    response_row = _response_insert("postgresql").cte("response_row")
    given = func.json_array_elements(cast(bindparam("answers"), JSON)).table_valued("value").alias("given")
    answer_rows = insert(Answer).from_select(
        ["response_id", "question_id", "value"],
        select(response_row.c.id, cast(given.c.value.op("->>")(0), Integer), given.c.value.op("->")(1))
        .select_from(response_row.join(given, true()))).cte("answer_rows")  # each answer with the one id
    return select(response_row.c.id).add_cte(answer_rows)


# --- Per-process caches, one pair per app (so per database, and fresh in each test) ------
#
# Targets: a wave's questionnaire, version and territory, and its questionnaire's panel
# and "about you" choices, are set at creation and never change; the response insert
# re-checks them all the same (_response_insert). A version's questions are frozen once a
# response uses it: every edit goes through operations._require_editable, which refuses
# it then, and cannot race with the first response. So a Target is kept only when it was
# read from a wave that already had a response, by the same statement as its questions.
# Quartiers: a territory's slug and kind never change and territories are never deleted;
# only quartiers found are kept, so a new one is found at once. Neither cache ever holds
# whether a wave accepts responses.

def _targets() -> dict:
    """The wave targets this process has loaded, by wave id."""
    return current_app.extensions.setdefault("voix.submission_targets", {})


def load_target(wave_id: int) -> Target | None:
    targets = _targets()
    target = targets.get(wave_id)
    if target is not None:
        return target
    rows = db.session.connection().execute(WAVE_ROWS, {"wave_id": wave_id}).all()
    if not rows:
        return None
    head = rows[0][:5]
    questions = tuple(_spec(row) for row in rows if row.id is not None)
    target = Target(wave_id, *head, questions)
    if rows[0].answered:
        targets[wave_id] = target
    return target


def _spec(row) -> QuestionSpec:
    part = next((g for g in row.groups or [] if g["code"] == row.group_code), None) if row.group_code else None
    return QuestionSpec(*row[6:14], shown_if=both(part and part.get("condition"), row.condition))


def _forget_target(wave_id: int):
    _targets().pop(wave_id, None)


def normalize_uuid(value) -> str | None:
    try:
        return str(uuid_module.UUID(str(value)))
    except ValueError:
        return None


def read_panel_card(target: Target, typed) -> tuple[str | None, dict]:
    """The card code typed by a panel respondent, checked: (code, errors). None: a new card.

    A code must have been given by this questionnaire before (a typo must not join
    someone else's answers), and a card answers each wave once.
    """
    if not target.panel or not str(typed or "").strip():
        return None, {}
    code = normalize_code(typed)
    if code is None:
        return None, {"panel_code": str(_l("A card code has 8 letters and digits, like 7KQ2M9XA."))}
    waves = set(db.session.connection().execute(
        PANEL_CARD_ROW, {"code": code, "questionnaire_id": target.questionnaire_id}).scalars())
    if not waves:
        return None, {"panel_code": str(_l("This card code is unknown here: check it, or leave it empty to get a new card."))}
    if target.wave_id in waves:
        return None, {"panel_code": str(_l("This card has already answered this survey wave."))}
    return code, {}


@dataclass(frozen=True)
class Answered:
    """When a resident answered, as a tablet that was offline tells it (`answered_at`)."""

    at: datetime  # in UTC
    day: date  # the local day, as wave dates are


def read_answered_at(value) -> Answered | None:
    """Parse an ISO 8601 `answered_at`; None when not given. A time without an offset is
    the platform's local time. Raises SubmissionRefused when it is not a date and time."""
    if value is None or value == "":
        return None
    local = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or not isinstance(value, str):
        raise SubmissionRefused({"answered_at": str(_l(
            "answered_at must be a date and time in ISO 8601, like 2026-12-07T10:30:00+01:00."))})
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local)
    return Answered(moment.astimezone(timezone.utc), moment.astimezone(local).date())


def accepts(state, answered: Answered | None) -> bool:
    """Whether a wave (a WAVE_STATE row) takes a response now: it is open today, or the
    response was answered while it was open and arrives within OFFLINE_GRACE_DAYS of its
    closing (its last day, or the moment staff closed it). The insert says the same in SQL."""
    today = local_today()
    if state.status is WaveStatus.open and state.opens_on <= today <= state.closes_on:
        return True
    if answered is None or state.status is WaveStatus.draft:
        return False
    grace = timedelta(days=current_app.config["OFFLINE_GRACE_DAYS"])
    closed_at = state.closed_at
    if closed_at is not None and closed_at.tzinfo is None:  # SQLite keeps UTC without its offset
        closed_at = closed_at.replace(tzinfo=timezone.utc)
    return (state.opens_on <= answered.day <= state.closes_on and state.closes_on >= today - grace
            and (closed_at is None or (answered.at < closed_at and closed_at >= utcnow() - grace)))


def _read_answered(value, wave_id: int) -> tuple[Answered | None, dict]:
    """(answered, errors). A tablet's clock can be wrong: a time in the future or before
    the wave opened is refused."""
    try:
        answered = read_answered_at(value)
    except SubmissionRefused as refused:
        return None, refused.errors
    if answered is None:
        return None, {}
    if answered.at > utcnow() + CLOCK_SKEW:
        return answered, {"answered_at": str(_l(
            "This response says it was answered in the future: check the tablet's clock."))}
    state = db.session.connection().execute(WAVE_STATE, {"wave_id": wave_id}).one_or_none()
    if state is not None and answered.day < state.opens_on:
        return answered, {"answered_at": str(_l(
            "This response says it was answered before the survey opened: check the tablet's clock."))}
    return answered, {}


def submit_response(target: Target, raw_answers: dict, *, uuid: str, channel: Channel, language: str,
                    about: dict | None = None, kiosk=None, panel_code=None, answered_at=None) -> Submission:
    """Store a response once.

    A response whose UUID is already stored is acknowledged as it is (created=False), even
    if the wave has closed since: an offline kiosk may re-send long after. Invalid answers
    raise SubmissionRefused and change nothing. Everything is read and checked first; the
    write transaction then covers the inserts only, the first of which stores nothing
    unless the wave accepts responses at that moment. `answered_at` (ISO 8601): when a
    tablet that was offline says the resident answered; it becomes the response's
    submitted_at and lets a wave closed since accept it for a grace period (accepts()).
    """
    try:
        return _submit(target, raw_answers, uuid=uuid, channel=channel, language=language, about=about,
                       kiosk=kiosk, panel_code=panel_code, answered_at=answered_at)
    except _StaleTarget:  # the wave no longer uses the version it was checked against
        _forget_target(target.wave_id)
        target = load_target(target.wave_id)
        if target is None:
            raise SubmissionRefused({"wave": str(_l("This survey is closed: answers are no longer accepted."))}) from None
        return _submit(target, raw_answers, uuid=uuid, channel=channel, language=language, about=about,
                       kiosk=kiosk, panel_code=panel_code, answered_at=answered_at)


class _StaleTarget(Exception):
    pass


def _submit(target: Target, raw_answers: dict, *, uuid, channel, language, about, kiosk, panel_code,
            answered_at) -> Submission:
    response_uuid = normalize_uuid(uuid)
    if response_uuid is None:
        raise SubmissionRefused({"uuid": str(_l("The response identifier is not a valid UUID."))})
    answers, errors = clean_answers(target.questions, raw_answers or {})
    about_clean, about_errors = clean_about_you(about or {}, target.ask_about_you)
    errors.update(about_errors)
    card, card_errors = read_panel_card(target, panel_code)
    errors.update(card_errors)
    answered, time_errors = _read_answered(answered_at, target.wave_id)
    errors.update(time_errors)
    if errors:
        return _not_stored(response_uuid, target, errors, answered)

    invitation_code = new_invitation_code()
    if target.panel and card is None:
        card = new_invitation_code()  # a first answer: a new card to keep
    values = {**ABOUT_NOTHING, **about_clean}
    values.update(wave_id=target.wave_id, version_id=target.version_id, wave_territory_id=target.territory_id,
                  questionnaire_id=target.questionnaire_id, panel=target.panel, ask_about_you=target.ask_about_you,
                  today=local_today(), uuid=response_uuid, **_grace_values(answered),
                  submitted_at=utcnow() if answered is None else min(answered.at, utcnow()), channel=channel, kiosk_id=getattr(kiosk, "id", None), language=language,
                  invitation_code=invitation_code, territory_id=about_clean.get("quartier_id") or target.territory_id,
                  panel_code=card)
    try:
        response_id = _store(values, target, answers)
    except IntegrityError:  # the same card, sent at the same moment from two places
        raise SubmissionRefused({"panel_code": str(_l("This card has already answered this survey wave."))}) from None
    if response_id is None:  # the wave does not accept responses now, or this UUID is stored already
        return _not_stored(response_uuid, target, {}, answered)
    return Submission(response_uuid, invitation_code, created=True, panel_code=card)


def _grace_values(answered: Answered | None) -> dict:
    if answered is None:
        return {"answered_at": None, "answered_day": None, "grace_day": None, "grace_time": None}
    grace = timedelta(days=current_app.config["OFFLINE_GRACE_DAYS"])
    return {"answered_at": answered.at, "answered_day": answered.day, "grace_day": local_today() - grace,
            "grace_time": utcnow() - grace}


def _store(values: dict, target: Target, answers: dict) -> int | None:
    """Insert the response and its answers; the response's id, or None if nothing was stored.

    PostgreSQL: one statement, its own transaction. SQLite: the response, then its
    answers, in a write transaction that holds nothing but them (writers wait meanwhile).
    """
    question_ids = {question.code: question.id for question in target.questions}
    dialect = db.engine.dialect
    with driver_writer() as writer:
        if dialect.name == "postgresql":
            rows = [[question_ids[code], value] for code, value in answers.items()]
            return writer.first_value(_prepared("response_and_answers", dialect), {**values, "answers": json.dumps(rows)})
        response_id = writer.first_value(_prepared("response", dialect), values)
        if response_id is not None and answers:
            writer.many(_prepared("answers", dialect), [{"response_id": response_id, "question_id": question_ids[code],
                                                         "value": value} for code, value in answers.items()])
    return response_id


@functools.cache
def _prepared(name: str, dialect) -> DriverStatement:
    if name == "response_and_answers":
        return DriverStatement(_response_and_answers_insert(), dialect)
    if name == "response":
        return DriverStatement(_response_insert(dialect.name), dialect)
    return DriverStatement(ANSWER_ROW, dialect)


def _not_stored(response_uuid: str, target: Target, errors: dict, answered: Answered | None = None) -> Submission:
    """Nothing was written: acknowledge a response stored before (by an earlier send, or by
    another request a moment ago), else refuse with the reasons, the wave's state first."""
    state = db.session.connection().execute(WAVE_STATE, {"wave_id": target.wave_id}).one_or_none()
    if state is not None and tuple(state[3:8]) != (target.version_id, target.territory_id, target.questionnaire_id,
                                                   target.panel, target.ask_about_you):
        raise _StaleTarget()
    if state is None or not accepts(state, answered):
        errors = {"wave": str(_l("This survey is closed: answers are no longer accepted."))}
    acknowledged = _acknowledge(response_uuid, target)
    if acknowledged is not None:  # a re-send of a response stored before things changed
        return acknowledged
    if not errors:  # closed when the insert ran, open again an instant later: refused as closed
        errors = {"wave": str(_l("This survey is closed: answers are no longer accepted."))}
    raise SubmissionRefused(errors)


def _acknowledge(response_uuid: str, target: Target) -> Submission | None:
    stored = db.session.connection().execute(STORED_ROW, {"uuid": response_uuid}).one_or_none()
    if stored is None:
        return None
    # A UUID names one response: reusing it for another wave is a client bug, not a repeat.
    if stored.wave_id != target.wave_id:
        raise SubmissionRefused({"uuid": str(_l("This response identifier is already used by another survey."))})
    return Submission(response_uuid, stored.invitation_code, created=False, panel_code=stored.panel_code)
