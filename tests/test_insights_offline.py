"""The pipeline needs no NLTK data and no network: run it in a fresh interpreter whose
NLTK_DATA points at an empty folder and where any NLTK data lookup or download fails."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import json, sys
import nltk, nltk.data

def forbidden(*args, **kwargs):
    raise AssertionError(f"NLTK data was requested: {args!r}")

nltk.data.path[:] = [p for p in nltk.data.path if p == sys.argv[1]]
nltk.data.find = nltk.data.load = nltk.download = forbidden

from insights import Analyzer
from insights.tokenize import sentences, tokenize
a = Analyzer().analyze("La préfecture répond jamais. Heureusement l'assistante sociale est top !")
print(json.dumps({
    "targets": a.targets, "tone": a.tone,
    "tokens": tokenize("l'école n'a qu'un prof"),
    "sentences": sentences("Un. Deux ! Trois"),
    "nltk_data": nltk.data.path,
}))
"""


def test_runs_with_empty_nltk_data(tmp_path):
    empty = tmp_path / "nltk_data"
    empty.mkdir()
    env = dict(os.environ, NLTK_DATA=str(empty), HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(empty)], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert set(result["nltk_data"]) == {str(empty)}  # only the empty folder is searched
    assert result["targets"] == {"prefecture": "negative", "departement": "positive"}
    assert result["tokens"] == ["l'", "ecole", "n'", "a", "qu'", "un", "prof"]
    assert result["sentences"] == ["Un.", "Deux !", "Trois"]
    assert list(empty.iterdir()) == []
