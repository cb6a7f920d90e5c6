"""A supervised stance layer per mention (scikit-learn), measured against the rules on real
citizen texts that neither was tuned on.

    python -m insights mentions [--json] [--with-heldout-a]

The labelled set (`tests/fixtures/discourse/real_mentions.jsonl`, texts in
`real_texts.jsonl`): one line per mention the detector found in a real text, `mid`,
`text_id`, `start`, `end`, `surface`, `institution`, the first pass's `stance`
(negative / neutral / positive / not_institution) and `act`, and for the doubly labelled
fifth the blind second pass's `stance_2` / `act_2`. `part` is `train` or `heldout`: 30 %
of the TEXTS (seed 16), drawn before any model or rule was run on the set, and drawn anew
for each round of texts appended later over that round's texts only (`heldout_by_round`);
the held-out part is never used for training, model choice or rule work.

What is measured (`report`):

- agreement of the two human passes: Cohen's kappa on the stance and on the act;
- the rules' stance per mention (the `Mention` the analyzer finds at the same offset;
  mentions labelled `not_institution` are detection errors and left out of the stance
  scores, as in `evaluate_mentions`);
- the supervised layer's cross-validated macro-F1 on the training part: stratified
  5-fold, grouped by text (`StratifiedGroupKFold`: mentions of one text never sit in two
  folds), compared with the rules on the same mentions;
- the gate: the layer may be switched on only if its cross-validated macro-F1 beats the
  rules' by more than MARGIN;
- the held-out part: the layer trained on the whole training part, against the rules.
  It is on by default only if it also wins there by more than MARGIN (`DEFAULT_ON`).

Features of a mention (strings, one-hot, plus two numbers), from the rules' own reading
of the text (`insights.stance.segment`, the analysis): words and bigrams of the mention's
clause (its name is `<T>`, another institution's `<O>`), words of the rest of its sentence
(but not of clauses naming another institution),
words in a negation scope, the rules' stance, act and irony for that mention, and its
score (clipped to +-3), whether the sentence is a question, how many institutions the
sentence names. Model: logistic regression (L2, C=1, classes balanced: the score is
macro-F1) over a DictVectorizer; `--svm` uses a linear SVM instead.

Macro-F1 averages the stances present in the gold labels (as `insights.evaluate`); with
6 positive mentions in 476 the positive class weighs a third of it on a handful of cases,
so the two-class figure (negative / neutral only) is given beside it.
"""
import json
import random
import warnings
from pathlib import Path

from .evaluate import accuracy, confusion, macro_f1
from .stance import segment
from .supervised import NEG_SCOPE, NEGATORS, _clause_words, _keep
from .tokenize import tokens_with_spans

STANCES = ("negative", "neutral", "positive")
MARGIN = 0.02
SEED = 16
FOLDS = 5
HELDOUT_SHARE = 0.3
LEX_CLIP = 3.0
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "discourse"
# Measured (docs/insights.md): the layer did not beat the rules on the held-out part.
DEFAULT_ON = False

__all__ = ["DEFAULT_ON", "MARGIN", "heldout_by_round", "heldout_texts", "load", "mention_features", "report",
           "text_rounds"]


def heldout_texts(text_ids, share=HELDOUT_SHARE, seed=SEED):
    """The text ids of the held-out part: `share` of the sorted ids after a seeded shuffle."""
    order = sorted(set(text_ids))
    random.Random(seed).shuffle(order)
    return set(order[:round(share * len(order))])


# real_texts.jsonl grows by rounds appended at its end; each round's texts get their own
# 30 % held out (heldout_texts over that round's ids only), so appending texts never moves
# an earlier text from one part to the other. ROUNDS: how many lines the file had when each
# later round was appended (287 texts were split before round three, 337 before round four).
ROUNDS = (287, 337)


def text_rounds(texts=FIXTURES / "real_texts.jsonl", rounds=ROUNDS):
    """The text ids of real_texts.jsonl, one list per round, in file order."""
    with open(texts, encoding="utf-8") as fh:
        ids = [json.loads(line)["id"] for line in fh if line.strip()]
    bounds = [0, *(r for r in rounds if r < len(ids)), len(ids)]
    return [ids[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def heldout_by_round(rounds, labelled=None):
    """The held-out text ids: heldout_texts within each round (restricted to `labelled`
    ids when given: only texts with labelled mentions take part in a split)."""
    held = set()
    for ids in rounds:
        held |= heldout_texts(i for i in ids if labelled is None or i in labelled)
    return held


def load(mentions=FIXTURES / "real_mentions.jsonl", texts=FIXTURES / "real_texts.jsonl"):
    """The labelled mentions, each with its `text`."""
    by_id = {}
    with open(texts, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                by_id[row["id"]] = row["text"]
    with open(mentions, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    for row in rows:
        row["text"] = by_id[row["text_id"]]
    return rows


def _analyzer(analyzer):
    if analyzer is None:
        from .pipeline import Analyzer

        analyzer = Analyzer()
    return analyzer


class _Reading:
    """The rules' reading of one text, shared by its mentions."""

    def __init__(self, text, analyzer):
        self.toks, self.spans = tokens_with_spans(text)
        self.found = analyzer.gazetteer.find(self.toks, self.spans, text)
        self.mention_at = [-1] * len(self.toks)
        for m, (s, e, _) in enumerate(self.found):
            for j in range(s, e):
                self.mention_at[j] = m
        self.clauses = segment(self.toks, self.mention_at)
        self.analysis = analyzer.analyze(text)

    def mention_index(self, start, institution):
        """Index of the rules' mention at that character offset (else the first mention of
        that institution; None when the detector does not find it)."""
        same_code = [i for i, m in enumerate(self.analysis.mentions) if m.code == institution]
        exact = [i for i in same_code if self.analysis.mentions[i].start == start]
        return (exact or same_code or [None])[0]


def _features(reading, index, institution):
    feats = {}
    if index is None:
        feats["rule=absent"] = 1.0
        return feats
    mention = reading.analysis.mentions[index]
    feats["rule=" + mention.stance] = 1.0
    feats["act=" + mention.act] = 1.0
    feats["rule_act=" + mention.stance + "_" + mention.act] = 1.0
    if mention.irony:
        feats["irony"] = 1.0
    feats["rule_score"] = max(-LEX_CLIP, min(LEX_CLIP, float(mention.score)))
    toks, found, mention_at = reading.toks, reading.found, reading.mention_at
    first_token = found[index][0]
    own = next((c for c in reading.clauses if c[0] <= first_token < c[1]), None)
    if own is None:
        return feats
    a, b, sentence = own[0], own[1], own[2]
    words = _clause_words(toks, a, b, mention_at, found, institution)
    for w in words:
        feats["c:" + w] = 1.0
    for w1, w2 in zip(words, words[1:]):
        feats["c:" + w1 + "_" + w2] = 1.0
    same_sentence = [c for c in reading.clauses if c[2] == sentence]
    codes = set()
    for c in same_sentence:
        named = {found[mention_at[j]][2] for j in range(c[0], c[1]) if mention_at[j] >= 0}
        codes |= named
        if c is own or (named and institution not in named):
            continue  # a clause naming another institution speaks of that one
        for w in _clause_words(toks, c[0], c[1], mention_at, found, institution):
            feats["s:" + w] = 1.0
    feats["n_codes_in_sentence"] = float(len(codes))
    last = same_sentence[-1][1] - 1 if same_sentence else b - 1
    while last > a and not _keep(toks[last]) and toks[last] not in ("?", "!", "."):
        last -= 1
    if "?" in toks[last]:
        feats["question"] = 1.0
    for j in range(a, b):
        if toks[j] in NEGATORS and mention_at[j] < 0:
            for t in toks[j + 1:min(b, j + 1 + NEG_SCOPE)]:
                if _keep(t) and t not in NEGATORS:
                    feats["neg:" + t] = 1.0
    return feats


def mention_features(rows, analyzer=None):
    """[(features dict, the rules' stance)] for rows {text, start, institution}; texts are
    read once each."""
    analyzer = _analyzer(analyzer)
    readings = {}
    out = []
    for row in rows:
        reading = readings.get(row["text"])
        if reading is None:
            reading = readings[row["text"]] = _Reading(row["text"], analyzer)
        index = reading.mention_index(row["start"], row["institution"])
        rule = reading.analysis.mentions[index].stance if index is not None else "neutral"
        out.append((_features(reading, index, row["institution"]), rule))
    return out


def _model(kind="logistic"):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    if kind == "svm":
        classifier = LinearSVC(C=0.1, class_weight="balanced", max_iter=20000, random_state=SEED)
    else:
        classifier = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000)
    # dense: a few hundred mentions, and LinearSVC refuses the 64-bit sparse indices DictVectorizer gives
    return make_pipeline(DictVectorizer(sparse=False), classifier)


def _scores(gold, pred):
    two = [(g, p) for g, p in zip(gold, pred) if g in ("negative", "neutral")]
    return {"n": len(gold), "macro_f1": round(macro_f1(gold, pred), 4),
            "macro_f1_negative_neutral": round(macro_f1([g for g, _ in two], [p for _, p in two],
                                                        ["negative", "neutral"]), 4),
            "accuracy": round(accuracy(gold, pred), 4), "confusion": confusion(gold, pred, list(STANCES))}


def _kappas(rows):
    from .agreement import kappa_details

    out = {}
    for field in ("stance", "act"):
        pairs = [(r[field], r[field + "_2"]) for r in rows if r.get(field + "_2")]
        details = kappa_details(pairs)
        out[field] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in details.items()}
    return out


def cross_validate(rows, feats, kind="logistic", folds=FOLDS, seed=SEED):
    """Pooled out-of-fold predictions of the layer over `rows` (grouped by text)."""
    from sklearn.model_selection import StratifiedGroupKFold

    gold = [r["stance"] for r in rows]
    groups = [r["text_id"] for r in rows]
    X = [f for f, _ in feats]
    pred = [None] * len(rows)
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():  # "least populated class has only 2 members": the positives, known
        warnings.simplefilter("ignore", UserWarning)
        splits = list(splitter.split(X, gold, groups))
    for train_idx, test_idx in splits:
        assert not {groups[i] for i in train_idx} & {groups[i] for i in test_idx}
        model = _model(kind).fit([X[i] for i in train_idx], [gold[i] for i in train_idx])
        for i, p in zip(test_idx, model.predict([X[i] for i in test_idx])):
            pred[i] = str(p)
    return pred


def _extra_heldout_a(analyzer):
    """heldout_a (odd ids of heldout.jsonl, read while writing rules; never heldout_b):
    one training row per mention, labelled with the text's stance for its institution."""
    from .evaluate import read_jsonl, split_halves

    odd, _even = split_halves(read_jsonl(FIXTURES / "heldout.jsonl"))
    rows = []
    for doc in odd:
        gold = {t["institution"]: t["polarity"] for t in doc.get("targets", [])}
        for m in analyzer.analyze(doc["text"]).mentions:
            if m.code in gold:
                rows.append({"text": doc["text"], "text_id": "heldout-" + doc["id"], "start": m.start,
                             "institution": m.code, "stance": gold[m.code]})
    return rows


def report(rows=None, analyzer=None, kind="logistic", with_heldout_a=False):
    """Everything of the module docstring, as a JSON-ready dict."""
    analyzer = _analyzer(analyzer)
    rows = load() if rows is None else rows
    true = [r for r in rows if r["stance"] in STANCES]
    train = [r for r in true if r["part"] == "train"]
    test = [r for r in true if r["part"] == "heldout"]
    assert not {r["text_id"] for r in train} & {r["text_id"] for r in test}
    out = {"n_mentions": len(rows), "n_texts": len({r["text_id"] for r in rows}),
           "not_institution": sum(r["stance"] == "not_institution" for r in rows),
           "counts": {part: {s: sum(r["stance"] == s for r in rows if r["part"] == part)
                             for s in (*STANCES, "not_institution")} for part in ("train", "heldout")},
           "kappa": _kappas(rows), "model": kind, "margin": MARGIN, "folds": FOLDS, "seed": SEED}

    train_feats = mention_features(train, analyzer)
    extra = _extra_heldout_a(analyzer) if with_heldout_a else []
    gold = [r["stance"] for r in train]
    rules = [rule for _, rule in train_feats]
    if extra:  # extra rows only ever train: each fold is scored on real mentions only
        extra_feats = mention_features(extra, analyzer)
        pooled = cross_validate(train + extra, train_feats + extra_feats, kind)[:len(train)]
    else:
        pooled = cross_validate(train, train_feats, kind)
    out["with_heldout_a"] = bool(extra)
    out["n_extra_training_rows"] = len(extra)
    out["cv"] = {"rules": _scores(gold, rules), "supervised": _scores(gold, pooled)}
    cv_gain = out["cv"]["supervised"]["macro_f1"] - out["cv"]["rules"]["macro_f1"]
    out["gate_passed"] = cv_gain > MARGIN
    out["cv_difference"] = round(cv_gain, 4)

    model = _model(kind).fit([f for f, _ in train_feats] + [f for f, _ in (extra_feats if extra else [])],
                             gold + [r["stance"] for r in extra])
    test_feats = mention_features(test, analyzer)
    test_gold = [r["stance"] for r in test]
    layer = [str(p) for p in model.predict([f for f, _ in test_feats])]
    out["heldout"] = {"rules": _scores(test_gold, [rule for _, rule in test_feats]),
                      "supervised": _scores(test_gold, layer)}
    gain = out["heldout"]["supervised"]["macro_f1"] - out["heldout"]["rules"]["macro_f1"]
    out["heldout_difference"] = round(gain, 4)
    out["wins_heldout"] = out["gate_passed"] and gain > MARGIN
    out["default_on"] = DEFAULT_ON
    return out


def summary(rep):
    lines = [f"{rep['n_mentions']} labelled mentions in {rep['n_texts']} real texts "
             f"({rep['not_institution']} not an institution); kappa stance "
             f"{rep['kappa']['stance']['kappa']} (n={rep['kappa']['stance']['n']}), act {rep['kappa']['act']['kappa']}",
             f"model {rep['model']}" + (f", + {rep['n_extra_training_rows']} heldout_a rows in training"
                                        if rep["with_heldout_a"] else "")]
    for part in ("cv", "heldout"):
        for who in ("rules", "supervised"):
            s = rep[part][who]
            lines.append(f"{part:8} {who:10} n={s['n']:3d} macro-F1 {s['macro_f1']:.3f} "
                         f"(neg/neutral {s['macro_f1_negative_neutral']:.3f}) accuracy {s['accuracy']:.3f}")
    lines.append(f"gate (CV gain {rep['cv_difference']:+.3f} > {rep['margin']}): {rep['gate_passed']}; "
                 f"held-out gain {rep['heldout_difference']:+.3f}: wins {rep['wins_heldout']}; "
                 f"on by default: {rep['default_on']}")
    return "\n".join(lines)
