"""Strip personal data from residents' free-text answers before storage.

Answers are read later by staff and analysed as corpora, so identifying
details must never reach the database. We prefer over-scrubbing a few
ordinary words to leaking a name, but institutions, dates, times, prices
and small numbers must survive: they are what the analysis is about.
"""

import re

PLACEHOLDERS = ("[email]", "[téléphone]", "[nom]", "[adresse]", "[numéro]",
                "[date de naissance]", "[santé]", "[compte]")
EMAIL, PHONE, NAME, ADDRESS, NUMBER, BIRTH_DATE, HEALTH, ACCOUNT = PLACEHOLDERS
# How pages show them in English and Arabic (voix/placeholders.py, the catalogues): a label
# copied back into a form ("[name]", "[اسم]") is stored in the one stable form above.
SHOWN_AS = {
    "[phone]": PHONE, "[name]": NAME, "[address]": ADDRESS, "[number]": NUMBER,
    "[date of birth]": BIRTH_DATE, "[health]": HEALTH, "[account]": ACCOUNT,
    "[بريد إلكتروني]": EMAIL, "[هاتف]": PHONE, "[اسم]": NAME, "[عنوان]": ADDRESS,
    "[رقم]": NUMBER, "[تاريخ الميلاد]": BIRTH_DATE, "[صحة]": HEALTH, "[حساب]": ACCOUNT,
}
_SHOWN_AS = re.compile("|".join(re.escape(label) for label in SHOWN_AS))

_UP = "A-ZÀ-ÖØ-Þ"
_LETTERS = r"[^\W\d_]+"
# Accepts N'Diaye, Ben-Ahmed, Saint-Éloi, DUPONT.
_CAP_WORD = rf"[{_UP}][^\W\d_]*(?:[-'’]{_LETTERS})*"
_ANY_WORD = rf"{_LETTERS}(?:[-'’]{_LETTERS})*"
# Residents type dots, dashes and (non-breaking) spaces between digit groups.
_SEP = r"[ .\-\u00a0\u202f]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Spelled-out addresses ("jean point dupont arobase gmail point com", "jean.dupont arobase
# gmail point com") are how people get past forms that reject "@"; they identify just as well.
_SPELLED_EMAIL = re.compile(
    r"(?i:\b\w[\w.+-]*(?:\s+point\s+\w+)*\s+arobase\s+\w+(?:\s+point\s+\w+)+)"
)
# "nom(at)site(dot)fr", "nom [at] free.fr", "nom at free dot fr", "nom AT free POINT fr":
# the same trick in brackets or in words.
_AT = r"(?:\s*[(\[{]\s*(?:at|arobase|@)\s*[)\]}]\s*|\s+at\s+(?=[\w-]+\s*(?:[(\[{](?:dot|point)[)\]}]|\s+(?:dot|point)\s+)))"
_DOT = r"(?:\s*\.\s*|\s*[(\[{]\s*(?:dot|point)\s*[)\]}]\s*|\s+(?:dot|point)\s+)"
_BRACKET_EMAIL = re.compile(rf"(?i:[\w.+-]+(?:\s+(?:dot|point)\s+[\w+-]+)*{_AT}[\w-]+(?:{_DOT}[\w-]+)+)")
_BRACKET_HINT = re.compile(r"(?i:[(\[{]\s*(?:at|arobase|@)\s*[)\]}]|\sat\s)")

# Bank data and social-security numbers run before phones, whose pattern
# would otherwise claim their digit groups and leave fragments behind.
_BANK_OR_NIR = (
    r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b"  # IBAN
    r"|\b\d{4}(?:[ -]?\d{4}){3}\b"  # payment card
    rf"|\b[12]{_SEP}?\d\d{_SEP}?(?:0[1-9]|1[0-2]|[2-9]\d){_SEP}?(?:\d\d|2[AB])"
    rf"{_SEP}?\d{{3}}{_SEP}?\d{{3}}(?:{_SEP}?\d\d)?\b"  # NIR, key optional
)

# "07 67 / 22 / 91 / 48": a slash between groups only with spaces around it, never in a
# date ("06/12/2023 14h" is no phone)
_PHONE_SEP = rf"(?:{_SEP}|\s+/\s+)"
# 08 numbers (0 800 free lines, 0 820...) are services', never a person's.
_PHONE = (
    rf"(?<![\w+])(?:(?:\+|00){_SEP}?33{_SEP}?(?:\(0\){_SEP}?)?|0)"
    rf"[1-79](?:{_PHONE_SEP}?\d){{8}}(?!\d)"
)
# "zéro six quarante-deux dix-huit...": numbers spelled out to get past form checks.
_NUMBER_WORD = (
    r"(?:z[ée]ro|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|"
    r"quatorze|quinze|seize|vingts?|trente|quarante|cinquante|soixante|cent|et)"
)
_SPELLED_PHONE = rf"(?i:z[ée]ro(?:[\s,-]+{_NUMBER_WORD}(?!\w)){{4,}})"

# Dates of birth: the date after "né le", "née en", "date de naissance :", "born on".
_MONTH = (
    r"(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|octobre|"
    r"novembre|d[ée]cembre|january|february|march|april|may|june|july|august|"
    r"september|october|november|december)"
)
# "born 12 Feb 1945", "née le 3 janv. 1980"
_MONTH_SHORT = r"(?:janv?|f[ée]vr?|feb|mar|apr|avr|jun|jul|juil|aug|ao[ûu]|sept?|oct|nov|d[ée]c)\.?"
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d\d"
    rf"|(?:1er|\d{{1,2}})\s+(?i:{_MONTH}|{_MONTH_SHORT})\s+(?:19|20)?\d\d|(?i:{_MONTH})\s+(?:19|20)\d\d|(?:19|20)\d\d)(?!\d)"
)
# "né le vingt-trois avril mille neuf cent cinquante-six": a date of birth in words.
_SPELLED_DATE = (rf"(?i:(?:premier|{_NUMBER_WORD}(?:[\s-]+{_NUMBER_WORD})*)\s+{_MONTH}\s+"
                 rf"(?:mille|deux\s+mille)(?:[\s-]+(?:{_NUMBER_WORD}|mille|cents?)(?!\w))*)")
# one word between "né(e)" and the date ("née prématurée le...", "né à Alger le..."); not
# after "ne", a negation ("on ne part en 2025")
_BORN_WORD = r"n(?:é|ée|ee)\s+(?:(?:[àa]|en|au)\s+)?[^\W\d_]+(?:[-'’][^\W\d_]+)*"
_BIRTH = (
    r"(?P<dobkw>(?i:n[ée]e?s?|date\s+de\s+naissance|ddn|born|d\.?o\.?b\.?|date\s+of\s+birth"
    rf"|{_BORN_WORD}(?=\s+(?:le|en)\s))"
    rf"\s*(?::|(?i:le|en|on|in)\b)?\s*)(?P<dob>{_DATE}|{_SPELLED_DATE})"
)

# French number plates, new ("AB-123-CD") and old ("1234 AB 37") series.
_PLATE = r"(?-i:[A-Z]{2}[- ]?\d{3}[- ]?[A-Z]{2}|\d{1,4}[ -]?[A-Z]{2,3}[ -]?(?:\d\d|2[AB]))\b"

# Ids without a keyword: capitals mixed with 4+ digits ("4521873K", "SIG-2024-06713") and
# digit groups adding up to 7+ digits ("3012 458 976 214", "24-187-0452"). Dates, year
# ranges and amounts ("1 500 000 euros") are checked in code, not here.
_CODE = r"(?-i:(?=[A-Z\d/-]*[A-Z])(?=[A-Z/-]*\d)[A-Z\d]+(?:[-/][A-Z\d]+)*)\b"
_DIGIT_GROUPS = r"\d{1,4}(?:[ ./-]\d{1,4}){1,7}(?!\d|[.,]\d)"

# Social-network handles: "@karima37", "dylan_tours37", "insta : nadia.b".
_HANDLE = (
    r"(?P<handlekw>(?i:snap(?:chat)?|insta(?:gram)?|tik\s?tok|twitter|facebook|fb|telegram|"
    r"discord|linkedin|pseudo)\s*(?::|c['’]est|=)\s*)@?[\w.]*\w"
    r"|@[\w.]{2,}\w|[^\W\d_]+[^\W_]*_\w+"
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
    # Arabic: a number, a street word (street, avenue, alley, road, square), up to three
    # words of its name, not a preposition ("في" in, "مع" with): "9 شارع فيكتور هوغو"
    r"|\b\d{1,4}\s+(?:شارع|نهج|زنقة|طريق|ساحة)(?:\s+(?!(?:في|من|على|إلى|الى|مع|عند|منذ|و)\s)[\u0621-\u064a]+){1,3}"
)

# Where in the building: "bât. C escalier 2 porte 14", "3e étage porte gauche",
# "appartement 34", "résidence Les Acacias, bâtiment 2". One unit alone on a floor
# ("au 12e étage") is kept: it says how high, not who.
_UNIT_VALUE = (
    r"\.?\s*(?:n[°o]\.?\s*)?(?:\d{1,4}(?:\s?[A-Za-z]\b)?|[A-Z]\d?|(?i:gauche|droite|face|fond))(?!\w)"
)
# A door or a flat is one household; a building or a stair alone ("120 logements du
# bâtiment B") is many, so it counts only next to another unit.
_PRIVATE_UNIT_WORDS = r"porte|appartement|appart|appt|apt|apartment|flat|chambre|bo[îi]te(?:\s+aux\s+lettres)?"
_SHARED_UNIT_WORDS = r"b[âa]t(?:iment)?|esc(?:alier)?|entr[ée]e|hall|cage|bloc|block"
_PRIVATE_UNIT = rf"(?i:{_PRIVATE_UNIT_WORDS}){_UNIT_VALUE}"
_UNIT = rf"(?:(?i:{_SHARED_UNIT_WORDS}){_UNIT_VALUE}|{_PRIVATE_UNIT})"
# "3e étage", and "3e gauche" as a building's unit writes it ("esc. 2, 3e gauche")
_FLOOR = (r"(?:\d{1,2}\s?(?:e|er|[èe]re|[èe]me|°)\s+(?i:[ée]tage(?:\s+(?:gauche|droite))?|gauche|droite)"
          r"|\d{1,2}(?:st|nd|rd|th)\s+(?i:floor)|(?i:rez-de-chauss[ée]e|rdc|ground\s+floor))")
_UNIT_SEP = r"\s*[,/-]?\s*"
_DWELLING = (
    rf"(?:(?i:r[ée]sidence|immeuble)\s+(?:{_CONNECTOR})?{_CAP_WORD}(?:\s+{_CAP_WORD})*{_UNIT_SEP}"
    rf"(?={_UNIT}|{_FLOOR}))?"
    rf"(?:\d{{1,4}}\s+(?=(?i:b[âa]t)))?"
    rf"(?:{_FLOOR}(?:{_UNIT_SEP}{_UNIT})+|{_UNIT}(?:{_UNIT_SEP}(?:{_UNIT}|{_FLOOR}))+|{_PRIVATE_UNIT}"
    rf"|(?<=\d\s){_UNIT})"
)
_PLACE_NAME = rf"(?i:lieu-dit|lieudit|hameau)\s+(?:{_CONNECTOR})?{_CAP_WORD}(?:\s+{_CAP_WORD})*"

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
# Shops named like a person: "Monsieur Bricolage", "Madame Figaro".
_BRAND_AFTER_CIVILITY = r"(?:Bricolage|Meuble|Store|Propre|Figaro|Cuisine)\b"
_NAME_PARTICLE = r"(?i:van|von|den|der|ten|ter|da|del|della|di|dos|das|ben|bin|ibn|ould|el|al)"
_CIVIL_NAME = (
    r"(?:(?:M\.\s*|(?i:mr|mrs|ms|miss|mme|mmes|mlle|mlles|melle|dr)(?:\.\s*|\s+)"
    r"|(?i:monsieur|madame|mademoiselle)\s+)"
    rf"(?!{_STOP})(?!{_TITLE})(?!{_BRAND_AFTER_CIVILITY}){_ANY_WORD}"
    # Doctors are "le docteur généraliste" as often as "Docteur Martin".
    rf"|(?i:docteur|professeur)\s+(?!{_TITLE}){_CAP_WORD})"
    # Only capitalised words extend a name ("Jean Dupont", "Le Gall"), so a
    # lowercase "madame benali nous a dit" stops after the surname; particles that are no
    # French word may come before them ("Mme van den Broek", "M. Ould Ahmed").
    rf"(?:[^\S\n]+(?:{_NAME_PARTICLE}[^\S\n]+)*(?!{_STOP}){_CAP_WORD}){{0,3}}"
)

# Case-file ids are only recognisable next to the word that announces them;
# bare "2023-45678" could be anything. "[numéro]" itself must not count as
# a keyword or a second pass would eat the next number (idempotence).
_FILE_ID = (
    r"(?P<kw>(?<!\[)(?i:n[°º]|no\b\.?|num[ée]ro|num\b\.?|dossier|allocataire|"
    r"matricule|r[ée]f[ée]rence|r[ée]f\b\.?|identifiant|contrat|proc[èe]s-verbal|pv\b|rg\b|plainte|r[ée]c[ée]piss[ée])"
    r"(?:[\s:]+[^\W\d_]+(?:['’-][^\W\d_]+)*){0,3}?[\s:#°]*)"
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
    "plate": (_PLATE, NUMBER),
    "address": (_ADDRESS, ADDRESS),
    "name": (_CIVIL_NAME, NAME),
    "file": (_FILE_ID, NUMBER),
    "code": (_CODE, NUMBER),
    "groups": (_DIGIT_GROUPS, NUMBER),
    "long": (_LONG_NUMBER, NUMBER),
    "handle": (_HANDLE, ACCOUNT),
}
# Kinds that start with a word residents rarely write: a second scan, run only when one
# of their words is in the text (each scan costs as much as all its kinds together).
_RARE_KINDS = {
    "spelled_phone": (_SPELLED_PHONE, PHONE),
    "birth": (_BIRTH, BIRTH_DATE),
    "place": (_PLACE_NAME, ADDRESS),
    "dwelling": (_DWELLING, ADDRESS),
}
# Read in the lowercased text: without (?i) the scan skips to the letters these start with.
# Each starts a word in any match of these kinds: "né(e)" before a date, and a unit of a
# building before its value (every dwelling holds one), so neither "une", "ne marche pas"
# nor "la porte du hall" wakes the scan (they were in most answers).
_RARE_HINT = re.compile(
    rf"(?<!\w)(?:z[ée]ro|n[ée]e?s?\s*(?::|(?:le|en|on|in)\b)?\s*(?:\d|{_MONTH}(?![^\W\d_])|premier|{_NUMBER_WORD}[\s-])|"
    rf"{_BORN_WORD}\s+(?:le|en)\s|naissance|ddn|born|d\.?o\.?b\b|of\s+birth|lieu-?dit|hameau|"
    # _UNIT_VALUE as it reads in lowercase
    rf"(?:{_SHARED_UNIT_WORDS}|{_PRIVATE_UNIT_WORDS})\.?\s*(?:n[°o]\.?\s*)?(?:\d|[a-z]\d?(?!\w)|gauche|droite|face|fond))"
)
# Every kind starts after a non-word character with a digit, "+", "@", a capital, one of
# the keywords of civilities, ids and handles (first letters of every alternative of
# _CIVIL_NAME, _FILE_ID and _HANDLE) or a word with an underscore; checking that once up
# front is what keeps the combined scan near the cost of a single simple regex. Trying
# the whole alternation after every lowercase word that merely starts like a keyword
# ("la", "de", "pour") cost twice as much (docs/bench.md).
_START = (
    r"(?<![\w@.])(?=[\d+@A-ZÀ-Þ]|(?i:m[rs]|miss|mm|ml|mel|mon|mad|d[or]|prof|n[°ºou]|dos|alloc|matr|"
    r"r[ée]f|ident|contr|proc[èe]s|plainte|rg\b|pv\b|r[ée]c[ée]piss|snap|insta|tik|twit|face|fb|tele|disc|link|pseudo)|[acdfilmnprst][^\W_]*_)"
)
# Where in the building, next to an address already found: one household ("[adresse], 3e
# étage gauche", "bat D, [adresse]", "[adresse], escalier B, code 2580"), when a floor or a
# stair alone is kept ("au 12e étage").
_DOOR_CODE = r"(?i:digicode|code(?:\s+(?:porte|portail|d['’]entr[ée]e|interphone|d['’]acc[èe]s))?)\s*:?\s*(?:\[numéro\]|\w*\d\w*)"
# A building by its number or its name: "tour 12", "bât. Anjou", "bâtiment Le Chêne",
# "résidence Les Tilleuls".
_BUILDING = (rf"(?i:tour|bloc|b[âa]t(?:iment)?|immeuble|r[ée]sidence)(?:{_UNIT_VALUE}"
             rf"|\.?\s+(?:(?i:le|la|les|l['’])\s*)?(?:{_CAP_WORD}|\[nom\]))")
_NEXT_TO_ADDRESS = re.compile(
    # "porte [adresse]": a unit whose number the address took ("porte 32, résidence...")
    rf"(?:(?i:{_PRIVATE_UNIT_WORDS}|{_SHARED_UNIT_WORDS})\.?\s+(?=\[adresse\]))?"
    rf"(?:(?:{_UNIT}|{_FLOOR}){_UNIT_SEP})*\[adresse\](?:{_UNIT_SEP}(?:{_UNIT}|{_FLOOR}|{_DOOR_CODE}|{_BUILDING}))*"
)
# Where someone lives, right after their name: "[nom] du bâtiment 6", "[nom] dla tour 8",
# "[nom], bat Anjou", "[nom] au 2e gauche", "[nom] du 3e". A building or a floor alone is
# kept ("l'ascenseur du bâtiment 6", "au 12e étage"): beside a name it points to a household.
# a floor alone ends a clause ("Mamadou du 2e, il...", "du 3e a appelé"), not "au 1er rang"
_FLOOR_ALONE = r"\d{1,2}\s?(?:e|er|[èe]re|[èe]me)(?=\s*(?:[,.;:!?)\n]|$)|\s+(?:il|elle|qui|a|est|et|m['’]|n['’]|ne)\b)"
_HOME = rf"(?:{_BUILDING}|{_UNIT}|{_FLOOR}|{_FLOOR_ALONE})"
_NEXT_TO_NAME = re.compile(
    rf"(?<=\[nom\])(?P<link>\s*,?\s*(?:(?i:du|de\s+la|dla|d['’]|de\s+l['’]|au|aux|[àa]\s+la)\s*)?)"
    rf"(?P<home>{_HOME}(?:{_UNIT_SEP}{_HOME})*)(?![^\W\d_])"
)


def where_someone_lives(text: str) -> str:
    """``text`` with the building, stair, door or floor written right after a name
    placeholder replaced (run after the names are scrubbed)."""
    if "[nom]" not in text:
        return text
    return _NEXT_TO_NAME.sub(lambda m: m["link"] + ADDRESS, text)


_PII = re.compile(_START + "(?:" + "|".join(f"(?P<{k}>{pat})" for k, (pat, _) in _KINDS.items()) + ")")
_RARE = re.compile(r"(?<![\w@.])(?:" + "|".join(f"(?P<{k}>{pat})" for k, (pat, _) in _RARE_KINDS.items()) + ")")
_KINDS.update(_RARE_KINDS)


_AMOUNT_AFTER = re.compile(r"\s*(?:€|euros?|eur\b|habitants|personnes|m2|m²|km|mètres|logements)", re.I)
_YEAR = re.compile(r"(?:19|20)\d\d")


def _is_number_not_id(text: str, match: re.Match) -> bool:
    """Digit groups that are a date, years, an amount or too short to identify anyone."""
    groups = re.split(r"[ ./-]", match.group())
    if sum(len(g) for g in groups) < 7:
        return True
    if all(_YEAR.fullmatch(g) for g in groups):  # "2019-2024"
        return True
    if "".join(groups).startswith("08") and sum(len(g) for g in groups) == 10:
        return True  # a service's line: "0 800 47 33 33" (see _PHONE)
    if len(groups) >= 3 and len(groups[0]) <= 2 and len(groups[1]) <= 2 and len(groups[2]) in (2, 4):
        if len(groups) == 3:
            return True  # a date: 12/03/2024
        if len(groups) == 4 and len(groups[3]) <= 2 and re.match(r"\s*[hH:]", text[match.end():]):
            return True  # a date and an hour: "le 06/12/2023 14h", "12.03.24 9:30"
    thousands = len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    return thousands and bool(_AMOUNT_AFTER.match(text, match.end()))


def _replace(match: re.Match) -> str:
    kind = match.lastgroup
    if kind == "file":
        return match["kw"] + NUMBER  # keep "n° CAF", drop the id
    if kind == "birth":
        return match["dobkw"] + BIRTH_DATE
    if kind == "handle":
        return (match["handlekw"] or "") + ACCOUNT
    if kind == "code" and sum(c.isdigit() for c in match.group()) < 4:
        return match.group()
    if kind == "groups":
        if _is_number_not_id(match.string, match):
            return match.group()
        if re.fullmatch(r"0[1-9](?:[ ./-]?\d)*", match.group()) and sum(c.isdigit() for c in match.group()) == 10:
            return PHONE
    return _KINDS[kind][1]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Free text as residents typed it, made safe to store: control characters removed
    (NUL breaks PostgreSQL, others break XLSX exports) and personal data scrubbed."""
    return scrub(without_control_characters(text).strip())


def without_control_characters(text: str) -> str:
    """Text safe to store but otherwise as written (for staff texts, which are not scrubbed)."""
    return _CONTROL.sub("", text)


def scrub(text: str) -> str:
    """Return ``text`` with the personal data that follows a pattern replaced by placeholders
    (the pattern layer of ``voix.privacy.scrub``, which adds names and health).

    Emails (also spelled out or bracketed), French phone numbers (any grouping, or in
    words), civility + name, street addresses, postal codes with a city, where in a
    building, dates of birth, number plates, IBAN / card / social-security numbers, ids
    and social handles become one of ``PLACEHOLDERS``.
    Institutions, dates, times, prices and small numbers are kept.
    The function is idempotent: ``scrub(scrub(t)) == scrub(t)``.
    """
    if "[" in text:
        text = _SHOWN_AS.sub(lambda m: SHOWN_AS[m.group()], text)
    # Most answers contain no "@": skip the backtracking-prone email scans.
    if "@" in text:
        text = _EMAIL.sub(EMAIL, text)
    if "arobase" in text.lower():
        text = _SPELLED_EMAIL.sub(EMAIL, text)
    if ("(" in text or "[" in text or " at " in text or " AT " in text) and _BRACKET_HINT.search(text):
        text = _BRACKET_EMAIL.sub(EMAIL, text)
    text = _PII.sub(_replace, text)
    if _RARE_HINT.search(text.lower()):
        text = _RARE.sub(_replace, text)
    if ADDRESS in text:
        text = _NEXT_TO_ADDRESS.sub(ADDRESS, text)
    return text
