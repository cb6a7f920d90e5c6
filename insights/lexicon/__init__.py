"""Polarity lexicon: licence-clean general lexicons, then our overrides, then our domain words.

Layers, later ones win (all scores on a -1..+1 scale):

1. General French lexicons, vendored verbatim with their notices in this folder:
   - `fr-sentiment.xml`: Pattern's French adjective lexicon (De Smedt & Daelemans),
     public domain (PDDL). Field used: `polarity` (-1..+1).
   - `vader_fr_lexicon.txt`: the French VADER lexicon data (MIT, C.J. Hutto; French
     translation from vaderSentiment-fr). Valence -4..+4, divided by 4.
   Where both score a (folded) form, the mean is used; general scores weaker than 0.2
   are dropped (too noisy in this register).
2. `overrides_fr.txt` (ours): words the general lexicons score but which are neutral in
   residents' talk about institutions (the targets themselves: "police", "école";
   topic words: "social", "sécurité", "justice", "fête"), or whose score we correct.
3. `domain_fr.txt` (ours): the residents' complaint and praise vocabulary ("en panne",
   "injoignable", "au top", "à l'écoute"), service verbs whose negation is a complaint
   ("répond" is neutral, "répond pas" / "personne ne répond" is negative), and
   lexicalised negations ("pas terrible" negative, "pas mal" positive).

Line format of our files: `phrase<TAB>score[<TAB>score when negated]`, `#` comments.
Phrases are normalised like resident text (case, accents, elisions), so one line
"a l'ecoute" matches "à l’écoute".
"""
import re
from functools import lru_cache
from pathlib import Path

from ..tokenize import SMS, TOKEN_RE, normalize

HERE = Path(__file__).resolve().parent
PATTERN_XML = HERE / "fr-sentiment.xml"
VADER_TXT = HERE / "vader_fr_lexicon.txt"
OVERRIDES_TXT = HERE / "overrides_fr.txt"
DOMAIN_TXT = HERE / "domain_fr.txt"

# In a long text (a consultation answer, a Grand Débat contribution: over
# insights.stance.LONG_TEXT_TOKENS tokens) the general lexicons' weak words ("partagée",
# "naturelles", "différents", "professionnels", "augmentation": |score| < 0.4) describe
# the topic of a proposal, not a judgement of an institution; there only stronger general
# words and our own files' words count. Chosen among 0.3 / 0.4 / 0.5 on the real set's
# training part only (issue 16); short resident texts (dev, heldout) are not affected.
LONG_MIN_GENERAL = 0.4

_XML_WORD = re.compile(r'<word form="([^"]+)"[^>]*?polarity="(-?[0-9.]+)"')


def _toks(phrase):
    get = SMS.get
    return tuple(get(t, t) for t in TOKEN_RE.findall(normalize(phrase.strip())))


def load_pattern(path=PATTERN_XML):
    """{folded form: mean polarity} from Pattern's fr-sentiment.xml."""
    if not Path(path).exists():
        raise FileNotFoundError(
            f"{path} is missing: the package data was not installed "
            "(setup.cfg package_data must include insights/lexicon/*.xml)")
    acc = {}
    for form, pol in _XML_WORD.findall(Path(path).read_text(encoding="utf-8")):
        acc.setdefault(normalize(form), []).append(float(pol))
    return {k: sum(v) / len(v) for k, v in acc.items()}


def load_vader(path=VADER_TXT):
    """{folded term: valence / 4} from the French VADER lexicon (single words only)."""
    acc = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        term, sep, val = line.rpartition("->")
        if not sep or not term or not term[0].isalpha():
            continue  # emoticons
        try:
            v = float(val) / 4.0
        except ValueError:
            continue
        acc.setdefault(normalize(term), []).append(v)
    return {k: sum(v) / len(v) for k, v in acc.items()}


def load_table(path):
    """[(tokens, score, negated_score or None)] from one of our TSV files."""
    out = []
    for n, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("\t") if p.strip()]
        if len(parts) < 2:
            raise ValueError(f"{path}:{n}: expected 'phrase<TAB>score[<TAB>negated]': {raw!r}")
        neg = float(parts[2]) if len(parts) > 2 else None
        for variant in parts[0].split("|"):
            toks = _toks(variant)
            if toks:
                out.append((toks, float(parts[1]), neg))
    return out


class Lexicon:
    """Word and phrase polarity.

    `words[token] = (score, negated_score or None)`; `phrases[first_token]` is a list of
    (tokens, score, negated_score) longest first. An entry with score 0 and a negated
    score is a service word: neutral as such, a complaint when negated.
    """

    def __init__(self, general, overrides=(), domain=(), min_general=0.2, min_general_long=LONG_MIN_GENERAL):
        words = {}
        weak_general = set()
        for w, s in general.items():
            if " " in w or abs(s) < min_general:
                continue
            toks = _toks(w)
            if len(toks) == 1:
                words[toks[0]] = (s, None)
                if abs(s) < min_general_long:
                    weak_general.add(toks[0])
        phrases = {}
        for layer in (overrides, domain):
            for toks, score, neg in layer:
                if len(toks) == 1:
                    weak_general.discard(toks[0])  # our files' words are chosen, not noise
                    if score == 0 and neg is None:
                        words.pop(toks[0], None)
                    else:
                        words[toks[0]] = (score, neg)
                else:
                    phrases.setdefault(toks[0], {})[toks] = (score, neg)
        self.words = words
        # what a long text reads (see LONG_MIN_GENERAL)
        self.long_words = {w: e for w, e in words.items() if w not in weak_general}
        self.phrases = {
            first: sorted(((t, s, n) for t, (s, n) in d.items()), key=lambda e: -len(e[0]))
            for first, d in phrases.items()
        }

    def lookup(self, toks, i, end=None):
        """(length, score, negated_score) of the entry starting at toks[i] and ending by
        `end` (default: the end of toks), or None."""
        return self._lookup(self.words, toks, i, end)

    def lookup_long(self, toks, i, end=None):
        """`lookup` for a long text: the general lexicons' weak words are left out."""
        return self._lookup(self.long_words, toks, i, end)

    def _lookup(self, words, toks, i, end):
        cands = self.phrases.get(toks[i])
        if cands:
            n = len(toks) if end is None else end
            for ptoks, s, neg in cands:
                k = len(ptoks)
                if i + k <= n and tuple(toks[i:i + k]) == ptoks:
                    return k, s, neg
        e = words.get(toks[i])
        if e is not None:
            return 1, e[0], e[1]
        return None

    def score(self, word):
        """Score of one word or phrase as stored (None when unknown)."""
        toks = _toks(word)
        if not toks:
            return None
        hit = self.lookup(list(toks), 0)
        if hit is None or hit[0] != len(toks):
            return None
        return hit[1]

    def __len__(self):
        return len(self.words) + sum(len(v) for v in self.phrases.values())


def merge_general(*sources):
    acc = {}
    for src in sources:
        for k, v in src.items():
            acc.setdefault(k, []).append(v)
    return {k: sum(v) / len(v) for k, v in acc.items()}


@lru_cache(maxsize=1)
def known_words():
    """Every single-word form the lexicons know (scored or not). The gazetteer never reads
    a known word as a typo of an alias ("mariés" is not "mairies")."""
    words = set(load_pattern()) | set(load_vader())
    for path in (OVERRIDES_TXT, DOMAIN_TXT):
        words.update(t[0] for t, _, _ in load_table(path) if len(t) == 1)
    return frozenset(w for w in words if " " not in w)


@lru_cache(maxsize=1)
def default_lexicon():
    general = merge_general(load_pattern(), load_vader())
    return Lexicon(general, load_table(OVERRIDES_TXT), load_table(DOMAIN_TXT))
