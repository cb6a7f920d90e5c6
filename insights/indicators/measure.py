"""Every indicator of the action sheet for one scope (territory x period), as Figures."""
from . import exchanges, institutions, participation, social_link
from .people import participants, respondents
from .scope import Figure, Scope


def measure(scope: Scope) -> dict[str, Figure]:
    found_respondents, found_participants = respondents(scope), participants(scope)
    members = participation.committee_members(scope)
    contributors = participation.contributors(found_respondents, found_participants)
    answered, delay = institutions.answers(scope)
    return {
        # Realisation
        "committee_residents": participation.committee_residents(members),
        "tools_produced": participation.tools_produced(scope),
        "contributors": contributors,
        "involvement_rate": participation.involvement_rate(scope, contributors),
        # Effects: social link, image of institutions, living together
        "invitations": social_link.invitations(found_respondents, found_participants, contributors.count),
        "discourse": institutions.discourse(scope),
        "answered_share": answered,
        "answer_delay": delay,
        **exchanges.exchanges(scope),
        "ideas_across_groups": exchanges.ideas_across_groups(scope),
        # Cross-cutting
        "women_share": participation.women_share(found_respondents, found_participants, members),
        "young_share": participation.young_share(found_respondents, found_participants, members),
        "kiosk_share": participation.kiosk_share(found_respondents, found_participants),
    }
