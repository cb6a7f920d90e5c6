"""Which words about an institution rose or fell between two periods.

    from insights.keyness import changed_words, weighted_log_odds
    res = changed_words(texts_2024, texts_2025, institution="bailleur")
    res["rising"][0]   # {"word": "ascenseur", "z": 4.1, "count_a": 0, "count_b": 30,
                       #  "examples": ["L'ascenseur est encore en panne...", ...], ...}

Method: weighted log-odds ratio with an informative Dirichlet prior ("Fightin' Words",
Monroe, Colaresi & Quinn 2008, Political Analysis 16(4), eqs. 16-22). For a word w with
counts y_a, y_b in periods A and B (totals n_a, n_b) and prior pseudo-counts alpha_w
(alpha_0 = their sum):

    delta_w = log[(y_b + alpha_w) / (n_b + alpha_0 - y_b - alpha_w)]
            - log[(y_a + alpha_w) / (n_a + alpha_0 - y_a - alpha_w)]
    var_w  ~= 1 / (y_b + alpha_w) + 1 / (y_a + alpha_w)
    z_w     = delta_w / sqrt(var_w)

Positive z: the word rose from A to B; negative: it fell. The prior is informative: alpha_w
is proportional to the word's frequency in a reference corpus (by default A and B
combined), scaled to a total of alpha_0 pseudo-tokens. `prior_scale` sets alpha_0; by
default (None) alpha_0 = 0.1 x (n_a + n_b), i.e. each word gets a prior of a tenth of its
own combined count (alpha_w = 0.1 (y_a + y_b) with the default reference). A fixed alpha_0
(500, say) would be pseudo-data larger than a quartier's whole corpus about one institution
(often a few hundred words) and erase every change there, while being negligible on a
city-wide corpus; a constant fraction shrinks alike at every size. Effects of the default:
a word seen 0 times in A and 8 in B gets z ~ 2.1, 0 -> 3 gets z ~ 1.3, 3 -> 9 (equal
sizes) z ~ 1.5; with no change z has a spread of about 0.9 (the prior makes z slightly
conservative), and a zero count no longer gives the extreme log-odds of an uninformative
prior. Report |z| > 1.96 as a notable change, not as a test corrected for the hundreds of
words compared.

Counting (`changed_words`):
- text is split into sentences (`insights.tokenize.sentences`) and tokenised with
  `insights.tokenize` (case and accents folded, SMS spellings expanded);
- institution names are removed: every span the gazetteer recognises as a mention (any
  institution, typos included) and every word that is on its own an alias ("mairie",
  "caf", "profs") or shares its stem, so the names do not dominate the lists;
- words of fewer than 3 letters, numbers, and the French stopwords of `STOPWORDS` (ours,
  written here: NLTK's stopwords corpus needs a download and states no licence) are
  dropped; negations and service words that carry complaints are kept ("jamais", "rien",
  "personne", "aucun", "toujours", "plus");
- words are counted by stem (NLTK `SnowballStemmer("french")`, which needs no download, on
  the folded word) and shown by their most frequent written form (lower case, accents as
  written);
- with `institution`, only the sentences that name it are counted (`scope="sentence"`), or
  every sentence of the texts that name it (`scope="text"`);
- example passages are sentences of the period the word is characteristic of (B for a
  rising word, A for a falling one), in input order. The texts must already be free of
  personal data: examples are quoted as given.
"""
from collections import Counter, defaultdict

import numpy as np
from nltk.stem.snowball import SnowballStemmer

from .tokenize import fold, sentences, tokens_with_spans

DEFAULT_PRIOR_SCALE = None      # alpha_0 = DEFAULT_PRIOR_FRACTION x (n_a + n_b)
DEFAULT_PRIOR_FRACTION = 0.1
# pseudo-count of a word absent from an explicit reference corpus (Monroe et al.'s
# uninformative prior uses 0.01 per word)
PRIOR_FLOOR = 0.01
MIN_WORD_LEN = 3
EXAMPLE_MAX_CHARS = 280

# French function words, auxiliaries and fillers, folded (no accents), as residents write
# them. Negations and service verbs are deliberately NOT here.
_STOPWORDS_TEXT = """
a à au aux avec ce ces cet cette ceci cela ca ça celle celles celui ceux chez dans de des
du elle elles en entre et eux il ils je j la le les leur leurs lui ma mais me meme memes
mes moi mon ne nos notre nous on ou où par pas pour qu que quel quelle quelles quels qui
sa sans se ses si son sur ta te tes toi ton tu un une uns unes vos votre vous y
d l m n s t c
est es suis sommes etes sont etait etaient etais etions etiez ete etre sera seront serait
seraient serai serais serons serez soit soient sois soyons fut furent
ai as avons avez ont avait avaient avais avions aviez eu avoir aura auront aurait
auraient aurai aurais aurions aient ait aie ayant eue eues eus
fait fais faire faites font faisait faut fallait va vais vont allait aller allez allons
alors aussi autre autres apres avant bah ben bon bref car ceux-ci ceux-la
comme comment comme-ca dont donc deja ici ils elles encore enfin etc euh hein hui
aujourd la-bas lors lorsque lequel laquelle lesquels lesquelles leur moins mon-meme
non oui ok okay ouais parce parfois peu peut peuvent pouvait pourquoi puis quand quant
quelque quelques quoi sinon soi-meme sous tant tandis tel telle tels telles tout toute
toutes tous tres trop vers voici voila vraiment beaucoup assez bien chaque cela-meme
meme-si ceci-dit chose choses cote fois gens ya y-a il-y-a jusque jusqu ni nan nos
plusieurs pendant depuis contre selon sauf ainsi ailleurs ensuite surtout certes
celle-ci celui-ci celle-la celui-la elle-meme lui-meme eux-memes nous-memes vous-meme
"""
STOPWORDS = frozenset(fold(w) for w in _STOPWORDS_TEXT.split())

_STEMMER = SnowballStemmer("french")


def _is_word(tok):
    return len(tok) >= MIN_WORD_LEN and tok.replace("-", "").isalpha()


# -- weighted log-odds --------------------------------------------------------------------
def weighted_log_odds(counts_a, counts_b, prior=None, prior_scale=DEFAULT_PRIOR_SCALE):
    """Monroe et al. (2008) weighted log-odds of each word, period A -> period B.

    `counts_a`, `counts_b`: {word: count}. `prior`: {word: count} of a reference corpus
    (default: A and B combined), turned into proportions and scaled to alpha_0
    pseudo-tokens in total: alpha_0 = `prior_scale` if given, else
    `DEFAULT_PRIOR_FRACTION` x (n_a + n_b). A word missing from an explicit `prior` gets
    `PRIOR_FLOOR`. Returns {word: {"delta", "variance", "z", "count_a", "count_b",
    "prior"}} for every word seen in A or B; delta > 0 means more frequent in B.
    """
    words = sorted(set(counts_a) | set(counts_b))
    if not words:
        return {}
    ya = np.array([counts_a.get(w, 0) for w in words], dtype=float)
    yb = np.array([counts_b.get(w, 0) for w in words], dtype=float)
    if (ya < 0).any() or (yb < 0).any():
        raise ValueError("counts must be non-negative")
    if prior is None:
        ref = ya + yb
    else:
        ref = np.array([float(prior.get(w, 0)) for w in words], dtype=float)
    total_ref = float(ref.sum())
    if total_ref <= 0:
        raise ValueError("the prior corpus is empty")
    na, nb = float(ya.sum()), float(yb.sum())
    scale = DEFAULT_PRIOR_FRACTION * (na + nb) if prior_scale is None else float(prior_scale)
    if scale <= 0:
        raise ValueError("prior_scale must be positive")
    alpha = scale * ref / total_ref
    alpha = np.where(alpha > 0, alpha, PRIOR_FLOOR)
    a0 = float(alpha.sum())
    log_odds_b = np.log(yb + alpha) - np.log(nb + a0 - yb - alpha)
    log_odds_a = np.log(ya + alpha) - np.log(na + a0 - ya - alpha)
    delta = log_odds_b - log_odds_a
    var = 1.0 / (yb + alpha) + 1.0 / (ya + alpha)
    z = delta / np.sqrt(var)
    return {
        w: {"delta": float(d), "variance": float(v), "z": float(s), "count_a": int(a),
            "count_b": int(b), "prior": float(al)}
        for w, d, v, s, a, b, al in zip(words, delta, var, z, ya, yb, alpha)
    }


# -- tokens of a period -------------------------------------------------------------------
def _default_gazetteer():
    from .gazetteer import Gazetteer
    return Gazetteer.default()


class _Period:
    """Sentences of one period kept for counting, with their stems and surfaces."""

    def __init__(self):
        self.counts = Counter()
        self.sentences = []          # (sentence text, {stem: first (start, end)})
        self.n_texts = 0


def _alias_words(gazetteer):
    """Single-word aliases of every institution ("mairie", "caf", "profs") and their stems."""
    from .gazetteer import alias_tokens

    words = set()
    for names in gazetteer.aliases.values():
        for name in names:
            toks = alias_tokens(name)
            if len(toks) == 1:
                words.add(toks[0])
    return words, {_STEMMER.stem(w) for w in words}


def _read_period(texts, gazetteer, institution, scope, alias_words, alias_stems, surfaces):
    period = _Period()
    stem = _STEMMER.stem
    for text in texts:
        if not text:
            continue
        if not isinstance(text, str):
            text = str(text)
        parsed = []
        text_names_it = False
        for sent in sentences(text):
            toks, spans = tokens_with_spans(sent)
            found = gazetteer.find(toks)
            names_it = institution is None or any(code == institution for _, _, code in found)
            text_names_it = text_names_it or names_it
            in_mention = set()
            for s, e, _ in found:
                in_mention.update(range(s, e))
            stems = {}
            for k, tok in enumerate(toks):
                if k in in_mention or not _is_word(tok) or tok in STOPWORDS or tok in alias_words:
                    continue
                st = stem(tok)
                if st in STOPWORDS or st in alias_stems:
                    continue
                stems.setdefault(st, []).append(spans[k])
            parsed.append((sent, stems, names_it))
        if institution is not None and not text_names_it:
            continue
        period.n_texts += 1
        for sent, stems, names_it in parsed:
            if scope == "sentence" and not names_it:
                continue
            for st, where in stems.items():
                period.counts[st] += len(where)
                for s, e in where:
                    surfaces[st][sent[s:e].lower()] += 1
            period.sentences.append((sent, {st: where[0] for st, where in stems.items()}))
    return period


def _excerpt(sentence, span, max_chars=EXAMPLE_MAX_CHARS):
    if len(sentence) <= max_chars:
        return sentence
    s, e = span
    half = max(0, (max_chars - (e - s)) // 2)
    lo = max(0, s - half)
    hi = min(len(sentence), lo + max_chars)
    lo = max(0, hi - max_chars)
    # cut at word boundaries
    if lo > 0:
        sp = sentence.find(" ", lo, s)
        lo = sp + 1 if sp != -1 else lo
    if hi < len(sentence):
        sp = sentence.rfind(" ", e, hi)
        hi = sp if sp != -1 else hi
    return ("…" if lo > 0 else "") + sentence[lo:hi].strip() + ("…" if hi < len(sentence) else "")


def _examples(period, st, k):
    out = []
    seen = set()
    for sent, stems in period.sentences:
        if len(out) >= k:
            break
        if st in stems and sent not in seen:
            seen.add(sent)
            out.append(_excerpt(sent, stems[st]))
    return out


def changed_words(texts_a, texts_b, institution=None, top=15, min_count=3, examples=2,
                  gazetteer=None, scope="sentence", prior=None, prior_scale=DEFAULT_PRIOR_SCALE):
    """Words that rose (more in B) or fell (more in A) most, by weighted log-odds z-score.

    `texts_a`, `texts_b`: texts of the two periods (already scrubbed of personal data).
    `institution`: a code ("caf"...) to look only at what is said about it (see `scope`);
    None: all text. Words with fewer than `min_count` occurrences over both periods are
    left out. `gazetteer`: the territory's (to drop its local names too); default the
    shipped one. `prior`: {stem: count} of a reference corpus (default A + B).

    Returns {"institution", "n_texts_a", "n_texts_b", "n_tokens_a", "n_tokens_b",
    "alpha_0", "rising": [...], "falling": [...]}; each word: {"word" (most frequent
    written form), "stem", "count_a", "count_b", "delta", "z", "significant"
    (|z| > 1.96), "examples": [sentences from B for rising, from A for falling]}. Rising
    words all have z > 0, falling words z < 0, strongest first, at most `top` of each.
    """
    if scope not in ("sentence", "text"):
        raise ValueError("scope must be 'sentence' or 'text'")
    gazetteer = gazetteer if gazetteer is not None else _default_gazetteer()
    if institution is not None and institution not in gazetteer.aliases:
        raise ValueError(f"unknown institution {institution!r}; known: {sorted(gazetteer.aliases)}")
    alias_words, alias_stems = _alias_words(gazetteer)
    surfaces = defaultdict(Counter)
    pa = _read_period(texts_a, gazetteer, institution, scope, alias_words, alias_stems, surfaces)
    pb = _read_period(texts_b, gazetteer, institution, scope, alias_words, alias_stems, surfaces)
    result = {
        "institution": institution,
        "n_texts_a": pa.n_texts, "n_texts_b": pb.n_texts,
        "n_tokens_a": sum(pa.counts.values()), "n_tokens_b": sum(pb.counts.values()),
        "alpha_0": None, "rising": [], "falling": [],
    }
    if not pa.counts and not pb.counts:
        return result
    scores = weighted_log_odds(pa.counts, pb.counts, prior=prior, prior_scale=prior_scale)
    result["alpha_0"] = sum(sc["prior"] for sc in scores.values())
    kept = [(st, sc) for st, sc in scores.items() if sc["count_a"] + sc["count_b"] >= min_count]

    def entry(st, sc, period):
        return {
            "word": surfaces[st].most_common(1)[0][0],
            "stem": st,
            "count_a": sc["count_a"],
            "count_b": sc["count_b"],
            "delta": sc["delta"],
            "z": sc["z"],
            "significant": abs(sc["z"]) > 1.96,
            "examples": _examples(period, st, examples) if examples else [],
        }

    rising = sorted((x for x in kept if x[1]["z"] > 0), key=lambda x: (-x[1]["z"], x[0]))[:top]
    falling = sorted((x for x in kept if x[1]["z"] < 0), key=lambda x: (x[1]["z"], x[0]))[:top]
    result["rising"] = [entry(st, sc, pb) for st, sc in rising]
    result["falling"] = [entry(st, sc, pa) for st, sc in falling]
    return result


__all__ = ["DEFAULT_PRIOR_FRACTION", "DEFAULT_PRIOR_SCALE", "STOPWORDS", "changed_words", "weighted_log_odds"]
