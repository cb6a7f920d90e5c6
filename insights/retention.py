"""Retention of raw free text: `flask --app wsgi privacy purge [--dry-run]`.

Residents' free-text survey answers are kept raw for VOIX_FREE_TEXT_RETENTION_MONTHS
(default 24), then deleted. What was learnt from them stays: their analysis (institutions,
stance, tone), the response and its other answers, so every indicator counts what it
counted before. An answer not yet analysed is kept until it is (the worker analyses it),
never deleted unread; the items of a "several short texts" question are such free text too
(analysed together, insights.store.answer_text). Report reasons, read only by moderators, are emptied at the same
age. Ideas, comments and questions are public contributions: they stay while their
consultation is shown, and leave with their author's erasure (docs/privacy.md).
"""
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import delete, func, select, update

from deliberation.models import CommentReport
from surveys.models import Answer, Question, Response
from voix.audit import record
from voix.database import begin_write
from voix.extensions import db
from voix.models import utcnow

from .models import TextAnalysis
from .store import FREE_TEXT

DAYS_PER_MONTH = 30.44


def cutoff():
    months = current_app.config["FREE_TEXT_RETENTION_MONTHS"]
    return utcnow() - timedelta(days=months * DAYS_PER_MONTH)


def _old_answers(before):
    analysed = select(TextAnalysis.id).where(TextAnalysis.source == "answer", TextAnalysis.source_id == Answer.id).exists()
    old = (select(Answer.id).join(Response, Response.id == Answer.response_id).join(Question, Question.id == Answer.question_id)
           .where(Response.submitted_at < before))
    base = old.where(Question.type.in_(FREE_TEXT))
    return base.where(analysed), base.where(~analysed)


def _old_reports(before):
    return select(CommentReport.id).where(CommentReport.created_at < before, CommentReport.reason != "")


def purge(dry_run=False) -> dict:
    """Delete the raw texts past the retention; returns what went (or would go)."""
    before = cutoff()
    if not dry_run:
        begin_write()
    purgeable, waiting = _old_answers(before)
    counts = {
        "answers": _count(purgeable),
        "report_reasons": _count(_old_reports(before)),
        "kept_until_analysed": _count(waiting),
    }
    if not dry_run:
        db.session.execute(delete(Answer).where(Answer.id.in_(purgeable)), execution_options={"synchronize_session": False})
        db.session.execute(update(CommentReport).where(CommentReport.id.in_(_old_reports(before))).values(reason=""),
                           execution_options={"synchronize_session": False})
        record("purge", f"free text before {before:%Y-%m-%d}", **counts)
        db.session.commit()
    return {"before": before.date().isoformat(), **counts}


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would be deleted, delete nothing.")
@with_appcontext
def purge_command(dry_run):
    """Delete raw free text older than VOIX_FREE_TEXT_RETENTION_MONTHS (analyses and counts stay)."""
    result = purge(dry_run=dry_run)
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(f"{verb} {result['answers']} free-text answers and {result['report_reasons']} report reasons "
               f"written before {result['before']}; {result['kept_until_analysed']} answers not yet analysed are kept "
               "until the analysis worker has read them.")
