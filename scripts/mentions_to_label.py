#!/usr/bin/env python
"""Build the unlabelled mention set of issue 16 (item 4) from the real texts.

    python scripts/mentions_to_label.py [--texts tests/fixtures/discourse/real_texts.jsonl]
                                        [--out ../labels] [--new-only] [--round N]

Reads `real_texts.jsonl` (one real citizen text a line: id, source, text), runs the
project's detector (`insights.Analyzer().analyze(text).mentions`: institution code, span,
surface) and writes, in --out:

- `mentions_to_label.jsonl`: one line per mention: mid, text_id, start, end, surface,
  institution (the detector's code) and context (the sentence(s) around the mention,
  300-500 characters, the mention marked `[[like this]]`). No stance prediction of the
  rules is written: annotators must not see it.
- `overlap_mids.json`: a fixed random fifth of the mids (seed 16), labelled by both
  annotators, for Cohen's kappa.
- `part_A.jsonl` / `part_B.jsonl`: all mentions split in two halves (seed 16), one per
  annotator; each annotator also labels the overlap mids of the other half.

With `--new-only`, only the texts that have no labelled mention yet in
`real_mentions.jsonl` (a round of texts appended to real_texts.jsonl) are read: the
mention set, the overlap fifth and the halves are drawn over their mentions only, so the
labels already made stay as they are, and `parts.json` gives each new text its part
(`heldout` for 30 % of the new texts, seeded shuffle, seed 16, over the new ids only:
`insights.mention_layer.heldout_texts`), to copy into real_mentions.jsonl with the labels.

With `--round N`, only the texts of round N are read (3 = the first round appended after
the 287 texts of rounds one and two, which were split together; 4 = the next one; the
round boundaries are `insights.mention_layer.ROUNDS`). `--new-only --round 4` is the set
of round four alone even while round three still waits for its labels: the two rounds
are never drawn together, so each keeps its own overlap fifth, halves and parts.

It lives in scripts/ (a one-off data tool, like scripts/lock), not in bench/ (speed
measurements only) nor in insights/ (nothing here runs in the app). The same functions
are imported by tests/test_real_texts.py, so the file the annotators receive and the
checks on it cannot drift apart.
"""
import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from insights.pipeline import Analyzer  # noqa: E402

TEXTS = ROOT / "tests" / "fixtures" / "discourse" / "real_texts.jsonl"
LABELLED = ROOT / "tests" / "fixtures" / "discourse" / "real_mentions.jsonl"
SEED = 16
CONTEXT_MIN, CONTEXT_MAX = 300, 500
# A sentence ends after . ! ? … or a line break (what residents type between ideas).
_SENT_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def read_texts(path=TEXTS):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def sentence_spans(text):
    """(start, end) of each sentence, offsets into `text`."""
    spans, start = [], 0
    for m in _SENT_END.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _word_cut(text, a, b, start, end):
    """Shrink [a, b) to at most CONTEXT_MAX characters around [start, end), at spaces."""
    if b - a <= CONTEXT_MAX:
        return a, b
    room = CONTEXT_MAX - (end - start)
    a2 = max(a, start - room // 2)
    b2 = min(b, a2 + CONTEXT_MAX)
    a2 = max(a, b2 - CONTEXT_MAX)
    if a2 > a:
        sp = text.find(" ", a2, start)
        a2 = sp + 1 if sp != -1 else a2
    if b2 < b:
        sp = text.rfind(" ", end, b2)
        b2 = sp if sp != -1 else b2
    return a2, b2


def context(text, start, end):
    """The sentence holding the mention, widened by whole neighbouring sentences to about
    CONTEXT_MIN characters (never past CONTEXT_MAX), the mention marked [[...]]."""
    spans = sentence_spans(text)
    i = next((k for k, (a, b) in enumerate(spans) if a <= start < b), 0)
    j = i
    a, b = spans[i] if spans else (0, len(text))
    while b - a < CONTEXT_MIN:
        grown = False
        if j + 1 < len(spans) and spans[j + 1][1] - a <= CONTEXT_MAX:
            j += 1
            b = spans[j][1]
            grown = True
        if b - a < CONTEXT_MIN and i > 0 and b - spans[i - 1][0] <= CONTEXT_MAX:
            i -= 1
            a = spans[i][0]
            grown = True
        if not grown:
            break
    a, b = _word_cut(text, a, b, start, end)
    before = ("… " if a > 0 else "") + text[a:start]
    after = text[end:b] + (" …" if b < len(text) else "")
    # for reading only (offsets stay on `text`): some exports hold the cp1252 byte \x92
    # for an apostrophe, which shows as nothing on screen
    return " ".join(f"{before}[[{text[start:end]}]]{after}".split()).replace("\x92", "\u2019")


def mention_records(texts, analyzer=None):
    analyzer = analyzer or Analyzer()
    out = []
    for t in texts:
        for m in analyzer.analyze(t["text"]).mentions:
            out.append({
                "mid": f"{t['id']}@{m.start}",
                "text_id": t["id"],
                "start": m.start,
                "end": m.end,
                "surface": m.surface,
                "institution": m.code,
                "context": context(t["text"], m.start, m.end),
            })
    return out


def overlap_mids(records, seed=SEED):
    """A fixed random fifth of the mentions, for the second (overlap) labelling pass."""
    mids = sorted(r["mid"] for r in records)
    return sorted(random.Random(seed).sample(mids, round(len(mids) / 5)))


def split_parts(records, seed=SEED):
    """All mentions in two halves of equal size (±1), by a seeded shuffle of the mids."""
    mids = sorted(r["mid"] for r in records)
    random.Random(seed).shuffle(mids)
    half_a = set(mids[: (len(mids) + 1) // 2])
    a = [r for r in records if r["mid"] in half_a]
    b = [r for r in records if r["mid"] not in half_a]
    return a, b


def labelled_text_ids(path=LABELLED):
    """The ids of the texts whose mentions are already labelled."""
    with open(path, encoding="utf-8") as fh:
        return {json.loads(line)["text_id"] for line in fh if line.strip()}


def new_text_parts(texts):
    """{text id: part} for texts not labelled yet: 30 % held out over their ids only."""
    from insights.mention_layer import heldout_texts

    held = heldout_texts(t["id"] for t in texts)
    return {t["id"]: ("heldout" if t["id"] in held else "train") for t in texts}


# Rounds one and two (the first 287 lines) were split together; later rounds are numbered
# from three, in the order of insights.mention_layer.ROUNDS.
FIRST_APPENDED_ROUND = 3


def round_text_ids(n, path=TEXTS, bounds=None):
    """The ids of round `n` of real_texts.jsonl (n >= 3), or None when there is no such round."""
    from insights.mention_layer import ROUNDS, text_rounds

    rounds = text_rounds(path, ROUNDS if bounds is None else bounds)
    index = n - FIRST_APPENDED_ROUND + 1
    if n < FIRST_APPENDED_ROUND or index >= len(rounds):
        return None
    return rounds[index]


def _write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--texts", default=str(TEXTS))
    p.add_argument("--out", default=str(ROOT.parent / "labels"))
    p.add_argument("--new-only", action="store_true",
                   help="only the texts without labelled mentions in real_mentions.jsonl")
    p.add_argument("--round", type=int, metavar="N",
                   help="only the texts of round N (3 = the first round appended after the first 287 texts)")
    p.add_argument("--labelled", default=str(LABELLED), help=argparse.SUPPRESS)
    # round boundaries for tests on small files (default: insights.mention_layer.ROUNDS)
    p.add_argument("--bounds", type=int, nargs="+", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    texts = read_texts(args.texts)
    if args.round is not None:
        wanted = round_text_ids(args.round, args.texts, args.bounds)
        if wanted is None:
            p.error(f"round {args.round}: no such round in {args.texts} "
                    f"(appended rounds are numbered from {FIRST_APPENDED_ROUND})")
        wanted = set(wanted)
        texts = [t for t in texts if t["id"] in wanted]
    if args.new_only:
        done = labelled_text_ids(args.labelled)
        texts = [t for t in texts if t["id"] not in done]
    records = mention_records(texts)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.new_only or args.round is not None:
        (out / "parts.json").write_text(json.dumps(new_text_parts(texts), indent=0, sort_keys=True) + "\n")
    _write_jsonl(out / "mentions_to_label.jsonl", records)
    (out / "overlap_mids.json").write_text(json.dumps(overlap_mids(records), indent=0) + "\n")
    a, b = split_parts(records)
    _write_jsonl(out / "part_A.jsonl", a)
    _write_jsonl(out / "part_B.jsonl", b)
    print(f"{len(records)} mentions -> {out} (A {len(a)}, B {len(b)}, overlap {round(len(records) / 5)})")


if __name__ == "__main__":
    main()
