"""What facilitators and residents do with surveys, as plain functions.

Views, the API and the CLI call these; each leaves committing to its caller except
`submit_response`, which must commit itself to be idempotent under concurrency.
"""
import math
import re
from copy import deepcopy as _deepcopy
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from voix.extensions import db
from voix.i18n import localized
from voix.models import local_today, utcnow
from voix.territories.models import Territory

from .conditions import ConditionError, normalize, references
from .models import (
    WITH_ROWS,
    both,
    group_condition,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    QuestionType,
    Response,
    Wave,
    WaveStatus,
)

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CHOICE_TYPES = {QuestionType.single_choice, QuestionType.multiple_choice, QuestionType.ranking,
                QuestionType.matrix_single, QuestionType.matrix_multiple}
DISCRETE_TYPES = {QuestionType.single_choice, QuestionType.multiple_choice, QuestionType.yes_no,
                  QuestionType.agreement, QuestionType.smiley}


RESERVED_PART_CODES = {"nouvelle"}  # /parties/nouvelle is the page that adds a part
_UNCHANGED = object()  # save_question's `group` when the caller says nothing of parts


class SurveyError(ValueError):
    """A refused operation; the message is shown to the user as it is."""


# --- Questionnaires and versions -------------------------------------------------------


def create_questionnaire(title: dict, territory: Territory, *, created_by=None, ask_about_you=True, panel=False):
    questionnaire = Questionnaire(
        title=title, territory=territory, created_by_id=getattr(created_by, "id", None),
        ask_about_you=ask_about_you, panel=panel,
    )
    questionnaire.versions.append(QuestionnaireVersion(number=1))
    db.session.add(questionnaire)
    return questionnaire


def editable_version(questionnaire: Questionnaire) -> QuestionnaireVersion:
    """The version to edit: the latest one, or a copy of it if it already has answers."""
    latest = questionnaire.latest_version
    if not latest.is_locked:
        return latest
    next_version = QuestionnaireVersion(number=latest.number + 1, groups=_deepcopy(latest.groups or []))
    for question in latest.questions:
        next_version.questions.append(_copy_question(question))
    questionnaire.versions.append(next_version)
    db.session.flush()
    return next_version


def new_empty_version(questionnaire: Questionnaire) -> QuestionnaireVersion:
    """A new version with no question yet, to be filled (by an import, say)."""
    version = QuestionnaireVersion(number=questionnaire.latest_version.number + 1)
    questionnaire.versions.append(version)
    db.session.flush()
    return version


def _copy_question(question: Question) -> Question:
    return Question(
        code=question.code, position=question.position, type=question.type,
        required=question.required, text=dict(question.text), help=dict(question.help),
        options=[dict(o) for o in question.options], rows=[dict(r) for r in question.rows or []],
        settings=dict(question.settings),
        condition=_deepcopy(question.condition) if question.condition else None, group_code=question.group_code,
    )


def _require_editable(version: QuestionnaireVersion):
    # Lock the version row first (PostgreSQL; SQLite serializes writers anyway). Storing a
    # response takes a key-share lock on it through its foreign key, so an edit either
    # commits before that response or waits for it and sees it. Once a response is
    # visible, the version's questions are final: surveys/submission.py relies on it.
    db.session.execute(select(QuestionnaireVersion.id).where(QuestionnaireVersion.id == version.id).with_for_update())
    if version.is_locked:
        raise SurveyError(_l("This version already has answers: create a new version to change it."))


def save_question(version: QuestionnaireVersion, *, code, type, text, required=False, options=(),
                  settings=None, condition=None, help=None, rows=(), question: Question | None = None,
                  group=_UNCHANGED):
    """Add a question to a version, or change one; refuses edits that break comparability."""
    _require_editable(version)
    code = code.strip().lower()
    if not CODE_PATTERN.match(code):
        raise SurveyError(_l("A question code is lowercase letters, digits and _, starting with a letter."))
    clash = version.question(code)
    if clash is not None and clash is not question:
        raise SurveyError(_l("Another question of this version already uses the code %(code)s.", code=code))
    if question is not None and code != question.code and _depended_on(version, question.code):
        raise SurveyError(_l("Another question depends on this one: change that condition first."))
    if type in CHOICE_TYPES and len(options) < 2:
        raise SurveyError(_l("A choice question needs at least two options."))
    if type in WITH_ROWS and not rows:
        raise SurveyError(_l("A matrix needs at least one row, and a question with several fields at least one item."))
    if len({row["code"] for row in rows}) != len(rows):
        raise SurveyError(_l("Two rows have the same code."))
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
    target.rows = list(rows) if type in WITH_ROWS else []
    if type is QuestionType.information:
        required = False  # nothing to answer
    target.required = required
    target.settings, target.condition = settings, condition or None
    if group is not _UNCHANGED:
        _check_part_change(version, target if question is not None else None, group or None)
        target.group_code = group or None
    _check_condition(version, target)
    _check_same_meaning_as_before(version, target)
    ordered = ([*(q for q in version.questions if q is not target), target] if question is None
               else list(version.questions))
    if group is not _UNCHANGED and target.group_code:
        _check_part_reads_earlier(version, target, ordered)
    _check_order(version, ordered)
    if question is None:
        version.questions.append(target)
    db.session.flush()
    return target


class PartError(SurveyError):
    """A refused change of a question's part (shown beside the editor's part field)."""


def _check_part_change(version, question, code):
    """The question editor's part field, checked as the part form checks its list: the part
    exists, and a part keeps at least one question (deleting the part is the way to empty it)."""
    if code and version.group(code) is None:
        raise PartError(_l("This part does not exist."))
    old = question.group_code if question is not None else None
    if old and old != code and all(q is question for q in version.questions if q.group_code == old):
        title = localized(version.group(old)["title"])
        raise PartError(_l("This question is the only one of the part “%(part)s”: delete the part instead "
                           "(its questions stay), or put another question in it first.", part=title))


def _check_part_reads_earlier(version, question, ordered):
    """A part's condition reads questions before its first one: joining it, the question must
    come after every question the condition reads, and not be one of them."""
    group = version.group(question.group_code)
    read = references(group.get("condition"))
    title = localized(group["title"])
    if question.code in read:
        raise PartError(_l("The part “%(part)s” is shown according to this question: it cannot be in it.",
                           part=title))
    before = {q.code for q in ordered[:ordered.index(question)]}
    later = sorted(read - before)
    if later:
        raise PartError(_l("The part “%(part)s” reads the answer to %(codes)s, asked after this question: "
                           "move this question below it first, or choose another part.",
                           part=title, codes=", ".join(later)))


def _depended_on(version, code) -> bool:
    """Whether a question's or a part's condition reads the question `code`."""
    return any(code in references(q.condition) for q in version.questions) or any(
        code in references(group.get("condition")) for group in version.groups or [])


def _check_order(version, ordered):
    """Every question depends only on questions before it, by its own condition and by its
    part's (a question moved above what its part reads would be asked before the answer)."""
    seen = set()
    for q in ordered:
        if not references(both(group_condition(version, q.group_code), q.condition)) <= seen:
            raise SurveyError(_l("A question can only depend on an earlier question."))
        seen.add(q.code)


def _check_condition(version, question):
    """The condition as a checked tree (surveys/conditions.py), on earlier questions only."""
    earlier = {q.code: q for q in version.questions if q.position < question.position and q is not question}
    try:
        question.condition = normalize(question.condition, earlier)
    except ConditionError as error:
        raise SurveyError(str(error)) from None


def _earlier_versions(version):
    return [v for v in version.questionnaire.versions if v.number < version.number]


def codes_of_earlier_versions(version) -> set[str]:
    return {q.code for v in _earlier_versions(version) for q in v.questions}


def meant_otherwise_before(version, code, type, option_codes, row_codes=()) -> bool:
    """Whether `code` named a question of another type, options or rows in an earlier version
    (the signature a question saved with these would have: see `Question.signature`)."""
    signature = (type.value, tuple(option_codes) if type in CHOICE_TYPES else (),
                 tuple(row_codes) if type in WITH_ROWS else ())
    return any(previous.signature != signature for v in _earlier_versions(version)
               if (previous := v.question(code)) is not None)


def _check_same_meaning_as_before(version, question):
    # A change of type or options under the same code would make waves look comparable
    # when they are not: that must be a new question with a new code.
    for earlier_version in _earlier_versions(version):
        previous = earlier_version.question(question.code)
        if previous is not None and previous.signature != question.signature:
            raise SurveyError(_l(
                "The code %(code)s meant another type or other options in version %(n)s: "
                "give the changed question a new code.", code=question.code, n=earlier_version.number,
            ))


def delete_question(question: Question):
    version = question.version
    _require_editable(version)
    if _depended_on(version, question.code):
        raise SurveyError(_l("Another question depends on this one: change that condition first."))
    version.questions.remove(question)
    _renumber(version)


def move_question(question: Question, offset: int):
    version = question.version
    _require_editable(version)
    ordered = list(version.questions)
    index = ordered.index(question)
    ordered.insert(max(0, min(len(ordered) - 1, index + offset)), ordered.pop(index))
    _check_order(version, ordered)  # every condition must still point to an earlier question
    for position, q in enumerate(ordered, start=1):
        q.position = position


# --- Parts (groups of questions) with a display condition ---------------------------


def save_group(version: QuestionnaireVersion, *, code, title: dict, members: list[str], condition=None,
               group: dict | None = None) -> dict:
    """Add a part to a version, or change one: its title, its questions (by code, each in
    one part at most) and its display condition, read on questions before its first one.
    When the condition does not hold, none of its questions is asked, required or kept."""
    _require_editable(version)
    code = (code or "").strip().lower()
    if not CODE_PATTERN.match(code):
        raise SurveyError(_l("A part's code is lowercase letters, digits and _, starting with a letter."))
    if code in RESERVED_PART_CODES:
        raise SurveyError(_l("The code %(code)s is kept for the builder's own pages: choose another one.", code=code))
    clash = version.group(code)
    if clash is not None and clash is not group:
        raise SurveyError(_l("Another part of this version already uses the code %(code)s.", code=code))
    if not (title or {}).get("fr", "").strip():
        raise SurveyError(_l("The part needs a French title."))
    questions = [q for q in version.questions if q.code in set(members)]
    if not questions:
        raise SurveyError(_l("Choose at least one question for this part."))
    old_code = group["code"] if group else None
    if any(q.group_code not in (None, old_code) for q in questions):
        raise SurveyError(_l("A question belongs to one part at most: take it out of its part first."))
    first = min(q.position for q in questions)
    earlier = {q.code: q for q in version.questions if q.position < first}
    try:
        condition = normalize(condition, earlier)
    except ConditionError as error:
        raise SurveyError(str(error)) from None
    saved = {"code": code, "title": dict(title), "condition": condition}
    groups = [g for g in version.groups or [] if g["code"] != old_code]
    position = next((i for i, g in enumerate(version.groups or []) if g["code"] == old_code), len(groups))
    groups.insert(position, saved)
    version.groups = groups  # a new list: the JSON column sees the change
    for q in version.questions:
        if q.group_code == old_code or q in questions:
            q.group_code = code if q in questions else None
    db.session.flush()
    return saved


def delete_group(version: QuestionnaireVersion, code: str):
    """The part goes, with its condition; its questions stay, asked as their own conditions say."""
    _require_editable(version)
    version.groups = [g for g in version.groups or [] if g["code"] != code]
    for q in version.questions:
        if q.group_code == code:
            q.group_code = None
    db.session.flush()


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
    opens_on = max(previous.closes_on + timedelta(days=1), local_today())  # a day in Tours, not in UTC
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
    wave.closed_at = utcnow() if status is WaveStatus.closed else None


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
    ids = territory.offered_ids()
    waves = db.session.scalars(
        select(Wave).where(Wave.territory_id.in_(ids), Wave.status == WaveStatus.open).order_by(Wave.id)
    )
    return [wave for wave in waves if wave.accepts_responses]


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
