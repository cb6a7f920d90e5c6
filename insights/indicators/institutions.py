"""Image of institutions: what residents say about them, and how fast they answer.

Contact fluidity is measured on ideas and on residents' questions to an institution: an
idea or a question of the period is answered when an institution gave it an answer (at
any time up to now). The time to answer runs from the idea or question to that
institution's first answer. Both count where their resident's activity counts (the
quartier they gave, else the consultation's territory); hidden ones are left out.
"""
from collections import defaultdict
from statistics import median

from sqlalchemy import case, func, select

from deliberation.models import (
    Consultation,
    Idea,
    InstitutionQuestion,
    OfficialAnswer,
    Participant,
    QuestionAnswer,
    Visibility,
)
from voix.extensions import db
from voix.institutions.models import Institution

from ..models import TextAnalysis
from ..trends import STANCE_SIGNS, cells_from_counts
from .people import participant_territory
from .scope import Figure, Scope, dialect, stream

SECONDS_PER_DAY = 86400


def _proposed(scope: Scope, model, author):
    """(id, created_at, author) of the ideas or questions proposed in the scope, visible,
    counted where their author is (their quartier, else the consultation's territory)."""
    return (select(model.id, model.created_at, author)
            .join(Participant, Participant.id == author)
            .join(Consultation, Consultation.id == model.consultation_id)
            .where(participant_territory().in_(scope.territory_ids), scope.during(model.created_at),
                   model.visibility == Visibility.visible))


def _ideas(scope: Scope):
    return _proposed(scope, Idea, Idea.carrier_id)


def _questions(scope: Scope):
    return _proposed(scope, InstitutionQuestion, InstitutionQuestion.asker_id)


def _first_answers_to_ideas(scope: Scope):
    """(idea id, institution name, its first answer) for the scope's ideas."""
    return db.session.execute(
        select(OfficialAnswer.idea_id, Institution.name, func.min(OfficialAnswer.answered_at))
        .join(Institution, Institution.id == OfficialAnswer.institution_id)
        .where(OfficialAnswer.idea_id.in_(_ideas(scope).with_only_columns(Idea.id)))
        .group_by(OfficialAnswer.idea_id, Institution.name)).all()


def _first_answers_to_questions(scope: Scope):
    """(question id, institution name, its first answer) for the scope's questions."""
    return db.session.execute(
        select(QuestionAnswer.question_id, Institution.name, func.min(QuestionAnswer.answered_at))
        .join(InstitutionQuestion, InstitutionQuestion.id == QuestionAnswer.question_id)
        .join(Institution, Institution.id == InstitutionQuestion.institution_id)
        .where(QuestionAnswer.question_id.in_(_questions(scope).with_only_columns(InstitutionQuestion.id)))
        .group_by(QuestionAnswer.question_id, Institution.name)).all()


def answers(scope: Scope) -> tuple[Figure, Figure]:
    """(share of ideas and questions answered, median days to a first answer by institution).

    Ideas and questions are keyed ("idea", id) and ("question", id): their ids come from
    two tables. The people behind both figures are the carriers and askers, each once.
    """
    asked = {("idea", idea_id): (created_at, carrier)
             for idea_id, created_at, carrier in db.session.execute(_ideas(scope))}
    asked.update({("question", question_id): (created_at, asker)
                  for question_id, created_at, asker in db.session.execute(_questions(scope))})
    first_answers = ([(("idea", i), name, at) for i, name, at in _first_answers_to_ideas(scope)]
                     + [(("question", q), name, at) for q, name, at in _first_answers_to_questions(scope)])
    people = {person for _created, person in asked.values()}
    answered = {key for key, _name, _at in first_answers}
    answered_share = Figure(len(answered) / len(asked) if asked else None, len(people))

    delays: dict[str, list[tuple[float, int]]] = {}
    for key, name, answered_at in first_answers:
        created_at, person = asked[key]
        delays.setdefault(name, []).append(((answered_at - created_at).total_seconds() / SECONDS_PER_DAY, person))
    all_delays = [days for rows in delays.values() for days, _person in rows]
    delay = Figure(median(all_delays) if all_delays else None,
                   len({person for rows in delays.values() for _days, person in rows}))
    delay.parts = {name: Figure(median(days for days, _p in rows), len({p for _d, p in rows}))
                   for name, rows in sorted(delays.items())}
    return answered_share, delay


def _mentions(scope: Scope):
    """SQL: (text, institution, sign of the stance) for each institution a text of the scope names.

    The database takes the JSON apart: parsed in Python, a quartier's year of texts made
    tens of thousands of dicts to build and then collect. The sign is NULL for a stance
    the analysis does not give.
    """
    if dialect() == "postgresql":
        mention = func.json_array_elements(TextAnalysis.mentions).table_valued("value", joins_implicitly=True)
        institution, stance = mention.c.value.op("->>")("institution"), mention.c.value.op("->>")("stance")
    else:
        mention = func.json_each(TextAnalysis.mentions).table_valued("value", joins_implicitly=True)
        institution, stance = (func.json_extract(mention.c.value, "$.institution"),
                               func.json_extract(mention.c.value, "$.stance"))
    sign = case(*((stance == name, value) for name, value in STANCE_SIGNS.items()))
    return (select(TextAnalysis.id, institution, sign).select_from(TextAnalysis, mention)
            .where(TextAnalysis.quartier_id.in_(scope.territory_ids), scope.during(TextAnalysis.written_at)))


def discourse(scope: Scope) -> Figure:
    """Net tone (share of texts positive about an institution minus share negative), per institution.

    In each cell (all institutions, or one) a text counts once, leaning the way of its
    positive minus negative mentions (insights/trends.py).
    """
    overall, per_institution, mentions = defaultdict(int), defaultdict(lambda: defaultdict(int)), defaultdict(int)
    for text, institution, sign in stream(_mentions(scope)):
        if sign is None:
            raise ValueError(f"a text analysis gives a stance other than {', '.join(STANCE_SIGNS)}")
        overall[text] += sign
        per_institution[institution][text] += sign
        mentions[institution] += 1
    whole = {(): (_leanings(overall), sum(mentions.values()))} if overall else {}
    by_institution = {(name,): (_leanings(texts), mentions[name]) for name, texts in per_institution.items()}
    # Every cell is computed; report.py hides the small ones, like every other figure.
    figure = _tone(cells_from_counts(whole, by=(), min_contributions=1))
    figure.parts = {cell["institution"]: _tone([cell])
                    for cell in cells_from_counts(by_institution, by=("institution",), min_contributions=1)}
    return figure


def _leanings(totals: dict[int, int]) -> list[int]:
    """How many texts lean negative, neutral and positive, from each text's sum of signs."""
    leanings = [0, 0, 0]
    for total in totals.values():
        leanings[(total > 0) - (total < 0) + 1] += 1
    return leanings


def _tone(cells) -> Figure:
    """A trend_table cell as a figure (a suppressed cell has no count: it shows as under 10)."""
    if not cells:
        return Figure(None, 0)
    cell = cells[0]
    return Figure(cell["net_tone"], cell["n_contributions"] or 0, interval=cell["net_tone_ci"])
