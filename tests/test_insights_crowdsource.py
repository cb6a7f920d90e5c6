"""The pipeline over real French citizen text: every row of the crowdsourced consultation
(../shared/data/french_text, ODbL, 787 rows, some with a cp1252 \\x92 apostrophe) is
analysed without error. Skipped when ../shared is absent (fresh clone)."""
import csv
from collections import Counter
from pathlib import Path

import pytest

from insights import CODES, Analyzer

CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "french_text" / "crowdsource_resultat_analyses.csv"


@pytest.mark.skipif(not CSV.exists(), reason=f"{CSV} is absent (a fresh clone has no ../shared/data)")
def test_every_row_is_analysed():
    with open(CSV, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 787
    assert any("\x92" in (r["text"] or "") for r in rows)
    analyzer = Analyzer()
    per_code = Counter()
    tones = Counter()
    for row in rows:
        text = row["text"] or ""
        a = analyzer.analyze(text)
        tones[a.tone] += 1
        for m in a.mentions:
            assert m.code in CODES
            assert text[m.start:m.end] == m.surface and m.surface.strip()
            assert m.stance in ("negative", "neutral", "positive")
        for code, t in a.by_code.items():
            per_code[code] += 1
            assert t.n_mentions >= 1
    assert sum(tones.values()) == 787
    # the consultation is about domestic violence and family benefits: police and CAF
    # are named, and the \x92 apostrophe does not hide "forces de l\x92ordre"
    assert per_code["police"] >= 30 and per_code["caf"] >= 5
    assert analyzer.analyze("les forces de l\x92ordre").targets == {"police": "neutral"}
