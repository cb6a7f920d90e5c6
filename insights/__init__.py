"""Discourse about institutions: who residents talk about, and how.

Pipeline over one resident text (free-text survey answer, idea, comment), plain Python,
no Flask, no network, no NLTK data download (works with NLTK_DATA pointing at an empty
folder):

    text ──tokenize──> tokens ──gazetteer──> mentions ──stance──> Analysis
                                              (code, span)        .mentions  (per place named)
                                                                  .by_code   (per institution)
                                                                  .tone      (whole text)

- `insights.tokenize`: NLTK `RegexpTokenizer` with a French elision pattern; case and
  accent folding that keeps character offsets (residents drop accents); SMS spellings
  ("pk", "tjrs") expanded; the cp1252 \\x92 apostrophe of old exports unified.
- `insights.gazetteer`: aliases of the twelve institution codes of
  shared/data/discourse/FORMAT.md, as data (`insights/data/gazetteer_fr.json`), longest
  match, exclusions ("école de la vie"), one-typo tolerance for long names, and
  `Gazetteer.with_aliases({code: [names]})` for a territory's own names (its bailleur...).
- `insights.lexicon`: polarity lexicon in layers: Pattern's fr-sentiment.xml (PDDL) and
  the French VADER lexicon data (MIT), vendored with their notices; our overrides
  (targets and neutral topic words unscored) and our domain lexicon of residents'
  complaint and praise vocabulary.
- `insights.stance`: clause segmentation, French negation (shift, not flip), intensifiers,
  waiting times, wishes, irony flag, attribution of each clause to the institution it is
  about, stance per institution and document tone.
- `insights.pipeline`: `Analyzer(gazetteer=None, lexicon=None).analyze(text) -> Analysis`,
  and `explain(text)` (per-clause trace).
- `insights.evaluate`: `evaluate_file(path) -> dict`, the report printed by
  `flask --app wsgi insights evaluate PATH.jsonl --json` (also `python -m insights
  evaluate PATH.jsonl`).

Quick use:

    >>> from insights import Analyzer
    >>> a = Analyzer().analyze("La CAF répond jamais, par contre le centre social est au top")
    >>> a.targets, a.tone
    ({'caf': 'negative', 'centre_social': 'positive'}, 'mixed')

Methods, figures, limits: docs/insights.md.
"""
from .gazetteer import CODES, Gazetteer, build_gazetteer
from .pipeline import Analysis, Analyzer, Mention, Target, analyze, explain

__all__ = [
    "CODES",
    "Analysis",
    "Analyzer",
    "Gazetteer",
    "Mention",
    "Target",
    "analyze",
    "build_gazetteer",
    "evaluate_file",
    "explain",
]


def evaluate_file(path, analyzer=None):
    """See `insights.evaluate.evaluate_file` (imported lazily)."""
    from .evaluate import evaluate_file as _evaluate_file

    return _evaluate_file(path, analyzer)
