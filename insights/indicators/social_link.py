"""Social link: residents who came through someone's personal invitation, and the chains.

Every respondent and participant has a code to pass on. Someone counts as invited when
the code they gave is a real one (of a respondent or participant, of any place or
time). Their depth is the length of the chain above them: 1 if their inviter came on
their own, 2 if the inviter had been invited too, and so on. The depth is stored when
they arrive (voix/invitations.py), so counting chains reads no more than one index.
"""
from .people import Participants, Respondents
from .scope import Figure


def invitations(respondents: Respondents, participants: Participants, contributors: int) -> Figure:
    came_invited = [p for p in participants.people.values() if p.invitation_depth > 0]
    invited = respondents.invited + len(came_invited)
    in_chains = respondents.in_chains + sum(p.invitation_depth > 1 for p in came_invited)
    longest = max([respondents.longest_chain] + [p.invitation_depth for p in came_invited])
    inviters = respondents.inviters | {p.invited_by_code for p in came_invited}
    return Figure(invited, invited, parts={
        "share_of_contributors": Figure(invited / contributors if contributors else None, contributors),
        "inviters": Figure(len(inviters), len(inviters)),
        "in_chains": Figure(in_chains, in_chains),
        # The longest chain is shown only when at least 10 invited people stand behind it.
        "longest_chain": Figure(longest, invited),
    })
