"""What the analysis stored for each resident text (the thin database side of insights/)."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from voix.extensions import db
from voix.models import created_at_column

ANALYZER_VERSION = 8  # 2: mentions carry their act (issue 16); 3: more request markers (real proposals); 4: stance rules for real text (session 8); 5: rules from blind resident texts (session 11); 6: blind4 kinds (session 12: notices, before/now, passing the buck, reservations after thanks, mixed tone across a contrast); 7: blind3 kinds (session 12, blind3 read: negation scope in spoken French, costs up and aid down, ironic thanks for what was missing, questions about opening, lists of needs, "enfin" in a wish, school types and "le facteur de notre rue" as names); 8: blind5 kinds (session 12, blind5 read: "la ville" as the mairie when it acts or is addressed, local "élus", bins and bin lorries as the Métropole, durations compared or said fast, thanks to "him" never ironic, praise beside what is neglected "pendant que" as sarcasm, the writer's own reading of papers). Raise when the pipeline changes: older analyses are then redone
# The version of an analysis marked to be redone (new institution names, a supervised layer
# switched): kept, and shown, until it is redone in place.
STALE_VERSION = 0


class TextAnalysis(db.Model):
    """The analysis of one resident text: a free-text survey answer, an idea or a comment."""

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # "answer", "idea" or "comment"
    source_id: Mapped[int]
    quartier_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id", ondelete="SET NULL"))
    wave: Mapped[int | None]  # the survey wave number, for answers
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    gender: Mapped[str | None] = mapped_column(String(20))
    age_bracket: Mapped[str | None] = mapped_column(String(20))
    tone: Mapped[str] = mapped_column(String(10))
    # [{"institution": "caf", "stance": "negative", "irony": false}, ...]
    mentions: Mapped[list] = mapped_column(JSON, default=list)
    analyzer_version: Mapped[int] = mapped_column(default=ANALYZER_VERSION)
    analyzed_at: Mapped[datetime] = created_at_column()

    __table_args__ = (UniqueConstraint("source", "source_id"), Index("ix_text_analysis_quartier", "quartier_id", "written_at"))

    def __repr__(self):
        return f"<TextAnalysis {self.source}:{self.source_id} {self.tone}>"


class Correction(db.Model):
    """An evaluator's verdict on one institution mention found by the analysis."""

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("text_analysis.id", ondelete="CASCADE"))
    mention_index: Mapped[int]
    institution: Mapped[str] = mapped_column(String(40))  # what the machine found
    machine_stance: Mapped[str] = mapped_column(String(10))
    # None: the machine was right about the institution; "none": no institution there.
    human_institution: Mapped[str | None] = mapped_column(String(40))
    human_stance: Mapped[str | None] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)  # the passage, already scrubbed, to train on
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()

    __table_args__ = (UniqueConstraint("analysis_id", "mention_index", "evaluator_id"),)

    def __repr__(self):
        return f"<Correction {self.institution} {self.machine_stance}->{self.human_stance}>"


class SupervisedLayer(db.Model):
    """A stance model trained on corrections; used only when an evaluator switches it on."""

    id: Mapped[int] = mapped_column(primary_key=True)
    trained_at: Mapped[datetime] = created_at_column()
    n_corrections: Mapped[int]
    lexicon_macro_f1: Mapped[float | None]
    supervised_macro_f1: Mapped[float | None]
    beats_lexicon: Mapped[bool] = mapped_column(default=False)
    enabled: Mapped[bool] = mapped_column(default=False)
    model: Mapped[dict] = mapped_column(JSON)

    def __repr__(self):
        return f"<SupervisedLayer {self.id} enabled={self.enabled}>"
