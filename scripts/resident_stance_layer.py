"""Would a supervised layer beat the rules on residents' texts? A measure, not a feature.

    python scripts/resident_stance_layer.py [TEST.jsonl ...]

One row per (text, institution) the rules find and the gold labels: the features of each of
its mentions (`insights.mention_layer._features`: words of its clause and sentence,
negation scopes, the rules' act) pooled, with the rules' target stance, score and the text's
tone. Trained on the read resident sets (heldout_a, blind1-5; never dev.jsonl nor
heldout_b), logistic regression with balanced classes as in `insights.mention_layer`.
Prints the rules' and the layer's stance macro-F1 in 5-fold cross-validation grouped by text,
then on each TEST file (a set nobody tuned on). The issue's rule: switch a layer on only if
it wins by more than `mention_layer.MARGIN` (0.02). Session 12: +0.005 in cross-validation,
+0.009 on blind5 and +0.013 on blind6: it stays off (docs/insights.md).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from insights import mention_layer as ml  # noqa: E402
from insights.evaluate import macro_f1, read_jsonl, split_halves  # noqa: E402
from insights.pipeline import Analyzer  # noqa: E402

TRAINING = ["blind1.jsonl", "blind2.jsonl", "blind3.jsonl", "blind4.jsonl", "blind5.jsonl"]


def target_rows(docs, tag, analyzer):
    """(features, gold, rules' stance, text id) for each gold target the rules find."""
    rows = []
    for doc in docs:
        gold = {t["institution"]: t["polarity"] for t in doc.get("targets", [])}
        reading = ml._Reading(doc["text"], analyzer)
        for code, target in reading.analysis.by_code.items():
            if code not in gold:
                continue
            feats = {}
            for i, mention in enumerate(reading.analysis.mentions):
                if mention.code == code:
                    feats.update((k, v) for k, v in ml._features(reading, i, code).items()
                                 if not k.startswith(("rule=", "rule_act=", "rule_score")))
            feats["t_rule=" + target.stance] = 1.0
            feats["t_score"] = max(-ml.LEX_CLIP, min(ml.LEX_CLIP, target.score))
            feats["tone=" + reading.analysis.tone] = 1.0
            rows.append((feats, gold[code], target.stance, tag + doc["id"]))
    return rows


def main(tests):
    from sklearn.model_selection import StratifiedGroupKFold

    analyzer = Analyzer()
    heldout_a, _heldout_b = split_halves(read_jsonl(ml.FIXTURES / "heldout.jsonl"))
    rows = target_rows(heldout_a, "a", analyzer)
    for name in TRAINING:
        rows += target_rows(read_jsonl(ml.FIXTURES / name), name, analyzer)
    X, y, rules, groups = (list(col) for col in zip(*rows))
    pred = [None] * len(y)
    for train, test in StratifiedGroupKFold(ml.FOLDS, shuffle=True, random_state=ml.SEED).split(X, y, groups):
        model = ml._model().fit([X[i] for i in train], [y[i] for i in train])
        for i, p in zip(test, model.predict([X[i] for i in test])):
            pred[i] = str(p)
    print(f"training sets, {len(y)} targets, 5-fold by text: rules {macro_f1(y, rules):.3f}, "
          f"layer {macro_f1(y, pred):.3f}")
    model = ml._model().fit(X, y)
    for path in tests:
        test_rows = target_rows(read_jsonl(path), "t", analyzer)
        Xt, yt, rt, _ = (list(col) for col in zip(*test_rows))
        layer = [str(p) for p in model.predict(Xt)]
        print(f"{Path(path).name}, {len(yt)} targets: rules {macro_f1(yt, rt):.3f}, layer {macro_f1(yt, layer):.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
