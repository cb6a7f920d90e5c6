"""An optional supervised stance layer, trained on evaluators' corrections.

The lexicon (`insights.stance`) stays the default. Evaluators' corrections can train a
small multinomial logistic regression that an evaluator may switch on, and only if it
beats the lexicon on held-out corrections (`compare_with_lexicon`).

    from insights.supervised import train, compare_with_lexicon, Model
    passages = [{"text": "La CAF c'est guez.", "institution": "caf", "stance": "negative"}, ...]
    report = compare_with_lexicon(passages)     # {"beats_lexicon": bool, ...}
    model = train(passages)
    model.predict("La CAF c'est guez.", "caf")  # 'negative'
    model.targets("La CAF c'est guez, la poste au top")  # {code: stance} for every code found
    data = model.to_json()                      # a JSON-ready dict (database JSON column)
    Model.from_json(data).predict(...)          # same predictions

Features of a passage (text, institution), over the tokens of `insights.tokenize`
(lower case, accents folded, SMS spellings expanded), the institutions found by the
gazetteer and the clauses of `insights.stance.segment`:

- `c:w` / `c:w1_w2`: words and bigrams of the clause(s) naming the institution (its name
  is the token `<T>`, another institution's name `<O>`, so "<T> repond" is a feature);
- `s:w`: words of the rest of the sentence up to a clause naming another institution
  (what the lexicon would also attribute to it);
- `neg:w`: words in a negation scope: up to three tokens after "pas", "jamais", "rien",
  "plus", "aucun(e)", "sans", "personne" in the same clause, and the word just before it
  unless it is "ne" (oral French: "répond jamais");
- the lexicon's own verdict: its score for the institution (`lex_score`, clipped to +-3)
  and its label one-hot (`lex=negative`, `lex=neutral`, `lex=positive`), so with little
  data the layer falls back on the lexicon and learns only where corrections disagree.
If the gazetteer does not find the institution in the text, the whole text is the clause
and the feature `lex=absent` is set.

Model: softmax regression, L2 penalty (not on the bias), classes weighted so each stance
counts equally (the score is macro-F1), zero start, accelerated full-batch gradient
descent with a step from a bound on the curvature: deterministic. The vocabulary keeps
features seen in at least `min_count` training passages (default 2), at most
`max_features` (most frequent first, ties alphabetical).

Switching-on rule (`compare_with_lexicon`): on the same held-out corrections (k-fold,
passages with the same text always in the same fold, so one text checked twice or with two
mentions cannot be learnt and tested at once), the pooled macro-F1 (over the stances
present in the human labels) of the supervised layer must exceed the lexicon's by more than
MARGIN (0.02), with at least MIN_CORRECTIONS (30) usable corrections. With fewer, it does
not train and answers beats_lexicon False with a reason.
"""
import random
from itertools import pairwise

import numpy as np

from .evaluate import macro_f1
from .stance import segment
from .tokenize import normalize, tokens_with_spans

STANCES = ("negative", "neutral", "positive")
MIN_CORRECTIONS = 30
MARGIN = 0.02
FORMAT_VERSION = 1
NEGATORS = frozenset({"pas", "jamais", "rien", "plus", "aucun", "aucune", "sans", "personne", "guere", "nullement"})
NEG_SCOPE = 3
SKIP = frozenset({",", ";", ":", "(", ")", "-", "[", "]", "«", "»", '"', "'", ".", "\n"})
LEX_CLIP = 3.0

__all__ = ["MARGIN", "MIN_CORRECTIONS", "Model", "compare_with_lexicon", "passage_features", "train"]

_ANALYZER = None


def _analyzer(analyzer=None):
    global _ANALYZER
    if analyzer is not None:
        return analyzer
    if _ANALYZER is None:
        from .pipeline import Analyzer

        _ANALYZER = Analyzer()
    return _ANALYZER


# --- features -------------------------------------------------------------------------

def _keep(tok):
    return tok not in SKIP and not tok.isspace()


def _doc(text, analyzer):
    """(tokens, found mentions, clauses, analysis) for one text."""
    text = text or ""
    toks, spans = tokens_with_spans(text)
    found = analyzer.gazetteer.find(toks, spans, text)
    mention_at = [-1] * len(toks)
    for m, (s, e, _) in enumerate(found):
        for j in range(s, e):
            mention_at[j] = m
    clauses = segment(toks, mention_at)
    return toks, found, mention_at, clauses, analyzer.analyze(text)


def _clause_words(toks, a, b, mention_at, found, code):
    out = []
    prev = -1
    for j in range(a, b):
        m = mention_at[j]
        if m >= 0:
            if m == prev:
                continue  # one placeholder per (multi-token) name
            out.append("<T>" if found[m][2] == code else "<O>")
        elif _keep(toks[j]):
            out.append(toks[j])
        prev = m
    return out


def _features_for(doc, code):
    toks, found, mention_at, clauses, analysis = doc
    feats = set()
    target = analysis.by_code.get(code)
    if target is None:
        feats.add("lex=absent")
        lex_score = 0.0
        own = [(0, len(toks))]
        rest = []
    else:
        lex_score = max(-LEX_CLIP, min(LEX_CLIP, float(target.score)))
        feats.add("lex=" + target.stance)
        codes_in = [{found[mention_at[j]][2] for j in range(a, b) if mention_at[j] >= 0}
                    for a, b, _, _ in clauses]
        own_idx = [ci for ci, cs in enumerate(codes_in) if code in cs]
        own = [clauses[ci][:2] for ci in own_idx]
        rest = []
        for ci in own_idx:
            sent = clauses[ci][2]
            for cj in range(ci + 1, len(clauses)):
                if clauses[cj][2] != sent or (codes_in[cj] and code not in codes_in[cj]):
                    break
                if cj not in own_idx:
                    rest.append(clauses[cj][:2])
    for a, b in own:
        words = _clause_words(toks, a, b, mention_at, found, code)
        feats.update("c:" + w for w in words)
        feats.update("c:" + w1 + "_" + w2 for w1, w2 in pairwise(words))
    for a, b in rest:
        feats.update("s:" + w for w in _clause_words(toks, a, b, mention_at, found, code))
    for a, b in own + rest:
        for j in range(a, b):
            if toks[j] in NEGATORS and mention_at[j] < 0:
                scope = toks[j + 1:min(b, j + 1 + NEG_SCOPE)]
                # oral French drops "ne" and puts the negator after the verb: "répond jamais"
                if j > a and mention_at[j - 1] < 0 and toks[j - 1] not in ("ne", "n'"):
                    scope = [toks[j - 1], *scope]
                for t in scope:
                    if _keep(t) and t not in NEGATORS:
                        feats.add("neg:" + t)
    return feats, lex_score


def passage_features(text, institution, analyzer=None):
    """(set of string features, lexicon score, lexicon label) of one passage."""
    doc = _doc(text, _analyzer(analyzer))
    feats, score = _features_for(doc, institution)
    return feats, score, doc[4].targets.get(institution, "neutral")


# --- model ----------------------------------------------------------------------------

def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _fit(X, y, sample_w, l2, max_iter=2000, tol=1e-6):
    """Softmax regression: minimise sum_i w_i CE_i / sum w + l2/2 ||W||^2 (bias unpenalised).
    Accelerated gradient with adaptive restart; returns (W, b)."""
    n, d = X.shape
    k = len(STANCES)
    Y = np.zeros((n, k))
    Y[np.arange(n), y] = 1.0
    w = sample_w / sample_w.sum()
    # Curvature bound: softmax Hessian <= 1/2 I per example, so L <= 1/2 lmax(X1' W X1) + l2
    X1 = np.hstack([X, np.ones((n, 1))])
    v = np.ones(d + 1) / np.sqrt(d + 1)
    lam = 1.0
    for _ in range(100):
        u = X1.T @ (w * (X1 @ v))
        lam = float(np.linalg.norm(u))
        if lam == 0:
            break
        v = u / lam
    step = 1.0 / (1.2 * 0.5 * lam + l2 + 1e-12)
    mask = np.ones((d + 1, 1))
    mask[-1] = 0.0  # no penalty on the bias row

    x = np.zeros((d + 1, k))      # current iterate
    z = x                          # extrapolated point
    t = 1.0
    for _ in range(max_iter):
        P = _softmax(X1 @ z)
        G = X1.T @ (w[:, None] * (P - Y)) + l2 * mask * z
        x_new = z - step * G
        if np.abs(G).max() < tol:
            x = x_new
            break
        # restart the momentum when it points uphill (O'Donoghue & Candes 2015)
        if np.sum(G * (x_new - x)) > 0:
            t = 1.0
        t_next = (1.0 + np.sqrt(1.0 + 4.0 * t * t)) / 2.0
        z = x_new + ((t - 1.0) / t_next) * (x_new - x)
        x = x_new
        t = t_next
    theta = x
    return theta[:-1], theta[-1]


class Model:
    """A trained stance layer. `predict(text, institution) -> stance`."""

    def __init__(self, vocabulary, weights, bias, labels=STANCES, meta=None):
        self.labels = tuple(labels)
        self.vocabulary = list(vocabulary)
        self.index = {f: i for i, f in enumerate(self.vocabulary)}
        self.weights = np.asarray(weights, dtype=float).reshape(len(self.vocabulary), len(self.labels))
        self.bias = np.asarray(bias, dtype=float).reshape(len(self.labels))
        self.meta = dict(meta or {})

    # features of string names -> vector
    def _vector(self, feats, lex_score):
        x = np.zeros(len(self.vocabulary))
        for f in feats:
            i = self.index.get(f)
            if i is not None:
                x[i] = 1.0
        i = self.index.get("lex_score")
        if i is not None:
            x[i] = lex_score
        return x

    def _proba_doc(self, doc, institution):
        feats, score = _features_for(doc, institution)
        z = self._vector(feats, score) @ self.weights + self.bias
        return _softmax(z[None, :])[0]

    def predict_proba(self, text, institution, analyzer=None):
        """{stance: probability} for the passage's stance towards `institution`."""
        p = self._proba_doc(_doc(text, _analyzer(analyzer)), institution)
        return {lab: float(v) for lab, v in zip(self.labels, p)}

    def predict(self, text, institution, analyzer=None):
        p = self._proba_doc(_doc(text, _analyzer(analyzer)), institution)
        return self.labels[int(np.argmax(p))]

    def targets(self, text, analyzer=None):
        """{code: stance} for every institution the gazetteer finds, in order of first
        mention (the supervised counterpart of `Analysis.targets`)."""
        doc = _doc(text, _analyzer(analyzer))
        return {code: self.labels[int(np.argmax(self._proba_doc(doc, code)))]
                for code in doc[4].by_code}

    def to_json(self):
        """A JSON-ready dict (lists and numbers only)."""
        return {
            "format": "insights.supervised",
            "version": FORMAT_VERSION,
            "labels": list(self.labels),
            "vocabulary": list(self.vocabulary),
            "weights": [[float(v) for v in row] for row in self.weights],
            "bias": [float(v) for v in self.bias],
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data):
        """The inverse of `to_json` (accepts the dict or its JSON text)."""
        if isinstance(data, (str, bytes)):
            import json

            data = json.loads(data)
        if not data or data.get("format") != "insights.supervised":
            raise ValueError("not a stored insights.supervised model")
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"unsupported model version {data.get('version')!r}")
        return cls(data["vocabulary"], data["weights"], data["bias"], data["labels"], data.get("meta"))

    def __repr__(self):
        return f"<Model {len(self.vocabulary)} features, trained on {self.meta.get('n_train')}>"


def _clean(passages):
    out = []
    for p in passages:
        get = p.get if isinstance(p, dict) else (lambda k, p=p: getattr(p, k, None))
        text, code, stance = get("text"), get("institution"), get("stance")
        if text and code and stance in STANCES:
            out.append({"text": text, "institution": code, "stance": stance})
    return out


def _train_rows(rows, l2, min_count, max_features):
    """rows: [(feats, lex_score, stance)] -> Model."""
    df = {}
    for feats, _, _ in rows:
        for f in feats:
            df[f] = df.get(f, 0) + 1
    kept = sorted((f for f, c in df.items() if c >= min_count), key=lambda f: (-df[f], f))
    vocab = ["lex_score"] + sorted(kept[:max_features])
    model = Model(vocab, np.zeros((len(vocab), len(STANCES))), np.zeros(len(STANCES)),
                  meta={"n_train": len(rows), "l2": l2, "min_count": min_count})
    if not rows:
        return model
    X = np.vstack([model._vector(f, s) for f, s, _ in rows])
    y = np.array([STANCES.index(st) for _, _, st in rows])
    counts = np.bincount(y, minlength=len(STANCES)).astype(float)
    present = counts > 0
    class_w = np.where(present, len(y) / (present.sum() * np.maximum(counts, 1)), 0.0)
    W, b = _fit(X, y, class_w[y], l2)
    # Store rounded weights, and predict with exactly what is stored.
    model.weights = np.round(W, 6)
    model.bias = np.round(b, 6)
    model.meta["counts"] = {lab: int(c) for lab, c in zip(STANCES, counts)}
    return model


def train(passages, analyzer=None, l2=0.01, min_count=2, max_features=5000):
    """Train on [{"text", "institution", "stance"}] (human stances); passages without a
    text, an institution or a stance among negative/neutral/positive are ignored."""
    analyzer = _analyzer(analyzer)
    rows = []
    for p in _clean(passages):
        feats, score = _features_for(_doc(p["text"], analyzer), p["institution"])
        rows.append((feats, score, p["stance"]))
    return _train_rows(rows, l2, min_count, max_features)


def compare_with_lexicon(passages, k=5, seed=0, analyzer=None, l2=0.01, min_count=2, max_features=5000):
    """Macro-F1 of the lexicon and of the supervised layer on the same held-out corrections
    (k folds, grouped by text), and whether the layer may be switched on (module docstring).

    Returns {"n", "k", "counts" (human stances), "lexicon_macro_f1", "supervised_macro_f1",
    "difference", "lexicon_accuracy", "supervised_accuracy", "beats_lexicon", "reason",
    "min_corrections", "margin"}; the F1 fields are None when nothing was evaluated.
    """
    analyzer = _analyzer(analyzer)
    data = _clean(passages)
    n = len(data)
    counts = {lab: sum(1 for p in data if p["stance"] == lab) for lab in STANCES}
    out = {"n": n, "k": 0, "counts": counts, "lexicon_macro_f1": None, "supervised_macro_f1": None,
           "difference": None, "lexicon_accuracy": None, "supervised_accuracy": None,
           "beats_lexicon": False, "reason": "", "min_corrections": MIN_CORRECTIONS, "margin": MARGIN}
    if n < MIN_CORRECTIONS:
        out["reason"] = f"{n} usable corrections, at least {MIN_CORRECTIONS} are needed"
        return out

    rows, lex_pred = [], []
    for p in data:
        doc = _doc(p["text"], analyzer)
        feats, score = _features_for(doc, p["institution"])
        rows.append((feats, score, p["stance"]))
        lex_pred.append(doc[4].targets.get(p["institution"], "neutral"))

    groups = sorted({normalize(p["text"]).strip() for p in data})
    random.Random(seed).shuffle(groups)
    k = max(2, min(int(k), len(groups)))
    if len(groups) < 2:
        out["reason"] = "all corrections are on one text: nothing to hold out"
        return out
    fold_of_group = {g: i % k for i, g in enumerate(groups)}
    fold = [fold_of_group[normalize(p["text"]).strip()] for p in data]

    sup_pred = [None] * n
    for f in range(k):
        train_idx = [i for i in range(n) if fold[i] != f]
        test_idx = [i for i in range(n) if fold[i] == f]
        model = _train_rows([rows[i] for i in train_idx], l2, min_count, max_features)
        for i in test_idx:
            feats, score, _ = rows[i]
            z = model._vector(feats, score) @ model.weights + model.bias
            sup_pred[i] = STANCES[int(np.argmax(z))]

    gold = [p["stance"] for p in data]
    lex_f1 = macro_f1(gold, lex_pred)
    sup_f1 = macro_f1(gold, sup_pred)
    out.update({
        "k": k,
        "lexicon_macro_f1": round(lex_f1, 4),
        "supervised_macro_f1": round(sup_f1, 4),
        "difference": round(sup_f1 - lex_f1, 4),
        "lexicon_accuracy": round(sum(g == p for g, p in zip(gold, lex_pred)) / n, 4),
        "supervised_accuracy": round(sum(g == p for g, p in zip(gold, sup_pred)) / n, 4),
    })
    beats = sup_f1 - lex_f1 > MARGIN
    out["beats_lexicon"] = bool(beats)
    out["reason"] = (f"held-out macro-F1 {sup_f1:.3f} vs lexicon {lex_f1:.3f}: "
                     + ("more than" if beats else "not more than") + f" {MARGIN} better")
    return out
