"""What facilitators and residents do with surveys, as plain functions.

Views, the API and the CLI call these; each leaves committing to its caller except
`submit_response`, which must commit itself to be idempotent under concurrency.
"""
import math
import re
import uuid as uuid_module
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from voix.database import begin_write, insert_ignoring_duplicates
from voix.extensions import db
from voix.models import utcnow
from voix.privacy import clean_text
from voix.territories.models import Territory, TerritoryKind, territory_by_slug

from .answers import PARSERS, InvalidAnswer, clean_answers
from .models import (
    Answer,
    Channel,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    QuestionType,
    Response,
    Wave,
    WaveStatus,
    new_invitation_code,
)

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
GENDERS = ("woman", "man", "self_described")
AGE_BRACKETS = ("under_15", "15_17", "18_25", "26_34", "35_49", "50_64", "65_plus")
CHOICE_TYPES = {QuestionType.single_choice, QuestionType.multiple_choice, QuestionType.ranking}
DISCRETE_TYPES = {QuestionType.single_choice, QuestionType.multiple_choice, QuestionType.yes_no,
                  QuestionType.agreement, QuestionType.smiley}
INVITATION_CODE = re.compile(r"^[23456789A-HJKMNP-Z]{8}$")


class SurveyError(ValueError):
    """A refused operation; the message is shown to the user as it is."""


@dataclass
class SubmissionRefused(Exception):
    errors: dict  # {question code or field: message}


# --- Questionnaires and versions -------------------------------------------------------


def create_questionnaire(title: dict, territory: Territory, *, created_by=None, ask_about_you=True):
    questionnaire = Questionnaire(
        title=title, territory=territory, created_by_id=getattr(created_by, "id", None),
        ask_about_you=ask_about_you,
    )
    questionnaire.versions.append(QuestionnaireVersion(number=1))
    db.session.add(questionnaire)
    return questionnaire


def editable_version(questionnaire: Questionnaire) -> QuestionnaireVersion:
    """The version to edit: the latest one, or a copy of it if it already has answers."""
    latest = questionnaire.latest_version
    if not latest.is_locked:
        return latest
    copy = QuestionnaireVersion(number=latest.number + 1)
    for question in latest.questions:
        copy.questions.append(_copy_question(question))
    questionnaire.versions.append(copy)
    db.session.flush()
    return copy


def _copy_question(question: Question) -> Question:
    return Question(
        code=question.code, position=question.position, type=question.type,
        required=question.required, text=dict(question.text), help=dict(question.help),
        options=[dict(o) for o in question.options], settings=dict(question.settings),
        condition=dict(question.condition) if question.condition else None,
    )


def _require_editable(version: QuestionnaireVersion):
    if version.is_locked:
        raise SurveyError(_l("This version already has answers: create a new version to change it."))


def save_question(version: QuestionnaireVersion, *, code, type, text, required=False, options=(),
                  settings=None, condition=None, help=None, question: Question | None = None):
    """Add a question to a version, or change one; refuses edits that break comparability."""
    _require_editable(version)
    code = code.strip().lower()
    if not CODE_PATTERN.match(code):
        raise SurveyError(_l("A question code is lowercase letters, digits and _, starting with a letter."))
    clash = version.question(code)
    if clash is not None and clash is not question:
        raise SurveyError(_l("Another question of this version already uses the code %(code)s.", code=code))
    if type in CHOICE_TYPES and len(options) < 2:
        raise SurveyError(_l("A choice question needs at least two options."))
    if not text.get("fr", "").strip():
        raise SurveyError(_l("The question needs a French text."))
    settings = settings or {}
    low, high = settings.get("min"), settings.get("max")
    if any(v is not None and not math.isfinite(v) for v in (low, high)) or (
            low is not None and high is not None and low > high):
        raise SurveyError(_l("The minimum must be a number no greater than the maximum."))
    target = question or Question(position=len(version.questions) + 1)
    target.code, target.type, target.required = code, type, required
    target.text, target.help = text, help or {}
    target.options = list(options) if type in CHOICE_TYPES else []
    target.settings, target.condition = settings, condition or None
    _check_condition(version, target)
    _check_same_meaning_as_before(version, target)
    if question is None:
        version.questions.append(target)
    db.session.flush()
    return target


def _check_condition(version, question):
    if not question.condition:
        return
    earlier = {q.code: q for q in version.questions if q.position < question.position}
    source = earlier.get(question.condition.get("question"))
    if source is None:
        raise SurveyError(_l("A question can only depend on an earlier question."))
    if "equals" not in question.condition:
        return
    # Only discrete answers can be equal to something the page and the server agree on;
    # the value is stored as the form sends it ("yes", "4", an option code).
    if source.type not in DISCRETE_TYPES:
        raise SurveyError(_l("A condition can test the value of a choice, yes/no or scale question only."))
    try:
        expected = PARSERS[source.type](source, question.condition["equals"])
    except InvalidAnswer:
        raise SurveyError(_l("The condition must name one of that question's options.")) from None
    if isinstance(expected, list):
        expected = expected[0]
    question.condition = {**question.condition, "equals": {True: "yes", False: "no"}.get(expected, str(expected))}


def _check_same_meaning_as_before(version, question):
    # A change of type or options under the same code would make waves look comparable
    # when they are not: that must be a new question with a new code.
    for earlier_version in version.questionnaire.versions:
        if earlier_version.number >= version.number:
            continue
        previous = earlier_version.question(question.code)
        if previous is not None and previous.signature != question.signature:
            raise SurveyError(_l(
                "The code %(code)s meant another type or other options in version %(n)s: "
                "give the changed question a new code.", code=question.code, n=earlier_version.number,
            ))


def delete_question(question: Question):
    version = question.version
    _require_editable(version)
    if any(q.condition and q.condition.get("question") == question.code for q in version.questions):
        raise SurveyError(_l("Another question depends on this one: change that condition first."))
    version.questions.remove(question)
    _renumber(version)


def move_question(question: Question, offset: int):
    version = question.version
    _require_editable(version)
    ordered = list(version.questions)
    index = ordered.index(question)
    ordered.insert(max(0, min(len(ordered) - 1, index + offset)), ordered.pop(index))
    seen = set()
    for q in ordered:  # every condition must still point to an earlier question
        if q.condition and q.condition["question"] not in seen:
            raise SurveyError(_l("A question can only depend on an earlier question."))
        seen.add(q.code)
    for position, q in enumerate(ordered, start=1):
        q.position = position


def _renumber(version):
    for position, q in enumerate(sorted(version.questions, key=lambda q: q.position), start=1):
        q.position = position


# --- Waves ---------------------------------------------------------------------------


def create_wave(questionnaire: Questionnaire, territory: Territory, opens_on: date, closes_on: date):
    if closes_on < opens_on:
        raise SurveyError(_l("A wave cannot close before it opens."))
    number = 1 + (db.session.scalar(
        select(func.max(Wave.number)).where(
            Wave.questionnaire_id == questionnaire.id, Wave.territory_id == territory.id
        )
    ) or 0)
    wave = Wave(questionnaire=questionnaire, version=questionnaire.latest_version, territory=territory,
                number=number, opens_on=opens_on, closes_on=closes_on)
    db.session.add(wave)
    db.session.flush()
    return wave


def create_next_wave(previous: Wave) -> Wave:
    """Wave N+1 in one action: same territory, the latest version, the next period of equal length."""
    length = previous.closes_on - previous.opens_on
    opens_on = max(previous.closes_on + timedelta(days=1), utcnow().date())
    return create_wave(previous.questionnaire, previous.territory, opens_on, opens_on + length)


STATUS_LABELS = {WaveStatus.draft: _l("draft"), WaveStatus.open: _l("open"), WaveStatus.closed: _l("closed")}
ALLOWED_MOVES = {
    WaveStatus.draft: {WaveStatus.open},
    WaveStatus.open: {WaveStatus.closed},
    WaveStatus.closed: {WaveStatus.open},
}


def set_wave_status(wave: Wave, status: WaveStatus):
    if status not in ALLOWED_MOVES[wave.status]:
        raise SurveyError(_l("This wave cannot go from %(a)s to %(b)s.", a=STATUS_LABELS[wave.status], b=STATUS_LABELS[status]))
    if status is WaveStatus.open and not wave.version.questions:
        raise SurveyError(_l("Add at least one question before opening the wave."))
    wave.status = status


def comparable_codes(waves: list[Wave]) -> dict[str, bool]:
    """For each question code seen in these waves: asked the same way in all of them?

    Drafts are left out: they may still change version before they open.
    """
    waves = [wave for wave in waves if wave.status is not WaveStatus.draft]
    signatures: dict[str, set] = {}
    presence: dict[str, int] = {}
    for wave in waves:
        for question in wave.version.questions:
            signatures.setdefault(question.code, set()).add(question.signature)
            presence[question.code] = presence.get(question.code, 0) + 1
    return {code: len(signatures[code]) == 1 and presence[code] == len(waves) for code in signatures}


def questionnaire_comparability(questionnaire: Questionnaire) -> dict[str, bool]:
    """The one comparability verdict shown on screens and in exports: over all its waves."""
    return comparable_codes(list(questionnaire.waves))


def open_waves_for(territory: Territory) -> list[Wave]:
    """Open waves offered in this territory: its own, its parents' and those of what it contains."""
    ids = offered_territory_ids(territory)
    waves = db.session.scalars(
        select(Wave).where(Wave.territory_id.in_(ids), Wave.status == WaveStatus.open).order_by(Wave.id)
    )
    return [wave for wave in waves if wave.accepts_responses]


def offered_territory_ids(territory: Territory) -> list[int]:
    return [t.id for t in territory.lineage()] + list(territory.subtree_ids())


def response_counts(waves: list[Wave]) -> dict[int, int]:
    if not waves:
        return {}
    rows = db.session.execute(
        select(Response.wave_id, func.count()).where(Response.wave_id.in_([w.id for w in waves]))
        .group_by(Response.wave_id)
    )
    return dict(rows.all())


def counts_by_quartier(wave: Wave) -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(Territory.name, func.count(Response.id))
        .select_from(Response).outerjoin(Territory, Territory.id == Response.quartier_id)
        .where(Response.wave_id == wave.id).group_by(Territory.id, Territory.name)
        .order_by(func.count(Response.id).desc(), Territory.name)
    )
    return [(name, count) for name, count in rows.all()]


# --- Responses -------------------------------------------------------------------------


def normalize_uuid(value) -> str | None:
    try:
        return str(uuid_module.UUID(str(value)))
    except ValueError:
        return None


def clean_about_you(about: dict, questionnaire: Questionnaire) -> tuple[dict, dict]:
    """Check the optional "about you" block; unknown or empty fields are dropped."""
    if not questionnaire.ask_about_you or not about:
        return {}, {}
    clean, errors = {}, {}
    gender = about.get("gender") or None
    if gender is not None:
        if gender in GENDERS:
            clean["gender"] = gender
        else:
            errors["gender"] = str(_l("Choose one of the proposed answers."))
    description = about.get("gender_description")
    if isinstance(description, str) and description.strip() and gender in (None, "self_described"):
        if len(description.strip()) > 100:
            errors["gender_description"] = str(_l("Keep it under %(n)s characters.", n=100))
        else:  # writing a description is describing oneself, even without ticking the box
            clean["gender"], clean["gender_description"] = "self_described", clean_text(description)
    bracket = about.get("age_bracket") or None
    if bracket is not None:
        if bracket in AGE_BRACKETS:
            clean["age_bracket"] = bracket
        else:
            errors["age_bracket"] = str(_l("Choose one of the proposed answers."))
    quartier = about.get("quartier") or None
    if quartier is not None:
        place = territory_by_slug(str(quartier))
        if place is None or place.kind is not TerritoryKind.quartier:
            errors["quartier"] = str(_l("Choose one of the proposed answers."))
        else:
            clean["quartier_id"] = place.id
    code = re.sub(r"[\s-]", "", str(about.get("invited_by") or "").upper())
    if code:
        # Only a code of ours: anything else (a name, a phone number) would be personal data.
        if INVITATION_CODE.match(code):
            clean["invited_by_code"] = code
        else:
            errors["invited_by"] = str(_l("An invitation code has 8 letters and digits, like 7KQ2M9XA."))
    return clean, errors


def submit_response(wave: Wave, raw_answers: dict, *, uuid: str, channel: Channel, language: str,
                    about: dict | None = None, kiosk=None) -> tuple[Response, bool]:
    """Store a response once. Returns (response, created).

    A response whose UUID is already stored is returned as it is (created=False), even if
    the wave has closed since: an offline kiosk may re-send long after. Invalid answers
    raise SubmissionRefused and change nothing.
    """
    response_uuid = normalize_uuid(uuid)
    if response_uuid is None:
        raise SubmissionRefused({"uuid": str(_l("The response identifier is not a valid UUID."))})
    begin_write()
    existing = _response_by_uuid(response_uuid)
    if existing is not None:
        db.session.rollback()
        return _same_wave(existing, wave), False
    if not wave.accepts_responses:
        db.session.rollback()
        raise SubmissionRefused({"wave": str(_l("This survey is closed: answers are no longer accepted."))})
    questions = wave.version.questions
    answers, errors = clean_answers(questions, raw_answers or {})
    about_clean, about_errors = clean_about_you(about or {}, wave.questionnaire)
    errors.update(about_errors)
    if errors:
        db.session.rollback()
        raise SubmissionRefused(errors)
    response_id = insert_ignoring_duplicates(Response, dict(
        uuid=response_uuid, wave_id=wave.id, version_id=wave.version_id, submitted_at=utcnow(),
        channel=channel, kiosk_id=getattr(kiosk, "id", None), language=language,
        invitation_code=new_invitation_code(), **about_clean,
    ), conflict_columns=["uuid"])
    if response_id is None:  # another request stored the same UUID a moment ago
        db.session.rollback()
        return _same_wave(_response_by_uuid(response_uuid), wave), False
    by_code = {q.code: q for q in questions}
    db.session.add_all(
        Answer(response_id=response_id, question_id=by_code[code].id, value=value)
        for code, value in answers.items()
    )
    db.session.commit()
    return db.session.get(Response, response_id), True


def _same_wave(existing: Response, wave: Wave) -> Response:
    # A UUID names one response: reusing it for another wave is a client bug, not a repeat.
    if existing.wave_id != wave.id:
        raise SubmissionRefused({"uuid": str(_l("This response identifier is already used by another survey."))})
    return existing


def _response_by_uuid(response_uuid: str) -> Response | None:
    return db.session.scalar(select(Response).where(Response.uuid == response_uuid))
