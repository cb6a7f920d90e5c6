"""Realisation and cross-cutting indicators: who took part, how, and in which tools."""
from sqlalchemy import distinct, func, select

from deliberation.models import Comment, Committee, CommitteeMember, Consultation, Idea, MembershipStatus
from surveys.models import Wave

from voix.extensions import db

from .people import ROLES, YOUNG, Participants, Respondents
from .scope import Figure, Scope, share

KIOSK_ORIGINS = {"kiosk"}
PERSONAL_ORIGINS = {"personal"}
MEDIATED_ORIGINS = {"mediator", "paper"}


def contributors(respondents: Respondents, participants: Participants) -> Figure:
    total = respondents.total + len(participants.people)
    parts = {"respondents": Figure(respondents.total, respondents.total)}
    for role in ROLES:
        n = len(participants.by_role[role])
        parts[role + "s"] = Figure(n, n)
    return Figure(total, total, parts=parts)


def involvement_rate(scope: Scope, contributors_figure: Figure) -> Figure:
    """Contributors per 100 inhabitants."""
    n = contributors_figure.count
    return Figure(100 * n / scope.population if scope.population else None, n)


def committee_members(scope: Scope) -> list[tuple[str, str | None, str | None]]:
    """(committee name, gender, age bracket) of each resident seat validated by the end of the period."""
    return db.session.execute(
        select(Committee.name, CommitteeMember.gender, CommitteeMember.age_bracket)
        .join(Committee, Committee.id == CommitteeMember.committee_id)
        .join(Consultation, Consultation.id == Committee.consultation_id)
        .where(Consultation.territory_id.in_(scope.territory_ids), CommitteeMember.is_resident.is_(True),
               CommitteeMember.status == MembershipStatus.validated, CommitteeMember.validated_at < scope.until)
        .order_by(Committee.name)).all()


def committee_residents(members) -> Figure:
    per_committee = {}
    for name, _gender, _age in members:
        per_committee[name] = per_committee.get(name, 0) + 1
    return Figure(len(members), len(members), parts={name: Figure(n, n) for name, n in per_committee.items()})


def _share_among(values, wanted) -> Figure:
    given = [value for value in values if value is not None]
    return share(sum(1 for value in given if value in wanted), len(given))


def women_share(respondents: Respondents, participants: Participants, members) -> Figure:
    people = participants.people
    overall = share(respondents.women + sum(p.gender == "woman" for p in people.values()),
                    respondents.gender_given + sum(p.gender is not None for p in people.values()))
    overall.parts = {
        "carriers": _share_among([people[pid].gender for pid in participants.by_role["carrier"]], {"woman"}),
        "committee_members": _share_among([gender for _name, gender, _age in members], {"woman"}),
    }
    return overall


def young_share(respondents: Respondents, participants: Participants, members) -> Figure:
    people = participants.people
    overall = share(respondents.young + sum(p.age_bracket in YOUNG for p in people.values()),
                    respondents.age_given + sum(p.age_bracket is not None for p in people.values()))
    overall.parts = {
        "carriers": _share_among([people[pid].age_bracket for pid in participants.by_role["carrier"]], YOUNG),
        "committee_members": _share_among([age for _name, _gender, age in members], YOUNG),
    }
    return overall


def kiosk_share(respondents: Respondents, participants: Participants) -> Figure:
    origins = [p.origin for p in participants.people.values()]
    kiosk = respondents.kiosk + sum(o in KIOSK_ORIGINS for o in origins)
    personal = respondents.personal + sum(o in PERSONAL_ORIGINS for o in origins)
    mediated = sum(o in MEDIATED_ORIGINS for o in origins)
    total = respondents.total + len(origins)
    other = total - kiosk - personal - mediated  # the API, imports from another platform
    figure = share(kiosk, total)
    # Each part rests on the people in it: a channel used by 3 people is not shown.
    figure.parts = {key: Figure(n / total if total else None, n) for key, n in
                    (("kiosk", kiosk), ("personal", personal), ("mediated", mediated), ("other", other))}
    return figure


def tools_produced(scope: Scope) -> Figure:
    """Waves and consultations run in the period, the surveys behind them, and debates."""
    ids = scope.territory_ids
    running = (Wave.territory_id.in_(ids), Wave.opens_on <= scope.period.end, Wave.closes_on >= scope.period.start)
    waves, surveys = db.session.execute(select(
        func.count(Wave.id), func.count(distinct(Wave.questionnaire_id))).where(*running)).one()
    consultations = db.session.scalar(select(func.count(Consultation.id)).where(
        Consultation.territory_id.in_(ids), scope.during(Consultation.created_at)))
    debates = db.session.scalar(select(func.count(distinct(Comment.idea_id)))
                                .join(Idea, Idea.id == Comment.idea_id)
                                .join(Consultation, Consultation.id == Idea.consultation_id)
                                .where(Consultation.territory_id.in_(ids), scope.during(Comment.created_at)))
    parts = {"surveys": surveys, "waves": waves, "consultations": consultations, "debates": debates}
    return Figure(waves + consultations + debates, waves + consultations + debates, about_people=False,
                  parts={key: Figure(n, n, about_people=False) for key, n in parts.items()})
