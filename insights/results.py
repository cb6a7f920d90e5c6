"""The public results page of a quartier, for residents: what was said, what was decided,
what each institution answered (to ideas and to residents' questions). Plain words; the
same small-cell rule as everywhere.
"""
from collections import Counter
from datetime import timedelta

from flask import Blueprint, abort, render_template
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from deliberation.models import (
    AnswerStatus,
    Consultation,
    Idea,
    InstitutionQuestion,
    OfficialAnswer,
    QuestionAnswer,
    Support,
    Visibility,
)
from surveys.models import MATRIX_TYPES, Answer, QuestionType, Response, Wave, WaveStatus
from voix.extensions import db
from voix.institutions.models import Institution
from voix.models import local_today
from voix.territories.models import Territory, TerritoryKind, all_territories, territory_by_slug

from .indicators import MIN_PEOPLE, Period, find, indicator_report

bp = Blueprint("results", __name__, url_prefix="/resultats", template_folder="templates")
SUMMED_UP = (QuestionType.single_choice, QuestionType.multiple_choice, QuestionType.yes_no,
             QuestionType.agreement, QuestionType.smiley)
DECIDED = (AnswerStatus.accepted, AnswerStatus.done)
LATEST_ANSWERS = 5
TONE_WORDS = {"positive": _l("rather positive"), "negative": _l("rather negative"), "mixed": _l("mixed")}
TREND_WORDS = {"up": _l("more positive than the year before"), "down": _l("more negative than the year before"),
               "same": _l("about the same as the year before")}


@bp.get("/")
def index():
    quartiers = [t for t in all_territories() if t.kind is TerritoryKind.quartier]
    return render_template("insights/results_index.html", quartiers=quartiers)


@bp.get("/<slug>")
def quartier(slug):
    territory = territory_by_slug(slug)
    if territory is None or territory.kind is not TerritoryKind.quartier:
        abort(404)
    today = local_today()
    report = indicator_report(territory, Period(today - timedelta(days=364), today))
    wave, said = what_was_said(territory)
    return render_template(
        "insights/results.html", territory=territory, contributors=find(report, "contributors"),
        wave=wave, said=said, discourse=_discourse_in_words(find(report, "discourse")),
        top_ideas=top_ideas(territory), decided=decided_ideas(territory), answers=answers_by_institution(territory),
        answered=find(report, "answered_share"), delay=find(report, "answer_delay"), min_people=MIN_PEOPLE)


def what_was_said(territory: Territory):
    """The latest closed wave with at least 10 respondents of this quartier, and for each
    choice question the answer given most often (with its share)."""
    ids = territory.subtree_ids()
    counts = dict(db.session.execute(
        select(Response.wave_id, func.count()).where(Response.territory_id.in_(ids)).group_by(Response.wave_id)).all())
    waves = db.session.scalars(select(Wave).where(Wave.id.in_(counts), Wave.status == WaveStatus.closed)
                               .order_by(Wave.closes_on.desc())).all()
    wave = next((w for w in waves if counts[w.id] >= MIN_PEOPLE), None)
    if wave is None:
        return None, []
    values: dict[int, list] = {}
    for question_id, value in db.session.execute(
            select(Answer.question_id, Answer.value).join(Response, Response.id == Answer.response_id)
            .where(Response.wave_id == wave.id, Response.territory_id.in_(ids))):
        values.setdefault(question_id, []).append(value)
    said = []
    for question in wave.version.questions:
        given = values.get(question.id, [])
        if question.type in SUMMED_UP and len(given) >= MIN_PEOPLE:
            said.append({"question": question.display_text(), "sentence": _in_words(question, given)})
        elif question.type in MATRIX_TYPES:
            rows = _rows_in_words(question, given)
            if rows:
                said.append({"question": question.display_text(), "sentence": "", "rows": rows})
    return wave, said


def _rows_in_words(question, given: list) -> list[dict]:
    """A matrix, row by row: how the people who answered that row answered it, each option
    with its share (rows answered by fewer than MIN_PEOPLE are left out)."""
    rows = []
    for row in question.row_codes:
        values = [value[row] for value in given if isinstance(value, dict) and row in value]
        if len(values) < MIN_PEOPLE:
            continue
        counts = Counter(code for value in values for code in (value if isinstance(value, list) else [value]))
        shares = [_("%(answer)s: %(percent)s", answer=question.option_label(code),
                    percent=format_percent(counts[code] / len(values)))
                  for code in question.option_codes if counts[code]]
        rows.append({"row": question.row_label(row), "sentence": _(
            "%(shares)s (%(n)s people answered).", shares=", ".join(shares), n=len(values))})
    return rows


def _in_words(question, given: list) -> str:
    """One sentence that sums up the answers to a choice question."""
    n = len(given)
    if question.type is QuestionType.agreement:
        return _("%(percent)s of the %(n)s people who answered agree.",
                 percent=format_percent(sum(v in (4, 5) for v in given) / n), n=n)
    if question.type is QuestionType.smiley:
        return _("%(percent)s of the %(n)s people who answered feel good.",
                 percent=format_percent(sum(v in (4, 5) for v in given) / n), n=n)
    if question.type is QuestionType.yes_no:
        return _("%(percent)s of the %(n)s people who answered said yes.",
                 percent=format_percent(sum(v is True for v in given) / n), n=n)
    # Single or multiple choice: the option chosen most often.
    top, chosen = Counter(code for value in given for code in (value if isinstance(value, list) else [value])
                          ).most_common(1)[0]
    return _("The answer chosen most often: \"%(answer)s\", by %(percent)s of the %(n)s people who answered.",
             answer=question.option_label(top), percent=format_percent(chosen / n), n=n)


def _discourse_in_words(item: dict) -> list[dict]:
    words = []
    for part in item["parts"]:
        if part["suppressed"]:
            continue
        tone = "positive" if part["value"] > 0.2 else "negative" if part["value"] < -0.2 else "mixed"
        trend = None
        if part["change"] is not None:
            trend = "up" if part["change"] > 0.1 else "down" if part["change"] < -0.1 else "same"
        words.append({"institution": part["label"], "tone": TONE_WORDS[tone],
                      "trend": TREND_WORDS[trend] if trend else None, "texts": part["count"]})
    return words


def _ideas_of(territory: Territory):
    return (select(Idea).join(Consultation, Consultation.id == Idea.consultation_id)
            .where(Consultation.territory_id.in_(territory.subtree_ids()), Idea.visibility == Visibility.visible))


def top_ideas(territory: Territory, limit=5) -> list[tuple[Idea, int]]:
    """The most supported ideas of consultations whose results are public."""
    supports = func.count(Support.id)
    rows = db.session.execute(
        _ideas_of(territory).add_columns(supports).join(Support, Support.idea_id == Idea.id)
        .group_by(Idea.id).order_by(supports.desc(), Idea.id).limit(limit * 3)).all()
    return [(idea, n) for idea, n in rows if idea.consultation.shows_results][:limit]


def decided_ideas(territory: Territory, limit=10) -> list[tuple[Idea, OfficialAnswer]]:
    """Ideas an institution accepted or carried out, the latest first."""
    rows = db.session.execute(
        _ideas_of(territory).add_columns(OfficialAnswer).join(OfficialAnswer, OfficialAnswer.idea_id == Idea.id)
        .where(OfficialAnswer.status.in_(DECIDED)).order_by(OfficialAnswer.answered_at.desc()).limit(limit)).all()
    return [(idea, answer) for idea, answer in rows]


def _questions_of(territory: Territory):
    return (select(InstitutionQuestion).join(Consultation, Consultation.id == InstitutionQuestion.consultation_id)
            .where(Consultation.territory_id.in_(territory.subtree_ids()),
                   InstitutionQuestion.visibility == Visibility.visible))


def answers_by_institution(territory: Territory) -> list[tuple[Institution, list]]:
    """Each institution's latest answers to the quartier's ideas and questions.

    A row is ("idea", idea, official answer) or ("question", question, its answer).
    """
    rows = [("idea", idea, answer, answer.institution) for idea, answer in db.session.execute(
        _ideas_of(territory).add_columns(OfficialAnswer).join(OfficialAnswer, OfficialAnswer.idea_id == Idea.id))]
    rows += [("question", question, answer, question.institution) for question, answer in db.session.execute(
        _questions_of(territory).add_columns(QuestionAnswer)
        .join(QuestionAnswer, QuestionAnswer.question_id == InstitutionQuestion.id))]
    rows.sort(key=lambda row: row[2].answered_at, reverse=True)
    found: dict[int, list] = {}
    institutions = {}
    for kind, item, answer, institution in rows:
        institutions[institution.id] = institution
        if len(found.setdefault(institution.id, [])) < LATEST_ANSWERS:
            found[institution.id].append((kind, item, answer))
    return sorted(((institutions[i], latest) for i, latest in found.items()), key=lambda pair: pair[0].name)
