"""Who took part in a scope: survey respondents and deliberation participants.

A survey response is one person: surveys are anonymous, so someone who answers two waves
of the period counts twice, unless the survey is a panel: a card answering several waves
is one person. A deliberation participant is one participation token (or
pseudonymous account) in one consultation, counted once whatever they did. Survey
activity counts in the quartier the respondent gave, else in the wave's territory;
deliberation activity in the quartier the participant gave, else in the consultation's.
"""
from dataclasses import dataclass, field

from sqlalchemy import case, func, literal, select, union

from deliberation.models import (
    Comment,
    Consultation,
    Idea,
    InstitutionQuestion,
    PairwiseVote,
    Participant,
    Statement,
    StatementVote,
    Support,
)
from surveys.models import Channel, Response
from voix.extensions import db

from .scope import Scope, stream

YOUNG = ("under_15", "15_17", "18_25")  # under 26, the contrat de ville's "young people"
ROLES = ("carrier", "voter", "commenter", "asker")


@dataclass
class Respondents:
    total: int = 0
    gender_given: int = 0
    women: int = 0
    age_given: int = 0
    young: int = 0
    kiosk: int = 0
    personal: int = 0
    invited: int = 0  # came with a real code
    in_chains: int = 0  # came with the code of someone who had been invited too
    longest_chain: int = 0
    inviters: set[str] = field(default_factory=set)  # the real codes they came with


@dataclass(frozen=True)
class Person:
    """A deliberation participant as the indicators see them."""

    id: int
    gender: str | None
    age_bracket: str | None
    origin: str
    invited_by_code: str | None
    invitation_depth: int


@dataclass
class Participants:
    people: dict[int, Person] = field(default_factory=dict)
    by_role: dict[str, set[int]] = field(default_factory=lambda: {role: set() for role in ROLES})


def respondents(scope: Scope) -> Respondents:
    in_scope = (Response.territory_id.in_(scope.territory_ids), scope.during(Response.submitted_at))
    row = db.session.execute(select(
        func.count(),
        func.count(Response.gender),
        func.count(case((Response.gender == "woman", 1))),
        func.count(Response.age_bracket),
        func.count(case((Response.age_bracket.in_(YOUNG), 1))),
        func.count(case((Response.channel == Channel.kiosk, 1))),
        func.count(case((Response.channel == Channel.personal, 1))),
        func.count(case((Response.invitation_depth > 0, 1))),
        func.count(case((Response.invitation_depth > 1, 1))),
        func.coalesce(func.max(Response.invitation_depth), 0),
    ).where(*in_scope)).one()
    inviters = stream(select(Response.invited_by_code).distinct().where(*in_scope, Response.invitation_depth > 0))
    found = Respondents(*row, inviters=set(inviters.scalars()))
    _count_panel_cards_once(found, in_scope)
    return found


def _count_panel_cards_once(found: Respondents, in_scope):
    """Panel respondents were counted once per response above: count them once per card.

    A card is described by what it said last, and came the way its most invited response
    says. Panel responses are few, and a filter on them in the query above would cost
    every anonymous response a check: they are read apart and corrected here."""
    cards: dict[str, dict] = {}
    rows = stream(select(Response.panel_code, Response.channel, Response.gender, Response.age_bracket,
                         Response.invitation_depth)
                  .where(*in_scope, Response.panel_code.is_not(None)).order_by(Response.submitted_at))
    for code, channel, gender, age_bracket, depth in rows:
        _count_in(found, {"channel": channel, "gender": gender, "age": age_bracket, "depth": depth}, -1)
        card = cards.setdefault(code, {"depth": 0, "gender": None, "age": None})
        card["channel"] = channel
        card["gender"] = gender or card["gender"]
        card["age"] = age_bracket or card["age"]
        card["depth"] = max(card["depth"], depth)
    for card in cards.values():
        _count_in(found, card, +1)


def _count_in(found: Respondents, person: dict, weight: int):
    found.total += weight
    found.gender_given += weight * (person["gender"] is not None)
    found.women += weight * (person["gender"] == "woman")
    found.age_given += weight * (person["age"] is not None)
    found.young += weight * (person["age"] in YOUNG)
    found.kiosk += weight * (person["channel"] is Channel.kiosk)
    found.personal += weight * (person["channel"] is Channel.personal)
    found.invited += weight * (person["depth"] > 0)
    found.in_chains += weight * (person["depth"] > 1)  # the longest chain is the same either way


def participant_territory():
    """SQL: where a participant's activity counts (needs Participant joined to Consultation)."""
    return func.coalesce(Participant.quartier_id, Consultation.territory_id)


def _activity(scope: Scope):
    """(participant id, role) of everything done in the period, any territory."""
    return union(
        select(Idea.carrier_id.label("pid"), literal("carrier").label("role")).where(scope.during(Idea.created_at)),
        select(Support.participant_id, literal("voter")).where(scope.during(Support.created_at)),
        select(StatementVote.participant_id, literal("voter")).where(scope.during(StatementVote.voted_at)),
        select(PairwiseVote.participant_id, literal("voter")).where(scope.during(PairwiseVote.created_at)),
        select(Comment.participant_id, literal("commenter")).where(scope.during(Comment.created_at)),
        select(Statement.author_id, literal("commenter")).where(
            scope.during(Statement.created_at), Statement.author_id.is_not(None)),
        select(InstitutionQuestion.asker_id, literal("asker")).where(scope.during(InstitutionQuestion.created_at)),
    ).subquery()


def participants(scope: Scope) -> Participants:
    activity = _activity(scope)
    rows = stream(
        select(activity.c.pid, activity.c.role, Participant.gender, Participant.age_bracket, Participant.origin,
               Participant.invited_by_code, Participant.invitation_depth)
        .join(Participant, Participant.id == activity.c.pid)
        .join(Consultation, Consultation.id == Participant.consultation_id)
        .where(participant_territory().in_(scope.territory_ids)))
    found = Participants()
    for pid, role, gender, age_bracket, origin, invited_by, depth in rows:
        found.people[pid] = Person(pid, gender, age_bracket, origin.value, invited_by, depth)
        found.by_role[role].add(pid)
    return found
