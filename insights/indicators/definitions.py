"""What each indicator means and how it is computed: shown beside every figure."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from voix.institutions.models import INSTITUTION_LABELS

GROUPS = {
    "realisation": _l("Realisation"),
    "social_link": _l("Social link"),
    "institutions": _l("Image of institutions"),
    "living_together": _l("Living together"),
    "cross_cutting": _l("Cross-cutting: who takes part"),
}


@dataclass(frozen=True)
class Definition:
    id: str
    group: str
    label: object
    unit: str  # people, seats, items, share, per_100, days, net_tone
    definition: object
    method: object
    additive: bool = False  # the parts add up to the total (suppression must then hide two)


DEFINITIONS = [
    Definition("committee_residents", "realisation", _l("Residents in steering committees"), "seats",
               _l("Residents validated as members of a steering committee of a consultation of the territory, "
                  "by the end of the period, per committee."),
               _l("Counts validated resident seats (volunteers still waiting and declined ones are left out). "
                  "A resident on two committees holds two seats."), additive=True),
    Definition("tools_produced", "realisation", _l("Participation tools run"), "items",
               _l("Survey waves running during the period, the surveys behind them, consultations opened "
                  "and ideas debated (at least one comment) during the period."),
               _l("The total adds waves, consultations and debates; surveys are shown for information.")),
    Definition("contributors", "realisation", _l("Distinct contributors"), "people",
               _l("People who answered a survey, proposed an idea, voted, commented or asked an institution a "
                  "question during the period."),
               _l("A survey response counts as one person (surveys are anonymous: answering two waves counts "
                  "twice), except in a panel survey, where a card counts once. In consultations each "
                  "participation token counts once, whatever it did. The parts overlap: a carrier who also "
                  "votes is in both.")),
    Definition("involvement_rate", "realisation", _l("Involvement rate"), "per_100",
               _l("Distinct contributors per 100 inhabitants of the territory."),
               _l("Contributors divided by the population entered for the territory (or the sum of its "
                  "quartiers'). No rate without a population.")),
    Definition("invitations", "social_link", _l("People who came through an invitation"), "people",
               _l("Contributors who gave the personal invitation code of someone who took part before them, "
                  "and the chains this makes."),
               _l("A code counts only if it exists. A chain is someone invited by someone who had been "
                  "invited: its length is the number of invitations in a row.")),
    Definition("discourse", "institutions", _l("How residents talk about institutions"), "net_tone",
               _l("Net tone of the texts that name an institution: share of positive texts minus share of "
                  "negative ones, from -1 to +1, per institution."),
               _l("Machine reading of free-text answers, ideas and comments (see the discourse screen for its "
                  "measured accuracy), with a bootstrap confidence interval at 95 percent.")),
    Definition("answered_share", "institutions", _l("Ideas and questions that got an institution's answer"),
               "share",
               _l("Share of the ideas proposed, and of the questions residents asked an institution, during the "
                  "period that received an answer from an institution."),
               _l("Answers given at any time up to today count. Hidden ideas and questions are left out. People "
                  "behind the figure: the ideas' carriers and the questions' askers, each counted once.")),
    Definition("answer_delay", "institutions", _l("Time to a first answer"), "days",
               _l("Median number of days between an idea or a question and an institution's first answer to it, "
                  "per institution."),
               _l("Only answered ideas and questions of the period; the median is not pulled by one very late "
                  "answer. People behind the figure: those whose idea or question was answered.")),
    Definition("exchanges", "living_together", _l("Comments and replies"), "items",
               _l("Comments and replies written in the debates during the period."),
               _l("Hidden comments count too (see the moderated share). People behind: their authors."),
               additive=True),
    Definition("cross_quartier_replies", "living_together", _l("Replies between quartiers"), "share",
               _l("Share of replies written to someone of another quartier."),
               _l("Only replies where both people gave their quartier.")),
    Definition("cross_group_replies", "living_together", _l("Replies between opinion groups"), "share",
               _l("Share of replies written to someone of another opinion group."),
               _l("Opinion groups come from the agree/disagree votes on statements; only replies where both "
                  "people were placed in a group.")),
    Definition("ideas_across_groups", "living_together", _l("Ideas supported across opinion groups"), "share",
               _l("Share of supported ideas whose supporters come from at least two opinion groups."),
               _l("Supports given during the period by people placed in an opinion group.")),
    Definition("moderated_share", "living_together", _l("Exchanges moderated"), "share",
               _l("Share of the period's comments and replies hidden by a moderator."),
               _l("A hidden comment keeps its reason, which its author sees.")),
    Definition("women_share", "cross_cutting", _l("Share of women"), "share",
               _l("Share of women among contributors, idea carriers and committee members."),
               _l("Among the people who answered the optional gender question.")),
    Definition("young_share", "cross_cutting", _l("Share of young people (under 26)"), "share",
               _l("Share of people under 26 among contributors, idea carriers and committee members."),
               _l("Among the people who gave their age bracket.")),
    Definition("kiosk_share", "cross_cutting", _l("Participation on shared tablets"), "share",
               _l("Share of contributors who took part on a tablet of an EPN or centre social, against personal "
                  "devices, mediators and paper."),
               _l("A survey response by its channel; a consultation participant by where they first took "
                  "part."), additive=True),
]
BY_ID = {d.id: d for d in DEFINITIONS}

PART_LABELS = {
    "respondents": _l("survey respondents"), "carriers": _l("idea carriers"), "voters": _l("voters"),
    "commenters": _l("commenters"), "askers": _l("people who asked an institution"), "surveys": _l("surveys"), "waves": _l("survey waves"),
    "consultations": _l("consultations"), "debates": _l("ideas debated"),
    "share_of_contributors": _l("share of contributors"), "inviters": _l("codes passed on"),
    "in_chains": _l("people in a chain of two invitations or more"), "longest_chain": _l("longest chain"),
    "comments": _l("comments"), "replies": _l("replies"), "kiosk": _l("shared tablets"),
    "personal": _l("personal devices"), "mediated": _l("mediators and paper"), "other": _l("other"),
    "committee_members": _l("committee members"),
}
# The unit of a part when it differs from its indicator's.
PART_UNITS = {"share_of_contributors": "share", "longest_chain": "invitations"}


def part_label(key: str) -> str:
    return str(PART_LABELS.get(key) or INSTITUTION_LABELS.get(key) or key)
