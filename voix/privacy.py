"""Strip personal data from residents' free-text answers before storage.

Answers are read later by staff and analysed as corpora, so identifying
details must never reach the database. We prefer over-scrubbing a few
ordinary words to leaking a name, but institutions, dates, times, prices
and small numbers must survive: they are what the analysis is about.
"""

import re

PLACEHOLDERS = ("[email]", "[téléphone]", "[nom]", "[adresse]", "[numéro]")
EMAIL, PHONE, NAME, ADDRESS, NUMBER = PLACEHOLDERS

_UP = "A-ZÀ-ÖØ-Þ"
_LETTERS = r"[^\W\d_]+"
# Accepts N'Diaye, Ben-Ahmed, Saint-Éloi, DUPONT.
_CAP_WORD = rf"[{_UP}][^\W\d_]*(?:[-'’]{_LETTERS})*"
_ANY_WORD = rf"{_LETTERS}(?:[-'’]{_LETTERS})*"
# Residents type dots, dashes and (non-breaking) spaces between digit groups.
_SEP = r"[ .\-\u00a0\u202f]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Spelled-out addresses ("jean point dupont arobase gmail point com") are
# how people get past forms that reject "@"; they identify just as well.
_SPELLED_EMAIL = re.compile(
    r"(?i:\b\w+(?:\s+point\s+\w+)*\s+arobase\s+\w+(?:\s+point\s+\w+)+)"
)

# Bank data and social-security numbers run before phones, whose pattern
# would otherwise claim their digit groups and leave fragments behind.
_BANK_OR_NIR = (
    r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b"  # IBAN
    r"|\b\d{4}(?:[ -]?\d{4}){3}\b"  # payment card
    rf"|\b[12]{_SEP}?\d\d{_SEP}?(?:0[1-9]|1[0-2]|[2-9]\d){_SEP}?(?:\d\d|2[AB])"
    rf"{_SEP}?\d{{3}}{_SEP}?\d{{3}}(?:{_SEP}?\d\d)?\b"  # NIR, key optional
)

_PHONE = (
    rf"(?<![\w+])(?:(?:\+|00){_SEP}?33{_SEP}?(?:\(0\){_SEP}?)?|0)"
    rf"[1-9](?:{_SEP}?\d\d){{4}}(?!\d)"
)

# Street names are only trusted after a house number: "la place du marché"
# is a topic, "12 place du Marché" is where someone lives. Common nouns that
# double as street types ("3 cours de français", "1 place en crèche") also
# need a capitalised name after them.
_CONNECTOR = r"(?:(?:des|du|de|la|le|les|aux|au)\s+|[dlDL]['’])"
_DATE_NAME = r"(?:\d\d?(?:er)?\s+)?"  # "rue du 8 Mai 1945"
_POSTAL = rf"\b\d{{5}}\s+{_CAP_WORD}(?:\s+(?i:cedex)(?:\s+\d\d?)?)?"
_ADDRESS = (
    r"\b\d{1,4}(?:\s*(?:bis|ter|quater|[A-Da-d])\b)?,?\s+(?:"
    r"(?i:rue|avenue|av\.|bd|boulevard|all[ée]e|impasse|ruelle)\s+"
    rf"{_CONNECTOR}{{0,2}}{_DATE_NAME}"
    rf"(?!(?:à|et|est|qui|que|en|pour|il|elle|on|je)\b){_ANY_WORD}"
    r"|(?i:place|cours|route|chemin|passage|square|quai|cit[ée]|r[ée]sidence|"
    r"esplanade|promenade|parvis|villa|hameau|faubourg|sentier|voie|rond-point)\s+"
    rf"{_CONNECTOR}{{0,2}}{_DATE_NAME}{_CAP_WORD})"
    rf"(?:\s+{_CONNECTOR}{{0,2}}{_CAP_WORD}|\s+(?:1[89]|20)\d\d\b)*"
    rf"(?:,?\s+{_POSTAL})?"
    rf"|{_POSTAL}"
)

# A civility is followed by a name unless the next word is grammar
# ("madame m'a dit", "la madame de l'accueil") or an office held by
# someone the resident is addressing publicly ("Monsieur le Maire").
_STOP = (
    r"(?:(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’]|J['’]|(?:le|la|les|de|du|des)\b"
    r"|(?i:je|tu|il|elle|on|nous|vous|ils|elles|et|ou|mais|donc|car|ni|qui|que|"
    r"quoi|dont|où|ce|cet|cette|ces|ça|cela|est|était|a|avait|sont|ont|va|fait|"
    r"dit|y|en|à|au|aux|pour|par|avec|sans|sur|sous|dans|chez|vers|mon|ma|mes|"
    r"ton|ta|tes|son|sa|ses|notre|nos|votre|vos|leur|leurs|un|une|très|trop|"
    r"bien|pas|ne|plus|aussi|encore|toujours|jamais|déjà|si|oui|non|merci|"
    r"bonjour|bonsoir|monsieur|madame|mademoiselle|me|te|se|lui|moi|toi|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)(?!\w))"
)
_TITLE = (
    r"(?i:(?:l[ea]\s+|l['’])?(?:maire|adjointe?|directeur|directrice|présidente?|"
    r"préfète?|ministre|députée?|sénat(?:eur|rice)|conseill(?:er|ère)|commissaire|"
    r"juge|proviseur|principale?|curé|gardienne?|responsable|cheffe?|déléguée?)\b)"
)
_CIVIL_NAME = (
    r"(?:(?:M\.\s*|(?i:mr|mme|mmes|mlle|mlles|melle|dr)(?:\.\s*|\s+)"
    r"|(?i:monsieur|madame|mademoiselle)\s+)"
    rf"(?!{_STOP})(?!{_TITLE}){_ANY_WORD}"
    # Doctors are "le docteur généraliste" as often as "Docteur Martin".
    rf"|(?i:docteur|professeur)\s+(?!{_TITLE}){_CAP_WORD})"
    # Only capitalised words extend a name ("Jean Dupont", "Le Gall"), so a
    # lowercase "madame benali nous a dit" stops after the surname.
    rf"(?:[^\S\n]+(?!{_STOP}){_CAP_WORD}){{0,3}}"
)

# Case-file ids are only recognisable next to the word that announces them;
# bare "2023-45678" could be anything. "[numéro]" itself must not count as
# a keyword or a second pass would eat the next number (idempotence).
_FILE_ID = (
    r"(?P<kw>(?<!\[)(?i:n[°º]|no\b\.?|num[ée]ro|num\b\.?|dossier|allocataire|"
    r"matricule|r[ée]f[ée]rence|r[ée]f\b\.?|identifiant|contrat)"
    r"(?:[\s:]+[^\W\d_]+(?:['’][^\W\d_]+)?){0,3}?[\s:#°]*)"
    r"(?!\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b)(?=(?:[A-Za-z/-]*\d){5})"
    r"\b[A-Za-z]{0,4}\d[\dA-Za-z]*(?:[-/][\dA-Za-z]+)*\b"
)
_LONG_NUMBER = r"\b\d{7,}\b"

# One alternation instead of one pass per kind: each extra scan of a text
# costs as much as the matching itself. At a given position the earlier
# kind wins, so IBAN/NIR digits are never half-claimed by the phone rule.
_KINDS = {
    "bank": (_BANK_OR_NIR, NUMBER),
    "phone": (_PHONE, PHONE),
    "address": (_ADDRESS, ADDRESS),
    "name": (_CIVIL_NAME, NAME),
    "file": (_FILE_ID, NUMBER),
    "long": (_LONG_NUMBER, NUMBER),
}
# Every kind starts after a non-word character with a digit, "+", a capital
# or one of these keyword initials; checking that once up front is what
# keeps the combined scan near the cost of a single simple regex.
_PII = re.compile(
    r"(?<!\w)(?=[\d+A-Zacdimnpr])(?:"
    + "|".join(f"(?P<{k}>{pat})" for k, (pat, _) in _KINDS.items())
    + ")"
)


def _replace(match: re.Match) -> str:
    kind = match.lastgroup
    prefix = match["kw"] if kind == "file" else ""  # keep "n° CAF", drop the id
    return prefix + _KINDS[kind][1]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Free text as residents typed it, made safe to store: control characters removed
    (NUL breaks PostgreSQL, others break XLSX exports) and personal data scrubbed."""
    return scrub(without_control_characters(text).strip())


def without_control_characters(text: str) -> str:
    """Text safe to store but otherwise as written (for staff texts, which are not scrubbed)."""
    return _CONTROL.sub("", text)


def scrub(text: str) -> str:
    """Return ``text`` with personal data replaced by placeholders.

    Emails, French phone numbers, civility + name, street addresses and
    postal codes with a city, IBAN / card / social-security numbers, case
    file ids and any run of 7+ digits become one of ``PLACEHOLDERS``.
    Institutions, dates, times, prices and small numbers are kept.
    The function is idempotent: ``scrub(scrub(t)) == scrub(t)``.
    """
    # Most answers contain no "@": skip the backtracking-prone email scans.
    if "@" in text:
        text = _EMAIL.sub(EMAIL, text)
    if "arobase" in text.lower():
        text = _SPELLED_EMAIL.sub(EMAIL, text)
    return _PII.sub(_replace, text)
