"""Social link: residents who came through someone's personal invitation, and the chains.

Every respondent and participant has a code to pass on. Someone counts as invited when
the code they gave is a real one (of a respondent or participant, of any place or
time). Their depth is the length of the chain above them: 1 if their inviter came on
their own, 2 if the inviter had been invited too, and so on.
"""
import json

from sqlalchemy import JSON, bindparam, cast, func, select, union_all

from deliberation.models import Participant
from surveys.models import Response

from .people import Participants, Respondents
from .scope import Figure, dialect, stream

MAX_DEPTH = 100  # codes exist before they are used, so chains cannot loop; this is a guard


def _listed(codes: set[str]):
    """SQL: the codes as rows of one column, sent as a single JSON array.

    A quartier's year holds tens of thousands of codes: as `IN (?, ?, ...)` they would
    take batches under SQLite's limit on parameters, and building and planning those
    costs more than the lookups themselves.
    """
    array = bindparam("codes", json.dumps(sorted(codes)))
    if dialect() == "postgresql":
        values = func.json_array_elements_text(cast(array, JSON))
    else:
        values = func.json_each(array)
    return select(values.table_valued("value").c.value)


def _inviters_of(codes: set[str]) -> dict[str, str | None]:
    """{code: the code its owner came with (or None)} for the codes that exist."""
    listed = _listed(codes)
    rows = stream(union_all(
        select(Response.invitation_code, Response.invited_by_code).where(Response.invitation_code.in_(listed)),
        select(Participant.invitation_code, Participant.invited_by_code).where(
            Participant.invitation_code.in_(listed))))
    return {code: parent for code, parent in rows}


def chain_depths(invited_by: list[str]) -> list[int]:
    """For each person's "who invited you" code: the depth of their chain, 0 if the code is unknown."""
    parent_of: dict[str, str | None] = {}
    wanted = set(invited_by)
    for _ in range(MAX_DEPTH):
        wanted -= parent_of.keys()
        if not wanted:
            break
        found = _inviters_of(wanted)
        parent_of.update(found)
        parent_of.update({code: False for code in wanted - found.keys()})  # not a real code
        wanted = {parent for parent in found.values() if parent}

    def depth(code):
        n = 0
        while code is not None and parent_of.get(code, False) is not False and n < MAX_DEPTH:
            n, code = n + 1, parent_of[code]
        return n

    return [depth(code) for code in invited_by]


def invitations(respondents: Respondents, participants: Participants, contributors: int) -> Figure:
    codes = respondents.invited_codes + [p.invited_by_code for p in participants.people.values() if p.invited_by_code]
    resolved = [(code, depth) for code, depth in zip(codes, chain_depths(codes)) if depth > 0]
    depths = [depth for _code, depth in resolved]
    used = {code for code, _depth in resolved}
    invited = len(depths)
    in_chains = sum(d >= 2 for d in depths)
    longest = max(depths, default=0)
    return Figure(invited, invited, parts={
        "share_of_contributors": Figure(invited / contributors if contributors else None, contributors),
        "inviters": Figure(len(used), len(used)),
        "in_chains": Figure(in_chains, in_chains),
        # The longest chain is shown only when at least 10 invited people stand behind it.
        "longest_chain": Figure(longest, invited),
    })
