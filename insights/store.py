"""Analyse what residents wrote and keep the result: the database adapter of insights/.

`analyze_pending()` finds texts with no analysis (or one by an older analyzer), analyses
them in batches and stores the result; it is idempotent and can stop at any time. The
texts are already free of personal data: they were scrubbed before being stored.

Several workers (`flask insights analyze --every N` on several machines) never analyse a
text twice on PostgreSQL: each claims its batch with SELECT ... FOR NO KEY UPDATE SKIP
LOCKED on the texts' rows and holds the claim until its analyses are committed, so the
others take the next texts. (NO KEY: a support or comment may still point to a claimed
idea meanwhile; only a moderator's edit of it waits for the batch.) SQLite has no row
locks: there, run one worker; a second one would only redo work, its analysis of a text
already stored is dropped (never stored twice). The unique key (source, source_id) of
text_analysis is the last guard on both databases.

An analysis is redone in place (same row, same id): the evaluators' corrections, which
point to it, survive a new analyzer version, a new supervised layer or an institution's
new names. Those only mark the analyses stale (`forget_analyses`, `forget_all_analyses`):
the screens keep showing them until the analysis has read the texts again.
"""
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update

from deliberation.models import Comment, Consultation, Idea, Visibility
from surveys.models import Answer, Question, QuestionType, Response, Wave
from voix.database import begin_write
from voix.extensions import db
from voix.institutions.models import Institution
from voix.models import utcnow
from voix.territories.models import Territory

from .gazetteer import build_gazetteer
from .models import ANALYZER_VERSION, STALE_VERSION, SupervisedLayer, TextAnalysis
from .pipeline import Analyzer
from .supervised import Model

# What residents wrote in their own words. A "several short texts" question (a LimeSurvey
# ';' grid row, a Kobo matrix of texts) holds one text per item: scrubbed item by item when
# stored, like a short text, and analysed as one text, an item per line (answer_text).
FREE_TEXT = (QuestionType.short_text, QuestionType.long_text, QuestionType.multiple_short_text)


def answer_text(value) -> str:
    """The text of a free-text answer: the answer itself, or its items' texts one per line
    (a line break ends a sentence for the analysis, so items never run into each other;
    the items' labels are the questionnaire's words, not the resident's, and stay out)."""
    if isinstance(value, dict):
        return "\n".join(str(item) for item in value.values() if str(item).strip())
    return str(value)


def _not_analysed(source: str, id_column):
    return ~select(TextAnalysis.id).where(
        TextAnalysis.source == source, TextAnalysis.source_id == id_column,
        TextAnalysis.analyzer_version == ANALYZER_VERSION).exists()


def _claim(query, locked_table, lock: bool):
    return query.with_for_update(skip_locked=True, key_share=True, of=locked_table) if lock else query


def _answers_waiting(*columns):
    return (select(*columns).select_from(Answer).join(Response, Response.id == Answer.response_id)
            .join(Wave, Wave.id == Response.wave_id).join(Question, Question.id == Answer.question_id)
            .where(Question.type.in_(FREE_TEXT), _not_analysed("answer", Answer.id)))


def _ideas_waiting(*columns):
    return (select(*columns).select_from(Idea).join(Consultation, Consultation.id == Idea.consultation_id)
            .where(_not_analysed("idea", Idea.id)))


def _comments_waiting(*columns):
    return (select(*columns).select_from(Comment).join(Idea, Idea.id == Comment.idea_id)
            .join(Consultation, Consultation.id == Idea.consultation_id)
            .where(Comment.visibility == Visibility.visible, _not_analysed("comment", Comment.id)))


def _pending_answers(limit, lock=False):
    rows = db.session.execute(_claim(
        _answers_waiting(Answer.id, Answer.value, Response.quartier_id, Wave.territory_id, Wave.number,
                         Response.submitted_at, Response.gender, Response.age_bracket)
        .order_by(Answer.id).limit(limit), Answer, lock))
    for answer_id, text, quartier_id, wave_territory, wave, written_at, gender, age in rows:
        yield "answer", answer_id, answer_text(text), dict(quartier_id=quartier_id or wave_territory, wave=wave,
                                                   written_at=written_at, gender=gender, age_bracket=age)


def idea_text(title: str, body: str) -> str:
    return f"{title}. {body}"


def _pending_ideas(limit, lock=False):
    rows = db.session.execute(_claim(
        _ideas_waiting(Idea.id, Idea.title, Idea.body, Consultation.territory_id, Idea.created_at)
        .order_by(Idea.id).limit(limit), Idea, lock))
    for idea_id, title, body, territory_id, written_at in rows:
        yield "idea", idea_id, idea_text(title, body), dict(quartier_id=territory_id, written_at=written_at)


def _pending_comments(limit, lock=False):
    rows = db.session.execute(_claim(
        _comments_waiting(Comment.id, Comment.body, Consultation.territory_id, Comment.created_at)
        .order_by(Comment.id).limit(limit), Comment, lock))
    for comment_id, body, territory_id, written_at in rows:
        yield "comment", comment_id, body, dict(quartier_id=territory_id, written_at=written_at)


def waiting() -> tuple[int, datetime | None]:
    """(how many texts wait for the analysis, when the oldest of them was written).

    Three COUNT/MIN queries: cheap however many texts wait (the screens ask on every visit)."""
    count, oldest = 0, []
    for statement in (_answers_waiting(func.count(), func.min(Response.submitted_at)),
                      _ideas_waiting(func.count(), func.min(Idea.created_at)),
                      _comments_waiting(func.count(), func.min(Comment.created_at))):
        n, first = db.session.execute(statement).one()
        count += n
        if first is not None:
            oldest.append(first)
    return count, min(oldest, key=_as_utc) if oldest else None


def _as_utc(moment: datetime) -> datetime:
    # SQLite gives naive datetimes (stored in UTC), PostgreSQL aware ones.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def pending_count() -> int:
    return waiting()[0]


def analyze_pending(batch_size=500, analyzer: Analyzer | None = None, on_batch=None) -> int:
    """Analyse every text not yet analysed by this analyzer version; returns how many.

    When an evaluator has switched on a supervised layer, it gives the stances.
    """
    analyzers = _LocalAnalyzers(analyzer)
    layer = db.session.scalar(select(SupervisedLayer).where(SupervisedLayer.enabled.is_(True)))
    model = Model.from_json(layer.model) if layer is not None else None
    done = 0
    for reader in (_pending_answers, _pending_ideas, _pending_comments):
        while True:
            found, batch = _next_batch(reader, batch_size)
            if not found:
                break
            if not batch:  # all of it analysed by another worker a moment ago
                db.session.rollback()
                continue
            _store(batch, analyzers, model)
            done += len(batch)
            if on_batch:
                on_batch(len(batch))
    return done


def _next_batch(reader, batch_size) -> tuple[bool, list]:
    """(whether texts were found, those of them that still need this worker).

    PostgreSQL: the rows returned are locked by this transaction until _store commits. A
    worker that analysed one of them committed before this one got its lock, maybe after
    this query's snapshot: a fresh look at the analyses, under the lock, drops those."""
    if db.engine.dialect.name != "postgresql":
        batch = list(reader(batch_size))
        return bool(batch), batch
    batch = list(reader(batch_size, lock=True))
    return bool(batch), _not_stored_yet(batch)


def _not_stored_yet(batch):
    if not batch:
        return batch
    keys = {(source, source_id) for source, source_id, _, _ in batch}
    stored = {(source, source_id) for source, source_id in db.session.execute(
        select(TextAnalysis.source, TextAnalysis.source_id).where(
            TextAnalysis.analyzer_version == ANALYZER_VERSION,
            or_(*(and_(TextAnalysis.source == source, TextAnalysis.source_id == source_id) for source, source_id in keys))))}
    return [item for item in batch if (item[0], item[1]) not in stored]


class _LocalAnalyzers:
    """One analyzer per quartier: the default names plus those an admin added for the
    institutions of that quartier and of the places above it (e.g. the local bailleur)."""

    def __init__(self, fixed: Analyzer | None = None):
        self.fixed, self.by_quartier = fixed, {}

    def __call__(self, quartier_id) -> Analyzer:
        if self.fixed is not None:
            return self.fixed
        if quartier_id not in self.by_quartier:
            self.by_quartier[quartier_id] = Analyzer(gazetteer=build_gazetteer(local_aliases(quartier_id)))
        return self.by_quartier[quartier_id]


def local_aliases(quartier_id) -> dict[str, list[str]]:
    territory = db.session.get(Territory, quartier_id) if quartier_id else None
    if territory is None:
        return {}
    aliases: dict[str, list[str]] = {}
    for institution in db.session.scalars(select(Institution).where(
            Institution.territory_id.in_([t.id for t in territory.lineage()]))):
        aliases.setdefault(institution.code.value, []).extend([institution.name, *institution.aliases])
    return aliases


def _store(batch, analyzers, model=None):
    results = []
    for source, source_id, text, context in batch:
        analyzer = analyzers(context.get("quartier_id"))
        analysis = analyzer.analyze(text)
        # "act" (judgement / request / question / information) lives in the stored JSON: no column
        mentions = [{"institution": m.code, "stance": m.stance, "irony": bool(m.irony), "act": m.act}
                    for m in analysis.mentions]
        if model is not None:
            for mention in mentions:
                mention["stance"] = model.predict(text, mention["institution"], analyzer)
        results.append(dict(source=source, source_id=source_id, tone=analysis.tone,
                            analyzer_version=ANALYZER_VERSION, mentions=mentions, **context))
    if db.engine.dialect.name != "postgresql":
        db.session.rollback()  # end the read; write the batch in one short transaction
        begin_write()
        # Another worker may have stored some of these meanwhile: keep its analyses.
        fresh = {(source, source_id) for source, source_id, _, _ in _not_stored_yet(batch)}
        results = [r for r in results if (r["source"], r["source_id"]) in fresh]
    # PostgreSQL: the batch's rows stay claimed (_next_batch) until this commit.
    if not results:
        db.session.rollback()
        return
    # A stale analysis (older analyzer, forgotten) is updated in place, never deleted: the
    # evaluators' corrections point to its id.
    existing = {(a.source, a.source_id): a for a in db.session.scalars(select(TextAnalysis).where(or_(*(
        and_(TextAnalysis.source == r["source"], TextAnalysis.source_id == r["source_id"]) for r in results))))}
    now = utcnow()
    for result in results:
        analysis = existing.get((result["source"], result["source_id"]))
        if analysis is None:
            db.session.add(TextAnalysis(analyzed_at=now, **result))
            continue
        for name, value in result.items():
            setattr(analysis, name, value)
        analysis.analyzed_at = now
    db.session.commit()


def forget_analyses(quartier_ids):
    """Mark the analyses of these quartiers' texts stale: the next run analyses them again.

    They stay (and stay shown) until then, and so do the corrections made on them."""
    db.session.execute(update(TextAnalysis).where(TextAnalysis.quartier_id.in_(list(quartier_ids)))
                       .values(analyzer_version=STALE_VERSION))


def forget_all_analyses():
    """Mark every analysis stale (a supervised layer switched on or off)."""
    db.session.execute(update(TextAnalysis).values(analyzer_version=STALE_VERSION))


def source_texts(analyses) -> dict[int, str]:
    """The texts behind some analyses, read from where residents' texts live.

    Not those moderation hid: a hidden idea hides its comments with it.
    """
    wanted = {"answer": {}, "idea": {}, "comment": {}}
    for analysis in analyses:
        wanted[analysis.source][analysis.source_id] = analysis.id
    texts = {}
    if wanted["answer"]:
        for answer_id, value in db.session.execute(
                select(Answer.id, Answer.value).where(Answer.id.in_(wanted["answer"]))):
            texts[wanted["answer"][answer_id]] = answer_text(value)
    if wanted["idea"]:
        for idea_id, title, body in db.session.execute(
                select(Idea.id, Idea.title, Idea.body).where(Idea.id.in_(wanted["idea"]),
                                                             Idea.visibility == Visibility.visible)):
            texts[wanted["idea"][idea_id]] = idea_text(title, body)
    if wanted["comment"]:
        for comment_id, body in db.session.execute(
                select(Comment.id, Comment.body).join(Idea, Idea.id == Comment.idea_id)
                .where(Comment.id.in_(wanted["comment"]), Comment.visibility == Visibility.visible,
                       Idea.visibility == Visibility.visible)):
            texts[wanted["comment"][comment_id]] = body
    return texts
