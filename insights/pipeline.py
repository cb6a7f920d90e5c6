"""The pipeline over one resident text: tokens -> institutions -> stance -> tone.

    from insights.pipeline import Analyzer
    a = Analyzer().analyze("La CAF répond jamais, par contre le centre social est au top")
    a.tone                      # 'mixed'
    a.targets                   # {'caf': 'negative', 'centre_social': 'positive'}
    a.mentions[0]               # Mention(code='caf', stance='negative', ...)

`Analyzer(gazetteer=None, lexicon=None)`: pass `build_gazetteer({code: [names]})` for a
territory's own names. An Analyzer is immutable after construction and can be shared
between threads; construct one per territory and reuse it (construction parses the
lexicons once, analysis is a few hundred microseconds).
"""
from .gazetteer import Gazetteer
from .lexicon import default_lexicon
from .stance import LONG_TEXT_TOKENS, analyse_tokens, stance_label, tone_label
from .tokenize import is_sentence_end, tokens_with_spans


class Mention:
    """One place where an institution is named."""

    FIELDS = ("code", "start", "end", "surface", "sentence", "stance", "score", "irony", "act")
    __slots__ = FIELDS

    def __init__(self, code, start, end, surface, sentence, stance, score, irony, act="information"):
        self.code = code
        self.start = start          # character offsets into the original text
        self.end = end
        self.surface = surface      # the text as written ("Tours Habitat", "la CAF")
        self.sentence = sentence    # index of the sentence (0-based)
        self.stance = stance        # stance of the clauses attributed to THIS mention
        self.score = score
        self.irony = irony
        # what the sentence does: judgement / request / question / information (insights.acts)
        self.act = act

    def as_dict(self):
        d = {k: getattr(self, k) for k in self.FIELDS}
        d["score"] = round(d["score"], 3)
        return d

    def __repr__(self):
        return (f"Mention(code={self.code!r}, stance={self.stance!r}, act={self.act!r}, score={self.score:.2f}, "
                f"span=({self.start}, {self.end}), surface={self.surface!r}, irony={self.irony})")


class Target:
    """Stance towards one institution over the whole text (all its mentions)."""

    FIELDS = ("code", "stance", "score", "irony", "n_mentions")
    __slots__ = FIELDS

    def __init__(self, code, stance, score, irony, n_mentions):
        self.code = code
        self.stance = stance
        self.score = score
        self.irony = irony
        self.n_mentions = n_mentions

    def as_dict(self):
        d = {k: getattr(self, k) for k in self.FIELDS}
        d["score"] = round(d["score"], 3)
        return d

    def __repr__(self):
        return f"Target({self.code!r}, {self.stance!r}, score={self.score:.2f}, irony={self.irony})"


class Analysis:
    """Result for one text: `mentions`, `targets` (per institution), `tone`, `irony`."""

    __slots__ = ("by_code", "irony", "mentions", "negative", "positive", "text", "tone")

    def __init__(self, text, mentions, by_code, tone, positive, negative):
        self.text = text
        self.mentions = mentions
        self.by_code = by_code          # {code: Target}, in order of first mention
        self.tone = tone                # negative / neutral / positive / mixed
        self.positive = positive        # positive and negative evidence mass
        self.negative = negative
        self.irony = any(t.irony for t in by_code.values())

    @property
    def targets(self):
        """{code: stance} in order of first mention."""
        return {code: t.stance for code, t in self.by_code.items()}

    def as_dict(self):
        return {
            "tone": self.tone,
            "irony": self.irony,
            "targets": [{"institution": c, "polarity": t.stance, "score": round(t.score, 3),
                         "irony": t.irony} for c, t in self.by_code.items()],
            "mentions": [m.as_dict() for m in self.mentions],
        }

    def __repr__(self):
        return f"Analysis(tone={self.tone!r}, targets={self.targets!r}, irony={self.irony})"


class Analyzer:
    def __init__(self, gazetteer=None, lexicon=None):
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.default()
        self.lexicon = lexicon if lexicon is not None else default_lexicon()

    def analyze(self, text):
        if text is None:
            text = ""
        if not isinstance(text, str):
            text = str(text)
        toks, spans = tokens_with_spans(text)
        found = self.gazetteer.find(toks, spans, text)
        sides = []  # contrasts with praise on one side and blame on the other
        per_mention, per_code, pos_mass, neg_mass = analyse_tokens(toks, found, self.lexicon, sides=sides)

        mentions = []
        long_text = len(toks) > LONG_TEXT_TOKENS
        if found:
            # sentence index of each token, computed only when there are mentions
            sent = 0
            sent_at = []
            content = False
            for t in toks:
                sent_at.append(sent)
                if is_sentence_end(t):
                    if content:
                        sent += 1
                        content = False
                else:
                    content = True
            for (s, e, code), (score, irony, act) in zip(found, per_mention):
                cs, ce = spans[s][0], spans[e - 1][1]
                mentions.append(Mention(code, cs, ce, text[cs:ce], sent_at[s],
                                        stance_label(score, long_text), score, irony, act))
        by_code = {}
        for m in mentions:
            if m.code not in by_code:
                score, irony = per_code[m.code]
                n = sum(1 for x in mentions if x.code == m.code)
                by_code[m.code] = Target(m.code, stance_label(score, long_text), score, irony, n)
        tone = tone_label(pos_mass, neg_mass, [t.stance for t in by_code.values()], bool(sides))
        return Analysis(text, mentions, by_code, tone, pos_mass, neg_mass)

    __call__ = analyze

    def analyze_many(self, texts):
        return [self.analyze(t) for t in texts]


_DEFAULT = None


def analyze(text):
    """Analyse with the default gazetteer and lexicon (shared Analyzer)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Analyzer()
    return _DEFAULT.analyze(text)


def explain(text, analyzer=None):
    """Per-clause trace (clause text, polarity items, to whom they were attributed):
    for debugging rules and for showing an admin why a text was classified as it was."""
    from .stance import analyse_tokens as _analyse

    analyzer = analyzer or Analyzer()
    toks, spans = tokens_with_spans(text or "")
    found = analyzer.gazetteer.find(toks, spans, text or "")
    trace = []
    _analyse(toks, found, analyzer.lexicon, trace=trace)
    return trace
