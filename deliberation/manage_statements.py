"""Staff screen of a consultation's statements: the moderation mode (facilitators), the
statements waiting or reported, accept / reject with an undo, and the "meta" mark.

Its own page (statements can number hundreds after a Pol.is import) and its own module,
apart from the moderation queue of ideas, comments and questions (manage.py).
"""
from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from voix.accounts.auth import staff_required
from voix.accounts.models import Role
from voix.extensions import db

from . import operations as ops
from . import statements as statement_ops
from .manage import _consultation, bp
from .models import HeldReason, Moderation, Statement, StatementModeration
from .permissions import can_manage_consultation, can_moderate

# Session key, read once by the statements page: the last decision, to say it and undo it.
LAST_DECISION = "statement_decision"
DECIDED = {Moderation.accepted: _l("Statement accepted: residents see it and vote on it."),
           Moderation.rejected: _l("Statement rejected: residents no longer see it."),
           Moderation.unmoderated: _l("Decision undone: the statement is back as it was.")}


@bp.get("/<int:consultation_id>/affirmations")
@staff_required(Role.facilitator, Role.moderator)
def statements(consultation_id):
    consultation = _consultation(consultation_id, can_moderate)
    last = session.pop(LAST_DECISION, None)
    undo = None
    if last:
        undo = {"statement": db.session.get(Statement, last["id"]), "message": DECIDED[Moderation(last["done"])],
                "moderation": last["moderation"], "held": last["held"] or ""}
        if undo["statement"] is None:
            undo = None
    return render_template(
        "deliberation/manage/statements.html", consultation=consultation, undo=undo,
        waiting=statement_ops.waiting(consultation), reported=statement_ops.reported(consultation),
        statements=statement_ops.all_statements(consultation), modes=list(StatementModeration),
        can_manage=can_manage_consultation(g.user, consultation))


@bp.post("/<int:consultation_id>/affirmations/mode")
@staff_required(Role.facilitator)
def statement_mode(consultation_id):
    consultation = _consultation(consultation_id, can_manage_consultation)
    try:
        statement_ops.set_mode(consultation, request.form.get("mode", ""))
        db.session.commit()
        flash(_("Strict moderation: a statement is shown once a moderator accepts it.")
              if consultation.statement_moderation is StatementModeration.strict
              else _("Open moderation: statements are shown at once and residents may report them."), "success")
    except ops.DeliberationError as error:
        flash(str(error), "error")
    return redirect(url_for(".statements", consultation_id=consultation.id), code=303)


def _statement(statement_id) -> Statement:
    statement = db.session.get(Statement, statement_id) or abort(404)
    if not can_moderate(g.user, statement.consultation):
        abort(403)
    return statement


@bp.post("/affirmations/<int:statement_id>/moderation")
@staff_required(Role.facilitator, Role.moderator)
def moderate_statement(statement_id):
    """Accept, reject, or put back as it was (the undo button sends the previous state)."""
    statement = _statement(statement_id)
    try:
        decision = Moderation(request.form.get("decision", ""))
        held = HeldReason(request.form["held"]) if request.form.get("held") else None
    except ValueError:
        abort(400)
    previous_moderation, previous_held = statement_ops.decide(statement, decision, held)
    db.session.commit()
    session[LAST_DECISION] = {"id": statement.id, "done": decision.value, "moderation": previous_moderation.value,
                              "held": previous_held.value if previous_held else None}
    return redirect(url_for(".statements", consultation_id=statement.consultation_id) + "#decision", code=303)


@bp.post("/affirmations/<int:statement_id>/meta")
@staff_required(Role.facilitator, Role.moderator)
def statement_meta(statement_id):
    """Mark or unmark a statement as meta (about the participants): shown, not clustered."""
    statement = _statement(statement_id)
    statement_ops.set_meta(statement, bool(request.form.get("is_meta")))
    db.session.commit()
    flash(_("Marked as meta: left out of the opinion groups.") if statement.is_meta
          else _("No longer meta: counted in the opinion groups."), "success")
    return redirect(url_for(".statements", consultation_id=statement.consultation_id) + f"#statement-{statement.id}",
                    code=303)
