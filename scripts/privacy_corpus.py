"""Write, as JSON lines {"id", "text"}, every text this project holds that the scrubber
should be tried on: the labelled privacy sets (not the blind ones), the discourse sets, the real consultation
texts, Pol.is comments, rows of the crowdsourced consultation and the bench's generated
comments (seeds 41 and 7).

It answers one question before a change to `voix/privacy/` lands: which stored texts does
the change alter? Run it once, pipe it through `flask --app wsgi privacy scrub` at the old
and the new revision, and read every line that differs:

    python scripts/privacy_corpus.py > /tmp/corpus.jsonl
    VOIX_SECRET_KEY=x flask --app wsgi privacy scrub < /tmp/corpus.jsonl > /tmp/new.jsonl 2>/dev/null

Sources that are missing (``../shared`` beside a fresh clone) are skipped.
"""
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
FIXTURES = ROOT / "tests" / "fixtures"


def _jsonl(path):
    if path.exists():
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield json.loads(line)["text"]


def _csv(path, column, limit=None):
    if path.exists():
        with path.open(encoding="utf-8", newline="") as rows:
            for n, row in enumerate(csv.DictReader(rows)):
                if limit is not None and n >= limit:
                    break
                if row.get(column):
                    yield row[column]


def texts():
    for path in [SHARED / "privacy" / "pii_dev.jsonl", *sorted((FIXTURES / "privacy").glob("*.jsonl")),
                 SHARED / "discourse" / "dev.jsonl", *sorted((FIXTURES / "discourse").glob("*texts.jsonl")),
                 FIXTURES / "discourse" / "heldout.jsonl"]:
        for text in _jsonl(path):
            yield path.stem, text
    for conversation in sorted((SHARED / "polis").glob("*/comments.csv")):
        for text in _csv(conversation, "comment-body"):
            yield "polis", text
    for text in _csv(SHARED / "french_text" / "crowdsource_resultat_analyses.csv", "text", limit=400):
        yield "crowdsource", text
    sys.path.insert(0, str(ROOT / "bench"))
    from scrubber import free_texts

    for seed in (41, 7):
        for text in free_texts(200, seed=seed):
            yield f"bench{seed}", text


if __name__ == "__main__":
    for n, (source, text) in enumerate(texts()):
        print(json.dumps({"id": f"{source}-{n}", "text": text}, ensure_ascii=False))
