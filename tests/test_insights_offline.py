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


def test_tokens_are_nltk_regexp_tokenizer_tokens():
    """`tokenize` is NLTK's RegexpTokenizer(TOKEN_PATTERN) without importing NLTK."""
    from nltk.tokenize import RegexpTokenizer

    from insights.tokenize import TOKEN_PATTERN, normalize, tokenize

    nltk_tokenizer = RegexpTokenizer(TOKEN_PATTERN)
    texts = ["l'école n'a qu'un prof", "Jusqu’à 3,5 mois... pour la CAF?! 😡 #RasLeBol",
             "sous-préfecture\nrendez-vous… « top » — mdr", "", "   ", "Ça va ? Non !!!"]
    dev = ROOT.parent / "shared" / "data" / "discourse" / "dev.jsonl"
    if dev.exists():
        texts += [json.loads(line)["text"] for line in dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    for text in texts:
        assert tokenize(text) == nltk_tokenizer.tokenize(normalize(text)), text


def test_analysing_does_not_load_nltk_nor_scikit_learn():
    """`import nltk` loads scikit-learn, scipy and pandas when they are installed (seconds and
    ~120 MiB): a worker that only analyses must not pay for them."""
    script = ("import sys; from insights import Analyzer; Analyzer().analyze('La CAF répond jamais.'); "
              "print(sorted(m for m in ('nltk', 'sklearn', 'scipy', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", script], env=dict(os.environ, PYTHONPATH=str(ROOT)),
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
