"""The moderation queue, generic over the kinds of text residents write.

A kind of text (idea, comment, question; statements plug in the same way) is a
:class:`TextKind`: how to find its texts held before publication and its reported texts
in given consultations, how to hide or publish one, and how to take and put back its
moderation state (for "undo"). :func:`queue` merges every registered kind into one list
of :class:`Entry`, each with the reasons it is there: held because the personal-data
scrubber was unsure, held because the consultation pre-moderates, reported by residents
(how many times, and what they said).

A consultation's queue is ``queue([consultation.id])``; a moderator's territory-wide
queue is ``queue(ids of the consultations they may moderate)``.
"""
from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from voix.extensions import db
from voix.models import utcnow

from . import operations as ops
from .models import (
    Comment,
    CommentReport,
    HeldReason,
    Idea,
    InstitutionQuestion,
    TextReport,
)
from .models import _as_utc as as_utc


@dataclass
class Entry:
    """One text waiting for a moderator, and why."""

    kind: TextKind
    item: object
    consultation_id: int
    held_reason: HeldReason | None = None
    reports: list[str] = field(default_factory=list)  # what each reporter said ("" if nothing)

    @property
    def key(self) -> str:
        return f"{self.kind.name}-{self.item.id}"

    @property
    def title(self) -> str | None:
        return self.kind.title(self.item)

    @property
    def text(self) -> str:
        return self.kind.text(self.item)

    @property
    def created_at(self) -> datetime:
        return as_utc(self.item.created_at)


@dataclass(frozen=True)
class TextKind:
    """What the queue needs to know of one kind of text.

    ``rows(consultation_ids, held_only)``: a select of (item, consultation id) for those
    consultations, restricted to held items when ``held_only``. ``reports(consultation_ids)``:
    the reasons of the unresolved reports, per item id, of those consultations' texts.
    ``state_fields``: the columns that undo puts back as they were.
    """

    name: str  # in URLs: /moderation/<name>/<id>/...
    label: object  # lazy, translated
    model: type
    rows: Callable[[list[int], bool], object]
    title: Callable[[object], str | None] = lambda item: None
    text: Callable[[object], str] = lambda item: item.text
    reports: Callable[[list[int]], dict[int, list[str]]] = lambda consultation_ids: {}
    reopen_reports: Callable[[object, list[int]], None] = lambda item, report_ids: None
    consultation_id: Callable[[object], int] = lambda item: item.consultation_id
    held_reason: Callable[[object], HeldReason | None] = lambda item: item.held_reason
    hide: Callable = ops.hide
    publish: Callable = ops.restore
    state_fields: tuple[str, ...] = ("visibility", "hidden_reason", "held_reason", "moderated_by_id")

    def snapshot(self, item) -> dict:
        """The item's moderation state, as JSON (it is kept in the session for undo)."""
        state = {}
        for name in self.state_fields:
            value = getattr(item, name, None)
            state[name] = value.value if isinstance(value, enum.Enum) else value
        state["open_reports"] = sorted(self.open_report_ids(item))
        return state

    def open_report_ids(self, item) -> list[int]:
        return []

    def put_back(self, item, state: dict):
        columns = self.model.__mapper__.columns
        for name in self.state_fields:
            if name not in state or not hasattr(item, name):
                continue
            value = state[name]
            enum_class = getattr(columns[name].type, "enum_class", None)
            setattr(item, name, enum_class(value) if enum_class and value is not None else value)
        self.reopen_reports(item, state.get("open_reports", []))


KINDS: dict[str, TextKind] = {}


def register(kind: TextKind) -> TextKind:
    """Add a kind of text to every moderation queue (statements register theirs)."""
    KINDS[kind.name] = kind
    return kind


# --- The three kinds that exist today ---------------------------------------------------


def _idea_rows(consultation_ids, held_only):
    query = select(Idea, Idea.consultation_id).where(Idea.consultation_id.in_(consultation_ids))
    return query.where(Idea.held_reason.is_not(None)) if held_only else query


def _comment_rows(consultation_ids, held_only):
    query = (select(Comment, Idea.consultation_id).join(Idea, Idea.id == Comment.idea_id)
             .where(Idea.consultation_id.in_(consultation_ids)))
    return query.where(Comment.held_reason.is_not(None)) if held_only else query


def _question_rows(consultation_ids, held_only):
    query = (select(InstitutionQuestion, InstitutionQuestion.consultation_id)
             .where(InstitutionQuestion.consultation_id.in_(consultation_ids)))
    return query.where(InstitutionQuestion.held_reason.is_not(None)) if held_only else query


def _comment_reports(consultation_ids) -> dict[int, list[str]]:
    reasons: dict[int, list[str]] = {}
    for comment_id, reason in db.session.execute(
            select(CommentReport.comment_id, CommentReport.reason)
            .join(Comment, Comment.id == CommentReport.comment_id).join(Idea, Idea.id == Comment.idea_id)
            .where(Idea.consultation_id.in_(consultation_ids), CommentReport.resolved_at.is_(None))
            .order_by(CommentReport.id)):
        reasons.setdefault(comment_id, []).append(reason or "")
    return reasons


class _CommentKind(TextKind):
    def open_report_ids(self, item):
        return list(db.session.scalars(select(CommentReport.id).where(
            CommentReport.comment_id == item.id, CommentReport.resolved_at.is_(None))))


def _reopen_comment_reports(item, report_ids):
    if report_ids:
        db.session.execute(CommentReport.__table__.update().where(CommentReport.id.in_(report_ids))
                           .values(resolved_at=None))


class ReportedKind(TextKind):
    """A kind whose texts residents report through ``text_report`` (ideas, questions; any
    kind that registers can use it): a decision on a text closes its reports, undo reopens them."""

    def open_report_ids(self, item):
        return list(db.session.scalars(select(TextReport.id).where(
            TextReport.kind == self.name, TextReport.item_id == item.id, TextReport.resolved_at.is_(None))))


def text_reports(kind_name: str):
    def reports(consultation_ids) -> dict[int, list[str]]:
        reasons: dict[int, list[str]] = {}
        for item_id, reason in db.session.execute(
                select(TextReport.item_id, TextReport.reason)
                .where(TextReport.kind == kind_name, TextReport.consultation_id.in_(consultation_ids),
                       TextReport.resolved_at.is_(None)).order_by(TextReport.id)):
            reasons.setdefault(item_id, []).append(reason or "")
        return reasons
    return reports


def resolving_text_reports(kind_name: str, decide):
    """``decide`` (ops.hide or ops.restore), then the text's open reports are resolved."""
    def decided(item, moderator, *reason):
        decide(item, moderator, *reason)
        db.session.execute(TextReport.__table__.update().where(
            TextReport.kind == kind_name, TextReport.item_id == item.id, TextReport.resolved_at.is_(None))
            .values(resolved_at=utcnow()))
    return decided


def _reopen_text_reports(item, report_ids):
    if report_ids:
        db.session.execute(TextReport.__table__.update().where(TextReport.id.in_(report_ids)).values(resolved_at=None))


register(ReportedKind("idea", _l("Idea"), Idea, _idea_rows, title=lambda idea: idea.title,
                      text=lambda idea: idea.body, reports=text_reports("idea"),
                      hide=resolving_text_reports("idea", ops.hide),
                      publish=resolving_text_reports("idea", ops.restore),
                      reopen_reports=_reopen_text_reports,
                      state_fields=("visibility", "hidden_reason", "held_reason")))
register(_CommentKind("comment", _l("Comment"), Comment, _comment_rows, text=lambda comment: comment.body,
                      reports=_comment_reports, reopen_reports=_reopen_comment_reports,
                      consultation_id=lambda comment: db.session.get(Idea, comment.idea_id).consultation_id))
register(ReportedKind("question", _l("Question"), InstitutionQuestion, _question_rows,
                      reports=text_reports("question"), hide=resolving_text_reports("question", ops.hide),
                      publish=resolving_text_reports("question", ops.restore),
                      reopen_reports=_reopen_text_reports))


# --- The queue ----------------------------------------------------------------------------


def queue(consultation_ids: Iterable[int]) -> list[Entry]:
    """Texts of these consultations waiting for a moderator: held ones first (oldest
    first), then reported ones (most reported first)."""
    consultation_ids = list(consultation_ids)
    if not consultation_ids:
        return []
    entries: dict[tuple[str, int], Entry] = {}
    for kind in KINDS.values():
        for item, consultation_id in db.session.execute(kind.rows(consultation_ids, True)):
            entries[(kind.name, item.id)] = Entry(kind, item, consultation_id, held_reason=kind.held_reason(item))
        reported = kind.reports(consultation_ids)
        if reported:
            for item, consultation_id in db.session.execute(
                    kind.rows(consultation_ids, False).where(kind.model.id.in_(list(reported)))):
                entry = entries.setdefault((kind.name, item.id), Entry(kind, item, consultation_id))
                entry.reports = reported[item.id]
    held = sorted((e for e in entries.values() if e.held_reason), key=lambda e: (e.created_at, e.key))
    reported = sorted((e for e in entries.values() if not e.held_reason),
                      key=lambda e: (-len(e.reports), e.created_at, e.key))
    return held + reported


def find(kind_name: str, item_id: int):
    """(kind, item, consultation id), or None when there is no such text."""
    kind = KINDS.get(kind_name)
    item = db.session.get(kind.model, item_id) if kind is not None else None
    if item is None:
        return None
    return kind, item, kind.consultation_id(item)
