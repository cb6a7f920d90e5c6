"""Staff screens of deliberation: consultations and phases (facilitators), the moderation
queue (moderators), and official answers (institution accounts)."""
import uuid
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from voix.accounts.auth import staff_required
from voix.accounts.models import Role
from voix.extensions import db
from voix.request_input import (
    FIRST_YEAR,
    LAST_YEAR,
    bounded_int,
    outside_id,
    plausible_year,
    row_by_outside_id,
)
from voix.territories.forms import territory_choices
from voix.territories.models import Territory

from . import moderation
from . import operations as ops
from . import paper_ballots
from .models import (
    AnswerStatus,
    Committee,
    CommitteeMember,
    Consultation,
    Idea,
    InstitutionQuestion,
    OfficialAnswer,
    Origin,
    Phase,
    StatementModeration,
    Visibility,
)
from .permissions import (
    can_answer_for,
    can_answer_question,
    can_manage_consultation,
    can_moderate,
    can_run_consultations,
)
from .opinion_map import opinion_map

bp = Blueprint("deliberation_manage", __name__, url_prefix="/animation/consultations", template_folder="templates")


@bp.context_processor
def _schedule_inputs():
    return {"local_input": _local_input}


def _local_input(moment: datetime | None) -> str:
    """<input type="datetime-local"> wants "YYYY-MM-DDTHH:MM" in local time, no zone."""
    if moment is None:
        return ""
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment  # SQLite: naive UTC
    return moment.astimezone(_residents_zone()).strftime("%Y-%m-%dT%H:%M")


def _residents_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _consultation(consultation_id, allowed) -> Consultation:
    consultation = db.session.get(Consultation, consultation_id) or abort(404)
    if not allowed(g.user, consultation):
        abort(403)
    return consultation


def _idea(idea_id, allowed) -> Idea:
    idea = db.session.get(Idea, idea_id) or abort(404)
    if not allowed(g.user, idea.consultation):
        abort(403)
    return idea


@bp.get("/")
@staff_required(Role.facilitator, Role.moderator, Role.institution)
def index():
    consultations = db.session.scalars(select(Consultation).order_by(Consultation.id.desc())).all()
    visible = [c for c in consultations if can_moderate(g.user, c) or can_answer_for(g.user, c)]
    return render_template("deliberation/manage/index.html", consultations=visible,
                           territories=territory_choices(g.user, can_run_consultations),
                           can_manage=can_manage_consultation, can_moderate=can_moderate,
                           can_answer=can_answer_for, phases=list(Phase))


@bp.post("/")
@staff_required(Role.facilitator)
def create():
    territory = row_by_outside_id(Territory, request.form.get("territory")) or abort(400)
    title = {lang: request.form.get(f"title_{lang}", "").strip() for lang in ("fr", "en", "ar")}
    if not title["fr"]:
        flash(_("The consultation needs a French title."), "error")
        return redirect(url_for(".index"))
    if not can_run_consultations(g.user, territory):
        abort(403)
    try:
        cap = _support_cap_from_form()
        opens_on, closes_on = _schedule_from_form()
        consultation = ops.create_consultation({k: v for k, v in title.items() if v}, territory, created_by=g.user,
                                               support_cap=cap if cap and cap > 0 else None,
                                               results_hidden=bool(request.form.get("results_hidden")),
                                               premoderation=bool(request.form.get("premoderation")),
                                               statement_moderation=_statement_mode_from_form())
        ops.set_schedule(consultation, opens_on, closes_on)
    except ops.DeliberationError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".index"))
    db.session.commit()
    flash(_("Consultation created."), "success")
    return redirect(url_for(".detail", consultation_id=consultation.id))


@bp.get("/<int:consultation_id>")
@staff_required(Role.facilitator, Role.moderator, Role.institution)
def detail(consultation_id):
    consultation = db.session.get(Consultation, consultation_id) or abort(404)
    if not (can_moderate(g.user, consultation) or can_answer_for(g.user, consultation)):
        abort(403)
    ideas = select(Idea).where(Idea.consultation_id == consultation.id)
    if not can_moderate(g.user, consultation):  # a hidden idea: its carrier and moderators only
        ideas = ideas.where(Idea.visibility == Visibility.visible)
    ideas = db.session.scalars(ideas.order_by(Idea.id).options(selectinload(Idea.co_carriers))).all()
    answers = {}
    for answer in db.session.scalars(select(OfficialAnswer).join(Idea).where(Idea.consultation_id == consultation.id)
                                     .order_by(OfficialAnswer.answered_at)):
        answers.setdefault(answer.idea_id, []).append(answer)
    return render_template(
        "deliberation/manage/detail.html", consultation=consultation, ideas=ideas, answers=answers,
        counts=ops.support_counts(consultation), statuses=list(AnswerStatus),
        ranking=ops.pairwise_ranking(consultation), titles={i.id: i.title for i in ideas},
        opinions=opinion_map(consultation),
        can_manage=can_manage_consultation(g.user, consultation), can_moderate=can_moderate(g.user, consultation),
        can_answer=can_answer_for(g.user, consultation),
        entries=moderation.queue([consultation.id]) if can_moderate(g.user, consultation) else [],
        last_action=_last_action([consultation.id]),
        committees=db.session.scalars(select(Committee).where(Committee.consultation_id == consultation.id)).all(),
        resident_members=ops.resident_members,
        questions=_questions(consultation, hidden_too=can_moderate(g.user, consultation)),
        can_answer_question=lambda question: can_answer_question(g.user, question),
    )


def _questions(consultation: Consultation, hidden_too: bool) -> list[InstitutionQuestion]:
    """The residents' questions; hidden ones only for those who may show them again."""
    query = select(InstitutionQuestion).where(InstitutionQuestion.consultation_id == consultation.id)
    if not hidden_too:
        query = query.where(InstitutionQuestion.visibility == Visibility.visible)
    return db.session.scalars(query.order_by(InstitutionQuestion.id)
                              .options(selectinload(InstitutionQuestion.answers))).all()


@bp.post("/<int:consultation_id>/phase")
@staff_required(Role.facilitator)
def next_phase(consultation_id):
    consultation = _consultation(consultation_id, can_manage_consultation)
    try:
        ops.advance_phase(consultation)
        db.session.commit()
    except ops.DeliberationError as error:
        flash(str(error), "error")
    return redirect(url_for(".detail", consultation_id=consultation.id))


@bp.post("/<int:consultation_id>/premoderation")
@staff_required(Role.facilitator)
def premoderation(consultation_id):
    """Switch pre-moderation: every new idea, comment and question waits for a moderator."""
    consultation = _consultation(consultation_id, can_manage_consultation)
    consultation.premoderation = bool(request.form.get("premoderation"))
    db.session.commit()
    flash(_("Pre-moderation is on.") if consultation.premoderation else _("Pre-moderation is off."), "success")
    return redirect(url_for(".detail", consultation_id=consultation.id) + "#moderation")


@bp.post("/idees/<int:idea_id>/<any(masquer, retablir):action>")
@staff_required(Role.facilitator, Role.moderator)
def moderate_idea(idea_id, action):
    return _moderate("idea", idea_id, action)


@bp.post("/<int:consultation_id>/calendrier")
@staff_required(Role.facilitator)
def schedule(consultation_id):
    consultation = _consultation(consultation_id, can_manage_consultation)
    try:
        ops.set_schedule(consultation, *_schedule_from_form())
        db.session.commit()
        flash(_("The dates are saved."), "success")
    except ops.DeliberationError as error:
        db.session.rollback()
        flash(str(error), "error")
    return redirect(url_for(".detail", consultation_id=consultation.id) + "#calendrier")


def _statement_mode_from_form() -> StatementModeration:
    try:
        return StatementModeration(request.form.get("statement_moderation") or "open")
    except ValueError:
        raise ops.DeliberationError(_("Choose strict or open moderation.")) from None


MAX_SUPPORT_CAP = 100  # as the form's input says


def _support_cap_from_form() -> int | None:
    """How many ideas a resident may support: empty or 0 is no limit."""
    typed = request.form.get("support_cap", "").strip()
    if not typed:
        return None
    cap = bounded_int(typed, 0, MAX_SUPPORT_CAP)
    if cap is None:
        raise ops.DeliberationError(_("The number of supports per person is a whole number from 0 to %(n)s.",
                                      n=MAX_SUPPORT_CAP))
    return cap or None


def _schedule_from_form():
    return _local_moment(request.form.get("opens_on", "")), _local_moment(request.form.get("closes_on", ""))


def _local_moment(value: str) -> datetime | None:
    """A date and time typed by staff, meant where the residents live; stored in UTC.

    UTC because SQLite keeps no time zone: every stored moment must mean the same.
    """
    value = value.strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ops.DeliberationError(_("Enter dates as shown, for example 2027-03-01 09:00.")) from None
    if not plausible_year(moment.year):
        raise ops.DeliberationError(_("Enter a date between the years %(first)s and %(last)s.",
                                      first=FIRST_YEAR, last=LAST_YEAR))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_residents_zone())
    return moment.astimezone(timezone.utc)


@bp.post("/commentaires/<int:comment_id>/<any(masquer, retablir):action>")
@staff_required(Role.facilitator, Role.moderator)
def moderate_comment(comment_id, action):
    return _moderate("comment", comment_id, action)


# --- Moderation: one queue per consultation, one per moderator's territory, undo ------------

UNDO = "moderation_undo"  # session key: the last moderation decision, to undo it


@bp.get("/moderation")
@staff_required(Role.facilitator, Role.moderator)
def moderation_queue():
    """Every text waiting for a moderator in the consultations this account may moderate."""
    consultations = [c for c in db.session.scalars(select(Consultation).order_by(Consultation.id.desc()))
                     if can_moderate(g.user, c)]
    entries = moderation.queue([c.id for c in consultations])
    by_consultation = {}
    for entry in entries:
        by_consultation.setdefault(entry.consultation_id, []).append(entry)
    return render_template("deliberation/manage/moderation.html",
                           sections=[(c, by_consultation[c.id]) for c in consultations if c.id in by_consultation],
                           last_action=_last_action([c.id for c in consultations]))


@bp.post("/moderation/<kind>/<int:item_id>/<any(masquer, retablir):action>")
@staff_required(Role.facilitator, Role.moderator)
def moderate(kind, item_id, action):
    """Hide a text (with the reason its author will read) or publish it / keep it visible."""
    return _moderate(kind, item_id, action)


def _moderate(kind_name: str, item_id: int, action: str, anchor: str = "#moderation"):
    found = moderation.find(kind_name, item_id) or abort(404)
    kind, item, consultation_id = found
    if not can_moderate(g.user, db.session.get(Consultation, consultation_id)):
        abort(403)
    before = kind.snapshot(item)
    try:
        if action == "masquer":
            kind.hide(item, g.user, request.form.get("reason", ""))
        else:
            kind.publish(item, g.user)
        db.session.commit()
    except ops.DeliberationError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        session[UNDO] = {"kind": kind.name, "id": item.id, "consultation": consultation_id, "state": before,
                         "action": action, "excerpt": _excerpt(kind.title(item) or kind.text(item))}
        flash(_("Done: the text is hidden; its author sees your reason.") if action == "masquer"
              else _("Done: the text is visible to everyone."), "success")
    return _back_to_queue(consultation_id, anchor)


@bp.post("/moderation/annuler")
@staff_required(Role.facilitator, Role.moderator)
def undo_moderation():
    """Put the last moderated text back as it was before the decision."""
    last = session.get(UNDO)
    found = moderation.find(last["kind"], last["id"]) if last else None
    if found is None:
        flash(_("There is nothing to undo."), "info")
        return redirect(url_for(".moderation_queue"))
    kind, item, consultation_id = found
    if not can_moderate(g.user, db.session.get(Consultation, consultation_id)):
        abort(403)
    kind.put_back(item, last["state"])
    db.session.commit()
    session.pop(UNDO, None)
    flash(_("Undone: the text is back as it was."), "success")
    return _back_to_queue(consultation_id, "#moderation")


def _back_to_queue(consultation_id: int, anchor: str):
    # Only two places to go back to: no open redirect through a form field.
    if request.form.get("next") == "queue":
        return redirect(url_for(".moderation_queue") + "#moderation")
    return redirect(url_for(".detail", consultation_id=consultation_id) + anchor)


def _last_action(consultation_ids: list[int]) -> dict | None:
    """The decision that can be undone, when it was taken in one of these consultations."""
    last = session.get(UNDO)
    return last if last and last.get("consultation") in consultation_ids else None


def _excerpt(text: str, length: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[:length - 1] + "…"


@bp.post("/<int:consultation_id>/comites")
@staff_required(Role.facilitator)
def create_committee(consultation_id):
    consultation = _consultation(consultation_id, can_manage_consultation)
    name = request.form.get("name", "").strip()
    if not name:
        flash(_("Give the committee a name."), "error")
    else:
        db.session.add(Committee(consultation_id=consultation.id, name=name[:200]))
        db.session.commit()
    return redirect(url_for(".detail", consultation_id=consultation.id) + "#comites")


@bp.post("/membres/<int:member_id>/<any(valider, refuser):action>")
@staff_required(Role.facilitator)
def validate_member(member_id, action):
    member = db.session.get(CommitteeMember, member_id) or abort(404)
    consultation = db.session.get(Consultation, member.committee.consultation_id)
    if not can_manage_consultation(g.user, consultation):
        abort(403)
    ops.validate_member(member, g.user, accept=action == "valider")
    db.session.commit()
    return redirect(url_for(".detail", consultation_id=consultation.id) + "#comites")


@bp.post("/idees/<int:idea_id>/soutien-en-personne")
@staff_required(Role.facilitator)
def mediated_support(idea_id):
    """A facilitator records the support of a resident met in person (origin: mediator)."""
    idea = _idea(idea_id, can_manage_consultation)
    resident = ops.new_participant(idea.consultation, Origin.mediator)
    try:
        ops.support_idea(idea, resident, uuid=request.form.get("uuid", ""), origin=Origin.mediator)
        flash(_("The in-person support is recorded."), "success")
    except ops.DeliberationError as error:
        db.session.rollback()
        flash(str(error), "error")
    return redirect(url_for(".detail", consultation_id=idea.consultation_id) + f"#idea-{idea.id}")


@bp.post("/idees/<int:idea_id>/co-porteurs/<int:participant_id>/retirer")
@staff_required(Role.facilitator)
def remove_co_carrier(idea_id, participant_id):
    """A facilitator removes a co-carrier (on request, or an abuse)."""
    idea = _idea(idea_id, can_manage_consultation)
    if ops.remove_co_carrier(idea, participant_id):
        flash(_("The co-carrier is removed."), "success")
    return redirect(url_for(".detail", consultation_id=idea.consultation_id) + f"#idea-{idea.id}")


@bp.route("/<int:consultation_id>/bulletins-papier", methods=["GET", "POST"])
@staff_required(Role.facilitator)
def paper_ballot(consultation_id):
    """Type in the supports counted at a paper ballot session, N per idea."""
    consultation = _consultation(consultation_id, can_manage_consultation)
    # The form's UUID survives a refused attempt, so the corrected form still counts once.
    form_uuid = request.form.get("uuid") or str(uuid.uuid4())
    typed = {}
    if request.method == "POST":
        try:
            typed = _typed_counts()
            recorded = paper_ballots.record_paper_ballot(
                consultation, paper_ballots.parse_counts(typed), uuid=form_uuid, recorded_by=g.user,
                label=request.form.get("label", ""))
        except ops.DeliberationError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            if recorded is None:
                flash(_("This ballot was already recorded: it is not counted twice."), "info")
            else:
                flash(_("%(n)s paper supports are recorded.", n=recorded), "success")
            return redirect(url_for(".paper_ballot", consultation_id=consultation.id), code=303)
    ideas = db.session.scalars(select(Idea).where(Idea.consultation_id == consultation.id,
                                                  Idea.visibility == Visibility.visible).order_by(Idea.id)).all()
    return render_template("deliberation/manage/paper_ballot.html", consultation=consultation, ideas=ideas,
                           typed=typed, form_uuid=form_uuid, label=request.form.get("label", ""),
                           ballots=paper_ballots.ballots_of(consultation), counts=ops.support_counts(consultation),
                           max_per_idea=paper_ballots.MAX_PER_IDEA)


def _typed_counts() -> dict[int, str]:
    """The "idea-ID" fields of the form, every one of them: none may be dropped silently."""
    typed = {}
    for key, value in request.form.items():
        if key.startswith("idea-"):
            idea_id = outside_id(key[5:])
            if idea_id is None:
                raise ops.DeliberationError(_("This ballot names an idea that is not open to support."))
            typed[idea_id] = value
    return typed


@bp.post("/idees/<int:idea_id>/reponse")
@staff_required(Role.institution)
def answer(idea_id):
    idea = _idea(idea_id, can_answer_for)
    if idea.visibility is not Visibility.visible:
        abort(404)  # institutions do not see a hidden idea, so they do not answer it
    try:
        status = AnswerStatus(request.form.get("status", ""))
    except ValueError:
        status = None
    planned = request.form.get("planned_for", "")
    try:
        planned_for = datetime.combine(datetime.fromisoformat(planned).date(), time(), tzinfo=timezone.utc) if planned else None
    except ValueError:
        planned_for = None
    if status is None:
        flash(_("Choose the status of the idea."), "error")
    else:
        try:
            ops.answer_idea(idea, g.user.institution, g.user, status, request.form.get("text", ""), planned_for)
            db.session.commit()
            flash(_("Your answer is published."), "success")
        except ops.DeliberationError as error:
            flash(str(error), "error")
    return redirect(url_for(".detail", consultation_id=idea.consultation_id) + f"#idea-{idea.id}")


def _question(question_id) -> InstitutionQuestion:
    return db.session.get(InstitutionQuestion, question_id) or abort(404)


@bp.post("/questions/<int:question_id>/reponse")
@staff_required(Role.institution)
def answer_question(question_id):
    """The addressed institution answers a resident's question, in public."""
    question = _question(question_id)
    if not can_answer_question(g.user, question):
        abort(403)
    try:
        if ops.answer_question(question, g.user, request.form.get("text", ""),
                               uuid=request.form.get("uuid") or str(uuid.uuid4())):
            flash(_("Your answer is published."), "success")
        else:
            flash(_("This answer was already published: it is not published twice."), "info")
    except ops.DeliberationError as error:
        db.session.rollback()
        flash(str(error), "error")
    return redirect(url_for(".detail", consultation_id=question.consultation_id) + f"#question-{question.id}")


@bp.post("/questions/<int:question_id>/<any(masquer, retablir):action>")
@staff_required(Role.facilitator, Role.moderator)
def moderate_question(question_id, action):
    return _moderate("question", question_id, action, anchor=f"#question-{question_id}")


from . import manage_statements  # noqa: E402,F401  (the statements screen's routes, on this blueprint)
