"""Deliberation routes of the JSON API (/api/v1): ideas, supports, statements, pairs, comments,
questions to institutions.

Residents act with a per-consultation participation token (POST .../participants gives
one). Every vote carries a client UUID and is idempotent like survey responses: 201 the
first time, 200 for a repeat.
"""
from datetime import timezone

from flask import Blueprint, abort, g, request
from flask_babel import gettext as _
from sqlalchemy import select

from voix.api import body_language, json_body, optional_id, text_field
from voix.extensions import db
from voix.request_input import row_by_outside_id

from . import operations as ops
from . import statements as statement_ops
from .models import (
    Comment,
    Consultation,
    Idea,
    Position,
    Statement,
    Visibility,
)
from .permissions import can_read_debate
from .views import request_origin

bp = Blueprint("deliberation_api", __name__)


def _get(model, object_id):
    return db.session.get(model, object_id) or abort(404)


def _participant(consultation: Consultation, body: dict):
    token = body.get("token")
    participant = ops.participant_by_token(consultation, token) if isinstance(token, str) else None
    if participant is None:
        abort(403, description=_("Unknown participation token for this consultation."))
    return participant


def _refused(error: ops.DeliberationError):
    return {"error": 422, "message": str(error)}, 422


def _idea_json(idea: Idea, counts: dict | None) -> dict:
    return {"id": idea.id, "title": idea.title, "body": idea.body, "theme": idea.theme,
            "created_at": _iso(idea.created_at),
            "supports": counts.get(idea.id, 0) if counts is not None else None}


@bp.get("/consultations/<int:consultation_id>")
def consultation(consultation_id):
    c = _get(Consultation, consultation_id)
    return {"id": c.id, "title": c.title, "description": c.description, "territory": c.territory.slug,
            "phase": c.phase.value,
            # What a resident can do now: the switches, the phase and the calendar together.
            "proposals_open": c.accepts_proposals, "votes_open": c.accepts_votes,
            "opens_on": _iso(c.opens_on), "closes_on": _iso(c.closes_on),
            "results_visible": c.shows_results, "support_cap": c.support_cap}


def _iso(moment):
    """RFC 3339, as the spec says: SQLite gives back naive datetimes, which are UTC."""
    if moment is None:
        return None
    return (moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment).isoformat()


@bp.post("/consultations/<int:consultation_id>/participants")
def new_participant(consultation_id):
    """A new participant; with a "uuid" (a kiosk's outbox naming the resident who acted
    offline), the same one each time: 201 the first time, 200 after."""
    c = _get(Consultation, consultation_id)
    body = request.get_json(silent=True)
    client_uuid = body.get("uuid") if isinstance(body, dict) else None
    if client_uuid is None:
        participant, created = ops.new_participant(c, request_origin()), True
    else:
        try:
            participant, created = ops.participant_for_client(c, client_uuid, request_origin())
        except ops.DeliberationError as error:
            return _refused(error)
    db.session.commit()
    return {"token": participant.token}, 201 if created else 200


@bp.get("/consultations/<int:consultation_id>/ideas")
def ideas(consultation_id):
    c = _get(Consultation, consultation_id)
    counts = ops.support_counts(c) if c.shows_results else None
    visible = db.session.scalars(select(Idea).where(Idea.consultation_id == c.id, Idea.visibility == Visibility.visible)
                                 .order_by(Idea.id))
    return {"ideas": [_idea_json(idea, counts) for idea in visible]}


@bp.post("/consultations/<int:consultation_id>/ideas")
def propose(consultation_id):
    c = _get(Consultation, consultation_id)
    body = json_body()
    participant = _participant(c, body)
    language = body_language(body)
    try:
        idea = ops.propose_idea(c, participant, title=text_field(body, "title"), body=text_field(body, "body"),
                                theme=text_field(body, "theme") or None, language=language)
    except ops.DeliberationError as error:
        return _refused(error)
    db.session.commit()
    return _idea_json(idea, None), 201


def _institution_json(institution) -> dict:
    return {"id": institution.id, "name": institution.name, "code": institution.code.value}


def _question_json(question) -> dict:
    return {"id": question.id, "institution": _institution_json(question.institution), "text": question.text,
            "language": question.language, "created_at": _iso(question.created_at),
            "answers": [{"text": a.text, "answered_at": _iso(a.answered_at)} for a in question.answers]}


@bp.get("/consultations/<int:consultation_id>/questions")
def questions(consultation_id):
    """The visible questions with the institutions' answers, and whom residents may ask."""
    c = _get(Consultation, consultation_id)
    return {"institutions": [_institution_json(i) for i in ops.institutions_for(c)],
            "questions": [_question_json(q) for q in ops.visible_questions(c)]}


@bp.post("/consultations/<int:consultation_id>/questions")
def ask(consultation_id):
    c = _get(Consultation, consultation_id)
    body = json_body()
    participant = _participant(c, body)
    language = body_language(body)
    text = text_field(body, "text")
    try:
        question, created = ops.ask_question(c, participant, optional_id(body, "institution"), text,
                                             uuid=body.get("uuid"), language=language)
    except ops.DeliberationError as error:
        return _refused(error)
    return _question_json(question), 201 if created else 200


@bp.get("/consultations/<int:consultation_id>/ideas/similar")
def similar(consultation_id):
    c = _get(Consultation, consultation_id)
    return {"ideas": [_idea_json(idea, None) for idea in ops.similar_ideas(c, request.args.get("text", ""))]}


def _vote_result(created: bool):
    return {"status": "created" if created else "already_recorded"}, 201 if created else 200


@bp.post("/ideas/<int:idea_id>/supports")
def support(idea_id):
    idea = _get(Idea, idea_id)
    body = json_body()
    try:
        return _vote_result(ops.support_idea(idea, _participant(idea.consultation, body), uuid=body.get("uuid"),
                                             origin=request_origin()))
    except ops.DeliberationError as error:
        return _refused(error)


def _statement_json(statement: Statement) -> dict:
    return {"id": statement.id, "text": statement.text, "language": statement.language,
            "is_meta": statement.is_meta, "created_at": _iso(statement.created_at)}


@bp.get("/consultations/<int:consultation_id>/statements")
def statements(consultation_id):
    """The statements residents vote on: accepted ones, and in "open" moderation those not yet read."""
    c = _get(Consultation, consultation_id)
    return {"moderation": c.statement_moderation.value,
            "statements": [_statement_json(s) for s in statement_ops.shown_statements(c)]}


@bp.get("/consultations/<int:consultation_id>/statements/similar")
def similar_statements(consultation_id):
    c = _get(Consultation, consultation_id)
    return {"statements": [_statement_json(s) for s in statement_ops.similar_statements(c, request.args.get("text", ""))]}


@bp.post("/consultations/<int:consultation_id>/statements")
def propose_statement(consultation_id):
    """A resident's statement: 201 the first time, 200 for a repeat of the same UUID.

    `shown` says whether others see it now; if not, `held_reason` says why it waits.
    """
    c = _get(Consultation, consultation_id)
    body = json_body()
    participant = _participant(c, body)
    language = body_language(body)
    text = text_field(body, "text")
    try:
        statement, created = statement_ops.propose_statement(c, participant, text, uuid=body.get("uuid"),
                                                             language=language)
    except ops.DeliberationError as error:
        return _refused(error)
    return ({**_statement_json(statement), "shown": statement.is_shown,
             "held_reason": statement.held_reason.value if statement.held_reason else None},
            201 if created else 200)


@bp.post("/statements/<int:statement_id>/reports")
def report_statement(statement_id):
    statement = _get(Statement, statement_id)
    if not statement.is_shown:
        abort(404)  # nobody reports what they cannot see
    body = json_body()
    try:
        statement_ops.report_statement(statement, _participant(statement.consultation, body),
                                       text_field(body, "reason"))
    except ops.DeliberationError as error:
        return _refused(error)
    return {"status": "reported"}, 201


@bp.post("/statements/<int:statement_id>/votes")
def statement_vote(statement_id):
    statement = _get(Statement, statement_id)
    body = json_body()
    consultation = db.session.get(Consultation, statement.consultation_id)
    value = body.get("value")
    if value not in (-1, 0, 1) or isinstance(value, bool):
        return _refused(ops.DeliberationError(_("A vote is agree, disagree or pass.")))
    try:
        return _vote_result(ops.vote_on_statement(statement, _participant(consultation, body), value,
                                                  uuid=body.get("uuid"), origin=request_origin()))
    except ops.DeliberationError as error:
        return _refused(error)


@bp.post("/consultations/<int:consultation_id>/pairwise")
def pairwise(consultation_id):
    c = _get(Consultation, consultation_id)
    body = json_body()
    winner_id, loser_id = optional_id(body, "winner"), optional_id(body, "loser")
    winner, loser = row_by_outside_id(Idea, winner_id), row_by_outside_id(Idea, loser_id)
    if winner is None or loser is None or winner.consultation_id != c.id or loser.consultation_id != c.id:
        return _refused(ops.DeliberationError(_("Compare two different ideas of the same consultation.")))
    try:
        return _vote_result(ops.vote_pairwise(winner, loser, _participant(c, body), uuid=body.get("uuid"),
                                              origin=request_origin()))
    except ops.DeliberationError as error:
        return _refused(error)


@bp.get("/consultations/<int:consultation_id>/ranking")
def ranking(consultation_id):
    """The "which do you prefer?" ranking, with likely ranges (hidden like other results)."""
    c = _get(Consultation, consultation_id)
    if not c.shows_results:
        return {"ranking": None, "hidden_until_closed": True}
    return {"hidden_until_closed": False, "ranking": [
        {"idea": row.idea, "score": round(row.score, 4), "low": round(row.low, 4), "high": round(row.high, 4),
         "wins": row.wins, "losses": row.losses} for row in ops.pairwise_ranking(c)]}


@bp.get("/ideas/<int:idea_id>/comments")
def comments(idea_id):
    idea = _get(Idea, idea_id)
    if not can_read_debate(g.user, idea):
        abort(404)  # a hidden idea hides its comments: unknown to the public, like its page
    rows = db.session.scalars(select(Comment).where(Comment.idea_id == idea.id).order_by(Comment.id))
    return {"comments": [
        {"id": c.id, "parent": c.parent_id, "position": c.position.value, "created_at": _iso(c.created_at),
         "body": c.body if c.visibility is Visibility.visible else None,
         "hidden_reason": c.hidden_reason}
        for c in rows]}


@bp.post("/ideas/<int:idea_id>/comments")
def comment(idea_id):
    idea = _get(Idea, idea_id)
    if idea.visibility is not Visibility.visible:
        abort(404)  # moderators read the debate of a hidden idea; nobody writes in it
    body = json_body()
    participant = _participant(idea.consultation, body)
    parent = None
    parent_id = optional_id(body, "parent")
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if parent is None:
            return _refused(ops.DeliberationError(_("The comment you reply to does not exist.")))
    position_name = body.get("position", "neutral")
    try:
        position = Position(position_name) if isinstance(position_name, str) else None
    except ValueError:
        position = None
    if position is None:
        return _refused(ops.DeliberationError(_("A comment is for, neutral or against.")))
    try:
        stored, created = ops.add_comment(idea, participant, text_field(body, "body"), position,
                                          uuid=body.get("uuid"), parent=parent, language=body_language(body))
    except ops.DeliberationError as error:
        return _refused(error)
    return {"id": stored.id, "body": stored.body}, 201 if created else 200


@bp.post("/comments/<int:comment_id>/reports")
def report(comment_id):
    reported = _get(Comment, comment_id)
    idea = db.session.get(Idea, reported.idea_id)
    if idea.visibility is not Visibility.visible:
        abort(404)
    body = json_body()
    ops.report_comment(reported, _participant(idea.consultation, body), text_field(body, "reason"))
    return {"status": "reported"}, 201
