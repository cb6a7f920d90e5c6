"""How long residents waited, or how fast they were served: durations in a clause.

`duration(toks, i, n)` reads a duration starting at token i ("3 mois", "2h", "des
semaines") and says whether the sentence tells it as a wait (SLOW_SCORE: "depuis 3 mois",
"ça fait 2h", "3 semaines sans réponse"), as speed (FAST_SCORE: "en 10 min", "20 min au lieu
de 50"), or as neither (a time of day, opening hours: "rdv à 10h", "de 14h à 17h").
`insights.stance` gives the score to the institution the clause speaks of.
"""
import re

from .tokenize import is_sentence_end

NUMBER_WORDS = frozenset({
    "un", "une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
    "onze", "douze", "quinze", "vingt", "trente", "quarante", "cinquante", "soixante", "cent",
    "plusieurs", "quelques", "des",
})
UNITS_SHORT = frozenset({"minute", "minutes", "min", "mn", "heure", "heures", "h", "jour", "journee", "semaine", "seconde", "secondes"})
UNITS_LONG = frozenset({"jours", "j", "semaines", "sem", "mois", "an", "ans", "annee", "annees", "journees"})
UNITS = UNITS_SHORT | UNITS_LONG
UNIT_ORDER = (
    {"s", "seconde", "secondes"}, {"min", "mn", "minute", "minutes"}, {"h", "heure", "heures"},
    {"j", "jour", "jours", "journee", "journees"}, {"sem", "semaine", "semaines"}, {"mois"},
    {"an", "ans", "annee", "annees"},
)
COMPOUND_DURATION = re.compile(r"^\d+(?:h|min|mn|j|ans?|mois|sem)\d*$")
SLOW_BEFORE = frozenset({
    "depuis", "fait", "encore", "dans", "met", "mettent", "mis", "mettre", "mettra", "attendre",
    "attendu", "attends", "attend", "pendant", "faut", "prend", "prennent", "pris", "durant",
    "attente", "apres", "plus", "bientot", "presque",
    # a wait told in the past ("avant on attendait des semaines", session 12)
    "attendait", "attendaient", "attendais", "attendions",
})
SLOW_AFTER = frozenset({"sans", "que", "qu'", "apres", "pour", "a", "plus"})
SLOW_AFTER_2 = frozenset({"attente", "retard", "delai", "tard"})
FAST_SCORE = 0.4
SLOW_SCORE = -0.4
# A time of day is not a wait: "rdv jeudi 10h", "se réunit à 18h30", "ouvert jusqu'à 17h",
# "vers 9 heures". Hours only (a day or a month after "à" is not a time of day).
CLOCK_BEFORE = frozenset({
    "a", "vers", "jusqu'a", "des", "entre", "lundi", "mardi", "mercredi", "jeudi", "vendredi",
    "samedi", "dimanche", "demain", "rdv", "rendez-vous",
})


def is_number(t):
    return t.isdigit() or t in NUMBER_WORDS


def duration(toks, i, n):
    """Score of a duration starting at toks[i], and its length; (0, 0) when none."""
    t = toks[i]
    if COMPOUND_DURATION.match(t):
        k = 1
        unit_short = t.endswith(("h", "min", "mn"))
    elif i + 1 < n and is_number(t) and toks[i + 1] in UNITS:
        if t == "des" and toks[i + 1] not in ("heures", "mois", "semaines", "annees", "jours"):
            return 0, 0
        k = 2
        unit_short = toks[i + 1] in UNITS_SHORT
    else:
        return 0, 0
    p1 = toks[i - 1] if i >= 1 else ""
    p2 = toks[i - 2] if i >= 2 else ""
    hours = t.rstrip("0123456789").endswith("h") if k == 1 else toks[i + 1] in ("h", "heure", "heures")
    if hours and p1 in CLOCK_BEFORE:
        return 0, k
    if hours and _hour_range(toks, i + k, n):
        return 0, k  # opening hours "de 14h à 17h": a time of day, no wait (session 12, blind3)
    if p1 == "en" and unit_short:
        return FAST_SCORE, k
    if p1 == "en" and p2 in ("un", "une"):
        return FAST_SCORE, k
    j = i + k
    a1 = toks[j] if j < n else ""
    a2 = toks[j + 1] if j + 1 < n else ""
    for q in range(j, min(n - 1, j + 8)):  # "15 min pour aller à la gare au lieu de 40"
        if toks[q] == "au" and toks[q + 1] == "lieu":
            return _instead_of(toks, i, q, n), k
        if is_sentence_end(toks[q]):
            break
    if p1 in SLOW_BEFORE or p2 in SLOW_BEFORE or p1 == "il" and p2 == "y":
        return SLOW_SCORE, k
    if a1 in SLOW_AFTER:
        return SLOW_SCORE, k
    if a1 in ("d'", "de") and a2 in SLOW_AFTER_2:
        return SLOW_SCORE, k
    return 0, k


def _leading_number(t):
    digits = ""
    for c in t:
        if not c.isdigit():
            break
        digits += c
    return int(digits) if digits else None


def _unit_rank(t):
    """Seconds < minutes < hours < days < weeks < months < years; None when not a unit."""
    t = t.lstrip("0123456789")
    for rank, units in enumerate(UNIT_ORDER):
        if t in units:
            return rank
    return None


def _instead_of(toks, i, j, n):
    """"15 min au lieu de 40", "3 mois au lieu de 15 jours": a time compared with the one it
    replaces is speed when shorter, a wait when longer (session 12, blind5: a trip made
    shorter by the tram was read as a wait). Without a second unit, the first one holds."""
    k = j + 3  # au lieu de <number>; toks[j] is "au"
    if k >= n or toks[j + 2] not in ("de", "d'"):
        return 0
    first, second = _leading_number(toks[i]), _leading_number(toks[k])
    if first is None or second is None:
        return 0
    r1 = _unit_rank(toks[i] if _unit_rank(toks[i]) is not None else toks[i + 1])
    r2 = _unit_rank(toks[k] if not toks[k].isdigit() else (toks[k + 1] if k + 1 < n else ""))
    if r1 is not None and r2 is not None and r1 != r2:
        return FAST_SCORE if r1 < r2 else SLOW_SCORE
    return FAST_SCORE if first < second else SLOW_SCORE if first > second else 0


def _hour_range(toks, j, n):
    """An hour followed by "à" + another hour ("de 14h à 17h", "9h-12h" is one token)."""
    return j + 1 < n and toks[j] in ("a", "-") and toks[j + 1][:1].isdigit() and toks[j + 1].rstrip("0123456789").endswith("h")
