"""Image of institutions: what residents say about them, and how fast they answer.

Contact fluidity is measured on ideas: an idea proposed in the period is answered when an
institution gave it an official answer (at any time up to now). The time to answer is
from the idea to that institution's first answer.
"""
from statistics import median

from sqlalchemy import String, cast, func, select

from deliberation.models import Consultation, Idea, OfficialAnswer, Participant, Visibility
from voix.extensions import db
from voix.institutions.models import Institution

from ..models import TextAnalysis
from ..trends import trend_table
from .people import participant_territory
from .scope import Figure, Scope

SECONDS_PER_DAY = 86400


def _ideas(scope: Scope):
    return (select(Idea.id, Idea.created_at, Idea.carrier_id)
            .join(Participant, Participant.id == Idea.carrier_id)
            .join(Consultation, Consultation.id == Idea.consultation_id)
            .where(participant_territory().in_(scope.territory_ids), scope.during(Idea.created_at),
                   Idea.visibility == Visibility.visible))


def answers(scope: Scope) -> tuple[Figure, Figure]:
    """(share of ideas answered, median days to a first answer by institution)."""
    ideas = {idea_id: (created_at, carrier) for idea_id, created_at, carrier in db.session.execute(_ideas(scope))}
    first_answers = db.session.execute(
        select(OfficialAnswer.idea_id, Institution.name, func.min(OfficialAnswer.answered_at))
        .join(Institution, Institution.id == OfficialAnswer.institution_id)
        .where(OfficialAnswer.idea_id.in_(_ideas(scope).with_only_columns(Idea.id)))
        .group_by(OfficialAnswer.idea_id, Institution.name)).all()
    carriers = {carrier for _created, carrier in ideas.values()}
    answered = {idea_id for idea_id, _name, _at in first_answers}
    # The people behind the share are the ideas' carriers.
    answered_share = Figure(len(answered) / len(ideas) if ideas else None, len(carriers))

    delays: dict[str, list[tuple[float, int]]] = {}
    for idea_id, name, answered_at in first_answers:
        created_at, carrier = ideas[idea_id]
        delays.setdefault(name, []).append(((answered_at - created_at).total_seconds() / SECONDS_PER_DAY, carrier))
    all_delays = [days for rows in delays.values() for days, _carrier in rows]
    delay = Figure(median(all_delays) if all_delays else None,
                   len({carrier for rows in delays.values() for _days, carrier in rows}))
    delay.parts = {name: Figure(median(days for days, _c in rows), len({c for _d, c in rows}))
                   for name, rows in sorted(delays.items())}
    return answered_share, delay


def discourse(scope: Scope) -> Figure:
    """Net tone (share of texts positive about an institution minus share negative), per institution."""
    rows = db.session.execute(
        select(TextAnalysis.source, TextAnalysis.source_id, TextAnalysis.mentions)
        .where(TextAnalysis.quartier_id.in_(scope.territory_ids), scope.during(TextAnalysis.written_at),
               cast(TextAnalysis.mentions, String) != "[]"))
    records = [{"contribution": f"{source}:{source_id}", "institution": mention["institution"],
                "stance": mention["stance"]}
               for source, source_id, mentions in rows for mention in mentions]
    # Every cell is computed; report.py hides the small ones, like every other figure.
    overall = _tone(trend_table(records, by=(), min_contributions=1))
    overall.parts = {cell["institution"]: _tone([cell])
                     for cell in trend_table(records, by=("institution",), min_contributions=1)}
    return overall


def _tone(cells) -> Figure:
    """A trend_table cell as a figure (a suppressed cell has no count: it shows as under 10)."""
    if not cells:
        return Figure(None, 0)
    cell = cells[0]
    return Figure(cell["net_tone"], cell["n_contributions"] or 0, interval=cell["net_tone_ci"])
