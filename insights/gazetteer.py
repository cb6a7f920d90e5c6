"""Gazetteer: which institution a resident is talking about.

The default aliases live in `insights/data/gazetteer_fr.json` (data, not code): for each of
the twelve institution codes, generic French names ("la mairie", "les profs", "pole
emploi"), names local to Tours ("Tours Habitat", "Fil Bleu") and exclusions (longer phrases
that contain an alias but name no institution: "ecole de la vie", "police d'assurance").

Matching works on normalised tokens (case and accents folded, SMS spellings expanded), so
"prefecture", "Préfecture" and "PREFECTURE" are one alias. The longest alias starting at a
token wins, and an exclusion is an alias that maps to no institution. Alias words of at
least 7 letters also match with one typo (a letter missing, added, replaced or two
letters swapped, first letter kept): "prefecure", "comissariat", "gendamerie"; a word the
lexicons know as a real French word is never read as a typo ("mariés" is not "mairies",
"préfère" is not "préfète").

Per territory, admins add the names residents use locally:

    gaz = Gazetteer.default().with_aliases({"bailleur": ["Touraine Logement", "TL"]})
"""
import json
from functools import lru_cache
from pathlib import Path

from .tokenize import SMS, TOKEN_RE, normalize

DATA = Path(__file__).with_name("data") / "gazetteer_fr.json"

CODES = (
    "mairie", "caf", "bailleur", "police", "ecole", "centre_social",
    "france_travail", "departement", "prefecture", "metropole", "sante", "poste",
)

FUZZY_MIN_LEN = 7
# Real words one typo away from an alias token: never read them as a typo.
FUZZY_BLOCK = frozenset({
    "collegue", "collegues", "tailleur", "tailleurs", "railleur", "metropoles",
    "urgence", "colleges", "pilote", "postes", "postier",
})


def alias_tokens(alias):
    """Tokens of an alias, normalised exactly like resident text."""
    get = SMS.get
    return tuple(get(t, t) for t in TOKEN_RE.findall(normalize(alias.strip())))


def _deletions(word):
    return {word[:i] + word[i + 1:] for i in range(1, len(word))}


def _one_edit(a, b):
    """True when a and b differ by one insertion, deletion, substitution or swap of
    adjacent letters (the symmetric-deletion index also pairs some words two edits apart,
    e.g. "facture"/"facteur")."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1:] == b[i + 1:]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]
    if la > lb:
        return a[i + 1:] == b[i:]
    return b[i + 1:] == a[i:]


class Gazetteer:
    """Aliases -> institution code, matched on token sequences.

    `aliases`: {code: [alias, ...]}; `exclusions`: [phrase, ...] that block a match.
    """

    def __init__(self, aliases, exclusions=(), labels=None, known_words=None, contextual=None):
        unknown = set(aliases) - set(CODES)
        if unknown:
            raise ValueError(f"unknown institution code(s): {sorted(unknown)}; known: {CODES}")
        self.aliases = {code: list(dict.fromkeys(names)) for code, names in aliases.items()}
        self.exclusions = list(dict.fromkeys(exclusions))
        self.labels = dict(labels or {})
        # real words that must not be read as a typo of an alias; default: the lexicons' forms
        if known_words is None:
            from .lexicon import known_words as _kw
            known_words = _kw()
        self.known_words = known_words
        self.contextual = contextual or {}
        self._build()

    # -- construction -------------------------------------------------------------------
    @classmethod
    def default(cls, local=True):
        """The shipped gazetteer (with the Tours names when `local`)."""
        return _default(local)

    @classmethod
    def from_json(cls, path_or_dict, local=True):
        data = path_or_dict
        if not isinstance(data, dict):
            data = json.loads(Path(path_or_dict).read_text(encoding="utf-8"))
        aliases, exclusions, labels = {}, [], {}
        for code, entry in data["institutions"].items():
            names = list(entry.get("aliases", []))
            if local:
                names += entry.get("local", [])
            aliases[code] = names
            exclusions += entry.get("exclude", [])
            labels[code] = entry.get("label", code)
        ctx = data.get("contextual") or {}
        for rule in ctx.get("rules", []):
            aliases.setdefault(rule["code"], []).extend(rule["aliases"])
        return cls(aliases, exclusions, labels, contextual=ctx)

    def with_aliases(self, extra=None, exclusions=()):
        """A new gazetteer with per-territory aliases added: `extra` is {code: [names]}.

        Names may be written with or without accents and capitals. `exclusions` adds
        phrases that must not count as a mention (e.g. a street named after a school).
        """
        merged = {code: list(names) for code, names in self.aliases.items()}
        for code, names in (extra or {}).items():
            if isinstance(names, str):
                names = [names]
            merged.setdefault(code, []).extend(n for n in names if n and n.strip())
        return Gazetteer(merged, self.exclusions + list(exclusions), self.labels, self.known_words,
                         self.contextual)

    def _build(self):
        index = {}
        vocab = set()
        entries = [(alias_tokens(a), code) for code, names in self.aliases.items() for a in names]
        entries += [(alias_tokens(p), None) for p in self.exclusions]
        seen = {}
        for toks, code in entries:
            if not toks:
                continue
            if toks in seen and seen[toks] is None:
                continue  # an exclusion stays an exclusion
            seen[toks] = code
        # A name of several words with a slip at one word's end ("Tour Habitat", "pole
        # emploie", "assistante social"): a final letter missing, or an "s" or "e" added, in
        # one word of 4+ letters while another word of 4+ letters is exact. Exact names and
        # exclusions come first; a variant never replaces them.
        variants = {}
        for toks, code in seen.items():
            if len(toks) < 2:
                continue
            for j, w in enumerate(toks):
                if len(w) < 4 or not w.isalpha() or not any(
                        len(x) >= 4 and x.isalpha() for q, x in enumerate(toks) if q != j):
                    continue
                for v in {w[:-1], w + "s", w + "e"}:
                    if len(v) >= 4 and v != w:
                        vt = toks[:j] + (v,) + toks[j + 1:]
                        if vt not in seen:
                            variants.setdefault(vt, code)
        for toks, code in seen.items():
            index.setdefault(toks[0], []).append((toks, code))
            vocab.update(toks)
        for toks, code in variants.items():
            index.setdefault(toks[0], []).append((toks, code))
        for cands in index.values():
            cands.sort(key=lambda e: -len(e[0]))
        self._index = index
        # The candidates of a first token that can still match given the second token
        # ("le" opens ~65 names and their slips, "le facteur de notre rue" among them; a
        # text has a "le" every few words). Same order as the full list, so the first hit
        # is the same; a second token that is a typo of an alias word uses the full list.
        by_second = {}
        for first, cands in index.items():
            if len(cands) < 4:
                continue
            singles = [e for e in cands if len(e[0]) == 1]
            table = {}
            for toks in cands:
                if len(toks[0]) > 1:
                    table.setdefault(toks[0][1], None)
            for second in table:
                table[second] = [e for e in cands if len(e[0]) == 1 or e[0][1] == second]
            by_second[first] = (table, singles)
        self._by_second = by_second
        # Typo tolerance: symmetric deletion index over alias tokens of 7+ letters.
        # A key may stand for several alias tokens ("decheterie", "dechetterie"): keep them
        # all, sorted, so that the match never depends on the order a set is walked in
        # (it used to change with PYTHONHASHSEED).
        fuzzy = {}
        for tok in vocab:
            if len(tok) >= FUZZY_MIN_LEN and tok.isalpha():
                for key in {tok} | _deletions(tok):
                    fuzzy.setdefault(key, set()).add(tok)
        self._fuzzy = {key: sorted(toks) for key, toks in fuzzy.items()}
        self._vocab = frozenset(vocab)
        self._fuzzy_cache = {}
        # contextual aliases: {alias tokens: (needs, not_near, window)}
        rules, edges = {}, {}
        for rule in self.contextual.get("rules", []):
            needs = frozenset(alias_tokens(w)[-1] for w in rule.get("needs", ()) if alias_tokens(w))
            not_near = frozenset(alias_tokens(w)[-1] for w in rule.get("not_near", ()) if alias_tokens(w))
            before = frozenset(alias_tokens(w)[-1] for w in rule.get("before", ()) if alias_tokens(w))
            after = frozenset(alias_tokens(w)[0] for w in rule.get("after", ()) if alias_tokens(w))
            for a in rule["aliases"]:
                rules[alias_tokens(a)] = (needs, not_near, int(rule.get("window", 10)))
                if before or after:
                    edges[alias_tokens(a)] = (before, after)
        self._rules = rules
        self._edges = edges
        self._titles = frozenset(alias_tokens(t)[0] for t in self.contextual.get("titles", ()))

    # -- matching -----------------------------------------------------------------------
    def _canon(self, tok):
        """The alias token `tok` stands for (itself, or the alias token one typo away)."""
        if tok in self._vocab:
            return tok
        cache = self._fuzzy_cache
        if tok in cache:
            return cache[tok]
        found = None
        if (len(tok) >= FUZZY_MIN_LEN - 1 and tok not in FUZZY_BLOCK and tok.isalpha()
                and tok not in self.known_words):
            fuzzy = self._fuzzy
            keys = [tok] + sorted(_deletions(tok))
            found = next((cand for key in keys for cand in fuzzy.get(key, ())
                          if cand[0] == tok[0] and _one_edit(tok, cand)), None)
        if len(cache) < 50000:
            cache[tok] = found
        return found

    def _context_ok(self, atoks, toks, i, k, tokset):
        """A contextual alias counts only where its rule allows it (see gazetteer_fr.json)."""
        needs, not_near, window = self._rules[atoks]
        if needs and not (needs & tokset):
            return False
        if atoks in self._edges and not self._edge_ok(atoks, toks, i, k):
            return False
        if not_near:
            lo, hi = max(0, i - window), min(len(toks), i + k + window)
            if any(toks[j] in not_near for j in range(lo, hi)):
                return False
        return True

    def _edge_ok(self, atoks, toks, i, k):
        """An alias that names a body only as an actor or an addressee: "la ville" is the
        mairie in "la ville a coupé les arbres", "la ville pourrait prêter", "Bravo la
        ville", "merci à la ville", "c'est à la ville" (the word before or after it says
        so), not in "au bout de la ville" or "la ville est belle le soir"."""
        before, after = self._edges[atoks]
        if i > 0 and toks[i - 1] in before:
            return True
        return i + k < len(toks) and toks[i + k] in after

    def _is_title(self, atoks, i, k, spans, text):
        """"professeur Joyeux", "Docteur Martin": a title before a capitalised name."""
        if len(atoks) != 1 or atoks[0] not in self._titles or i + k >= len(spans):
            return False
        nxt = text[spans[i + k][0]:spans[i + k][1]]
        return nxt[:1].isupper() and nxt.isalpha() and not nxt.isupper()

    def find(self, toks, spans=None, text=None):
        """Mentions in a token list: [(start, end, code)], end exclusive, no overlaps.

        With `spans` and `text` (the original text), a title before a capitalised name
        ("professeur Joyeux") is not a mention."""
        out = []
        tokset = None
        index = self._index
        by_second = self._by_second
        canon = self._canon
        n = len(toks)
        i = 0
        while i < n:
            t = toks[i]
            cands = index.get(t)
            if cands is not None and t in by_second:
                if i + 1 >= n:
                    cands = by_second[t][1]
                else:
                    t2 = toks[i + 1]
                    c2 = canon(t2)
                    if c2 is None or c2 == t2:
                        cands = by_second[t][0].get(t2, by_second[t][1])
            if (cands is None or t not in self._vocab) and len(t) >= FUZZY_MIN_LEN - 1:
                # a typo of an alias word, even when a name's slip starts with it too
                # ("maires" opens the variant "maires adjoint" and is a typo of "mairies")
                c = canon(t)
                if c is not None:
                    cands = (cands or []) + index.get(c, [])
            if cands:
                hit = None
                for atoks, code in cands:
                    k = len(atoks)
                    if i + k > n:
                        continue
                    ok = True
                    for j in range(1, k):
                        tj = toks[i + j]
                        if tj != atoks[j] and canon(tj) != atoks[j]:
                            ok = False
                            break
                    if ok:
                        hit = (k, code, atoks)
                        break
                if hit is not None:
                    k, code, atoks = hit
                    if code is not None and atoks in self._rules:
                        if tokset is None:
                            tokset = frozenset(toks)
                        if not self._context_ok(atoks, toks, i, k, tokset):
                            code = None
                    if code is not None and spans is not None and self._is_title(atoks, i, k, spans, text):
                        code = None
                    if code is not None:
                        out.append((i, i + k, code))
                    elif atoks in self._edges:
                        i += 1  # "la ville de Tours": the next word may open a name
                        continue
                    i += k
                    continue
            i += 1
        return out

    def codes_in(self, text):
        """Institution codes named in a text, in order of first mention."""
        toks, spans = [], []
        for m in TOKEN_RE.finditer(normalize(text)):
            toks.append(SMS.get(m.group(), m.group()))
            spans.append(m.span())
        return list(dict.fromkeys(code for _, _, code in self.find(toks, spans, text)))

    def __repr__(self):
        n = sum(len(v) for v in self.aliases.values())
        return f"<Gazetteer {n} aliases, {len(self.exclusions)} exclusions>"


@lru_cache(maxsize=2)
def _default(local):
    return Gazetteer.from_json(DATA, local=local)


def build_gazetteer(extra=None, exclusions=(), local=True):
    """Default gazetteer plus per-territory aliases {code: [names]}."""
    base = Gazetteer.default(local=local)
    if not extra and not exclusions:
        return base
    return base.with_aliases(extra, exclusions)
