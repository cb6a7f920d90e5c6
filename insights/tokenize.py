"""French tokenisation that works offline (no NLTK data download).

- `normalize(text)`: lower-case, fold accents ("préfecture" -> "prefecture"), and unify
  apostrophes (’ ‘ ʼ ` and the cp1252 byte \\x92 that survives in some real exports).
  The mapping is one character to one character, so offsets in the normalised text are
  offsets in the original text: mention spans point into what the resident wrote.
- `TOKEN_RE`: a French elision pattern ("l'ecole" -> "l'", "ecole"; "qu'il" -> "qu'",
  "il"), numbers, "..." and punctuation; `tokenize` gives exactly what NLTK's
  `RegexpTokenizer(TOKEN_PATTERN)` gives (a test compares them), without importing NLTK:
  `import nltk` loads scikit-learn, scipy and pandas when they are installed (2.9 s and
  ~120 MiB in every process that analyses, measured by bench/insights_throughput.py).
- `tokens(text)`: normalised tokens with SMS spellings expanded ("pk" -> "pourquoi").
- `sentences(text)`: a regex sentence splitter (end punctuation and line breaks).
"""
import re
import unicodedata

# Elisions first, so "l'" is its own token; then words (with inner hyphens: "sous-prefecture",
# "rendez-vous"), an ellipsis, runs of end punctuation, line breaks, any other symbol.
TOKEN_PATTERN = (
    r"(?:jusqu|lorsqu|puisqu|presqu|quoiqu|qu|[cdjlmnst])'"
    r"|\d+(?:[.,]\d+)+"
    r"|\w+(?:-\w+)*"
    r"|\.\.\.+|…"
    r"|[.!?]+"
    r"|\n"
    r"|[^\w\s]"
)
TOKEN_RE = re.compile(TOKEN_PATTERN)

_APOSTROPHES = "\u2019\u2018\u02bc\u0060\u00b4\u0092\u2032"


def _build_fold_table():
    table = {}
    for code in range(0x00C0, 0x0250):
        ch = chr(code)
        base = unicodedata.normalize("NFD", ch)[0]
        if base != ch and base.isascii() and len(base) == 1:
            table[code] = base.lower()
    for ch in _APOSTROPHES:
        table[ord(ch)] = "'"
    # Typographic spaces and dashes typed on phones.
    for ch in "\u00a0\u202f\u2009":
        table[ord(ch)] = " "
    for ch in "\u2013\u2014":
        table[ord(ch)] = "-"
    table[ord("\u2026")] = "\u2026"
    return table


FOLD_TABLE = _build_fold_table()

# SMS and oral spellings residents type, mapped to the form the lexicons know.
# One token to one token only (offsets stay aligned).
SMS = {
    "pk": "pourquoi", "pq": "pourquoi", "pkoi": "pourquoi", "pourkoi": "pourquoi",
    "tjr": "toujours", "tjrs": "toujours", "toujour": "toujours",
    "jms": "jamais", "jamai": "jamais",
    "pb": "probleme", "pbs": "problemes", "pblm": "probleme",
    "bcp": "beaucoup", "koi": "quoi", "ke": "que", "pa": "pas",
    "tro": "trop", "mm": "meme", "nn": "non", "auj": "aujourd'hui",
    "svp": "svp", "stp": "svp", "mtn": "maintenant", "mnt": "maintenant",
    "ajd": "aujourd'hui", "dc": "donc", "pr": "pour", "ds": "dans", "vrmt": "vraiment",
    "vrm": "vraiment", "trkl": "tranquille", "grv": "grave", "msg": "message",
    "rep": "reponse", "qd": "quand", "cmt": "comment", "cb": "combien",
    # short informal text (issue 16, item 5)
    "chui": "suis", "chuis": "suis", "jsuis": "suis", "g": "ai", "ct": "etait", "c": "c'",
    "dsl": "desole", "kan": "quand", "ms": "mais", "jame": "jamais",
    "vnr": "enerve", "venere": "enerve", "nrv": "enerve", "tt": "tout", "ts": "tous",
    "ptdr": "mdr", "lol": "mdr", "mdrr": "mdr", "mdrrr": "mdr", "xd": "mdr", "ptdrr": "mdr",
    "😂": "mdr", "🤣": "mdr", "😆": "mdr", "😹": "mdr",
}


def normalize(text):
    """Lower-case, fold accents, unify apostrophes. Same length as `text`."""
    low = text.lower()
    if len(low) != len(text):  # e.g. "İ" lower-cases to two characters
        low = "".join(c.lower()[0] for c in text)
    return low.translate(FOLD_TABLE)


def fold(text):
    """Normalise an alias or lexicon entry the same way as resident text."""
    return normalize(text.strip())


def tokenize(text):
    """Tokens of the normalised text (no SMS expansion), as NLTK's RegexpTokenizer gives
    them: every alternative of the pattern matches at least one character, so findall
    returns no empty token to discard."""
    return TOKEN_RE.findall(normalize(text))


def tokens(text):
    """Normalised tokens with SMS spellings expanded (see `tokens_with_spans`)."""
    return tokens_with_spans(text)[0]


# Three or more times the same letter: "nuuul", "trooop", "génialllll", "merciiii".
ELONGATION = re.compile(r"([a-z])\1{2,}")
DOUBLED = re.compile(r"([a-z])\1+")
LAUGHTER = re.compile(r"^(?:(?:h?[aeiou]h){2,}h?[aeiou]?|(?:ha|he|hi|ho|ah|eh|ih){2,}h?|m+d+r+|p+t+d+r+)$")
_CAMEL = re.compile(r"[A-ZÀ-Ý]?[a-zà-ÿ]+|[A-ZÀ-Ý]+(?![a-zà-ÿ])|\d+")


def _known():
    from .lexicon import known_words  # lazily: the lexicon imports this module

    return known_words()


def collapse(tok):
    """A word typed with a letter repeated: the form residents meant ("nuuul" -> "nul",
    "coooool" -> "cool", "belllle" -> "belle"). One letter first, two if only that is a
    known word; "hahaha", "mdrrr" and "ptdr" are laughter ("mdr")."""
    if LAUGHTER.match(tok):
        return "mdr"
    if not ELONGATION.search(tok):
        return tok
    one = ELONGATION.sub(r"\1", tok)
    known = _known()
    if one in known or one in SMS:
        return SMS.get(one, one)
    two = ELONGATION.sub(r"\1\1", tok)
    if two in known:
        return two
    # a double letter typed long too ("trooop" is "trop", "nuuulll" is "nul")
    single = DOUBLED.sub(r"\1", tok)
    return single if single in known else one


BULLETS = frozenset("•◦▪▫●○■□►▸➢➤✓✔🔴🔵⚫⚪")
# Tokens after which two spaces and a capital are a lost line break (see tokens_with_spans).
LINE_CLOSERS = frozenset({")", '"', "»", "]"})


def _is_emoji(tok):
    return not tok[0].isalnum() and all(ord(c) >= 0x2600 for c in tok)


def tokens_with_spans(text):
    """(tokens, spans): spans are (start, end) offsets into the ORIGINAL text.

    Besides SMS spellings: letter runs are collapsed ("nuuul" -> "nul"), laughter is one
    token "mdr", and a hashtag's words are split ("#ras_le_bol", "#RasLeBol" -> "ras",
    "le", "bol"), each with its own span. Two spaces, then a capital, after a word are a
    line break lost in an export: a "\\n" token of zero width is put there. A list bullet
    ("•", "✔", a word processor's private-use "\\uf0fc") is a line break too."""
    toks = []
    spans = []
    get = SMS.get
    prev = ""
    prev_end = 0
    for m in TOKEN_RE.finditer(normalize(text)):
        t = m.group()
        a = m.start()
        if a - prev_end >= 2 and toks and text[a].isupper() and (toks[-1][-1].isalnum() or toks[-1] in LINE_CLOSERS):
            # a line break lost in an export ("...des différents départements  Accepter le
            # remboursement..."): two spaces before a capital after a word end a sentence
            toks.append("\n")
            spans.append((a, a))
        elif toks and toks[-1] != "\n" and text[a].isupper() and _is_emoji(toks[-1]):
            # an emoji closes what it comments, as a full stop does: "CAF: dossier traité 👍
            # France travail: toujours rien 👎" (session 11)
            toks.append("\n")
            spans.append((a, a))
        prev_end = m.end()
        if prev == "#" and len(t) > 3:
            a = m.start()
            raw = text[a:m.end()]
            parts = [(p.start() + a, p.end() + a) for p in _CAMEL.finditer(raw.replace("_", " "))]
            if len(parts) > 1:
                low = normalize(text)
                for ps, pe in parts:
                    w = low[ps:pe]
                    toks.append(get(w, w))
                    spans.append((ps, pe))
                prev = t
                continue
        if len(t) == 1 and (t in BULLETS or "\ue000" <= t <= "\uf8ff"):
            t = "\n"  # a list bullet (a word processor's private-use one too: "\uf0fc") starts a line
        w = get(t, t)
        if w is t and (len(t) > 2 and t[0].isalpha()):
            w = collapse(t)
        toks.append(w)
        spans.append(m.span())
        prev = t
    return toks, spans


_SENT_RE = re.compile(r"(?<=[.!?…])\s+|\n+")


def sentences(text):
    """Split on end punctuation followed by space, and on line breaks."""
    return [s for s in (p.strip() for p in _SENT_RE.split(text)) if s]


SENTENCE_END = frozenset({".", "!", "?", "...", "…", "\n", "!!", "!!!", "?!", "!?", "??", "???", "....", "....."})


def is_sentence_end(tok):
    return tok in SENTENCE_END or (tok[0] in ".!?" and not tok[0].isalnum())
