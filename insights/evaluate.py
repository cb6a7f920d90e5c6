"""Quality against a gold file in the FORMAT.md format (JSON Lines).

    from insights.evaluate import evaluate_file
    report = evaluate_file("dev.jsonl")      # the dict printed by `flask insights evaluate`

Predictions see only `text` (never `polarity` nor `targets`). Metrics:

- target_detection: micro precision/recall/F1 over (document, institution) pairs.
- target_stance: on the pairs found by both gold and prediction: accuracy, macro-F1 over
  the stance labels present in gold, confusion {gold: {predicted: count}}.
- doc_polarity: accuracy and macro-F1 (labels present in gold) of the document tone.
- by_wave: {institution: {wave: {gold_n, pred_n, gold_negative_share,
  pred_negative_share}}}, wave keys as strings (JSON object keys); a share is null when
  its n is 0.
"""
import json
from pathlib import Path

from .pipeline import Analyzer

STANCES = ("negative", "neutral", "positive")
TONES = ("negative", "neutral", "positive", "mixed")


def read_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc
    return rows


def _prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def macro_f1(gold, pred, labels=None):
    """Macro-F1 over `labels` (default: the labels present in gold)."""
    if labels is None:
        labels = sorted(set(gold))
    if not labels:
        return 0.0
    total = 0.0
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred) if g == lab and p != lab)
        total += _prf(tp, fp, fn)[2]
    return total / len(labels)


def accuracy(gold, pred):
    return sum(1 for g, p in zip(gold, pred) if g == p) / len(gold) if gold else 0.0


def confusion(gold, pred, labels):
    out = {g: {p: 0 for p in labels} for g in labels}
    for g, p in zip(gold, pred):
        out.setdefault(g, {q: 0 for q in labels}).setdefault(p, 0)
        out[g][p] += 1
    return out


def predict(rows, analyzer=None):
    """[(tone, {code: stance})] for each row, from its text only."""
    analyzer = analyzer or Analyzer()
    out = []
    for row in rows:
        a = analyzer.analyze(row.get("text") or "")
        out.append((a.tone, a.targets))
    return out


def evaluate_records(rows, analyzer=None, predictions=None):
    """The evaluation report for gold rows (dicts in the FORMAT.md format)."""
    texts_only = [{"text": r.get("text") or ""} for r in rows]  # labels never reach the model
    preds = predictions if predictions is not None else predict(texts_only, analyzer)

    tp = fp = fn = 0
    st_gold, st_pred = [], []
    tone_gold, tone_pred = [], []
    waves = {}
    for row, (tone, targets) in zip(rows, preds):
        gold_t = {t["institution"]: t["polarity"] for t in row.get("targets", [])}
        for code, gpol in gold_t.items():
            if code in targets:
                tp += 1
                st_gold.append(gpol)
                st_pred.append(targets[code])
            else:
                fn += 1
        fp += sum(1 for code in targets if code not in gold_t)
        if row.get("polarity") is not None:
            tone_gold.append(row["polarity"])
            tone_pred.append(tone)
        wave = str(row.get("wave"))
        for code, pol in gold_t.items():
            w = waves.setdefault(code, {}).setdefault(wave, [0, 0, 0, 0])
            w[0] += 1
            w[2] += pol == "negative"
        for code, pol in targets.items():
            w = waves.setdefault(code, {}).setdefault(wave, [0, 0, 0, 0])
            w[1] += 1
            w[3] += pol == "negative"

    p, r, f = _prf(tp, fp, fn)
    by_wave = {}
    for code, per_wave in sorted(waves.items()):
        by_wave[code] = {}
        for wave in sorted(per_wave, key=lambda w: (len(w), w)):
            gn, pn, gneg, pneg = per_wave[wave]
            by_wave[code][wave] = {
                "gold_n": gn,
                "pred_n": pn,
                "gold_negative_share": round(gneg / gn, 4) if gn else None,
                "pred_negative_share": round(pneg / pn, 4) if pn else None,
            }
    return {
        "n": len(rows),
        "target_detection": {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)},
        "target_stance": {
            "accuracy": round(accuracy(st_gold, st_pred), 4),
            "macro_f1": round(macro_f1(st_gold, st_pred), 4),
            "confusion": confusion(st_gold, st_pred, list(STANCES)),
        },
        "doc_polarity": {
            "accuracy": round(accuracy(tone_gold, tone_pred), 4),
            "macro_f1": round(macro_f1(tone_gold, tone_pred), 4),
        },
        "by_wave": by_wave,
    }


def evaluate_file(path, analyzer=None):
    """Read a gold JSONL file and return the evaluation report (a JSON-ready dict)."""
    return evaluate_records(read_jsonl(Path(path)), analyzer)


def split_halves(rows):
    """Development split by id: half A = odd numeric id, half B = even (see docs/insights.md)."""
    a, b = [], []
    for r in rows:
        digits = "".join(ch for ch in str(r.get("id", "")) if ch.isdigit())
        (a if digits and int(digits) % 2 == 1 else b).append(r)
    return a, b


def evaluate_mentions(labels, texts, analyzer=None):
    """Mention-level quality against hand labels of a real corpus.

    `labels`: dicts {row, start, end, institution, stance} (stance "not_institution" for a
    false detection); `texts`: {row: text}. Returns found (labelled mentions the analyzer
    still finds at the same place), stance accuracy and macro-F1 on the true mentions,
    and how many false detections are still found."""
    analyzer = analyzer or Analyzer()
    by_row = {}
    for lab in labels:
        by_row.setdefault(lab["row"], []).append(lab)
    gold, pred = [], []
    false_found = false_total = missed = 0
    for row, labs in by_row.items():
        got = {(m.start, m.code): m.stance for m in analyzer.analyze(texts[row]).mentions}
        for lab in labs:
            key = (lab["start"], lab["institution"])
            if lab["stance"] == "not_institution":
                false_total += 1
                false_found += key in got
                continue
            if key not in got:
                missed += 1
                continue
            gold.append(lab["stance"])
            pred.append(got[key])
    return {
        "n_labelled": len(labels), "n_true_mentions": len(gold) + missed, "missed": missed,
        "false_detections_still_found": f"{false_found}/{false_total}",
        "stance_accuracy": round(accuracy(gold, pred), 4),
        "stance_macro_f1": round(macro_f1(gold, pred), 4),
        "confusion": confusion(gold, pred, list(STANCES)),
    }
