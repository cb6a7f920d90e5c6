"""Score a scrubber on a labelled set (format of shared/data/privacy/pii_dev.jsonl).

The rule is the one in shared/data/privacy/README.md: a span is found when the scrubbed
text contains neither the value nor any word of the value of 3+ characters, civility words
and street types aside; the keep rate counts the `keep` strings still present verbatim.
"""
import json
import re
import time
from collections import defaultdict

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Words that say what a span is rather than who: they may stay ("Mme [nom]", "rue ...").
IGNORED_WORDS = frozenset({
    "monsieur", "madame", "mademoiselle", "mme", "mmes", "mlle", "melle", "docteur",
    "rue", "avenue", "allée", "allee", "place", "boulevard", "impasse", "chemin", "route",
    "cours", "quai", "square", "passage", "résidence", "residence", "cité", "cite",
})


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def span_found(value, scrubbed):
    if value in scrubbed:
        return False
    present = set(_WORD.findall(scrubbed))
    return not any(len(w) >= 3 and w.casefold() not in IGNORED_WORDS and w in present
                   for w in _WORD.findall(value))


def left_elsewhere(value, text, scrubbed):
    """True for a miss of the scoring rule where the span itself is gone and every word of
    it still in the scrubbed text is one the original text also holds outside the span
    ("chimio pour un cancer du poumon" replaced, the "pour" of "personne pour l'emmener"
    left): a span the scrubber replaced whole, counted missed by the rule. Diagnostic only:
    the scores keep the rule."""
    if value in scrubbed or value not in text:
        return False
    outside = _WORD.findall(text.replace(value, " ", 1))
    left = _WORD.findall(scrubbed)
    return all(left.count(w) <= outside.count(w) for w in set(_WORD.findall(value))
               if len(w) >= 3 and w.casefold() not in IGNORED_WORDS and w in left)


def evaluate(rows, scrub_many):
    """Scores of ``scrub_many`` (a list of texts -> list of scrubbed texts) on ``rows``."""
    started = time.perf_counter()
    scrubbed = scrub_many([row["text"] for row in rows])
    elapsed = time.perf_counter() - started
    found, total = defaultdict(int), defaultdict(int)
    kept = keep_total = 0
    misses = []
    for row, out in zip(rows, scrubbed):
        for span in row.get("pii", []):
            total[span["type"]] += 1
            if span_found(span["value"], out):
                found[span["type"]] += 1
            else:
                misses.append({"id": row.get("id"), "type": span["type"], "value": span["value"],
                               "scrubbed": out, "left_elsewhere": left_elsewhere(span["value"], row["text"], out)})
        for keep in row.get("keep", []):
            keep_total += 1
            if keep in out:
                kept += 1
            else:
                misses.append({"id": row.get("id"), "type": "KEEP", "value": keep, "scrubbed": out})
    all_found, all_total = sum(found.values()), sum(total.values())
    return {
        "n": len(rows),
        "recall": round(all_found / all_total, 4) if all_total else 1.0,
        "keep_rate": round(kept / keep_total, 4) if keep_total else 1.0,
        "by_type": {t: {"found": found[t], "total": total[t], "recall": round(found[t] / total[t], 4)}
                    for t in sorted(total)},
        "texts_per_second": round(len(rows) / elapsed, 1) if elapsed else None,
    }, misses
