"""Residents in a consultation: read ideas, propose, support, compare pairs, react to
statements, debate, and read institutions' answers. The same pages serve kiosks and
personal devices; the participation token lives in the session, which a kiosk clears
between two residents.
"""
import uuid

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from voix.about_you import AGE_BRACKETS, GENDERS, clean_about_you
from voix.errors import nothing_saved
from voix.extensions import db
from voix.i18n import current_language
from voix.invitations import pending_inviter
from voix.kiosk.device import current_kiosk, register_activity_provider
from voix.privacy import clean_text
from voix.request_input import row_by_outside_id
from voix.territories.models import TerritoryKind, all_territories

from . import operations as ops
from . import photos
from . import statements as statement_ops
from .models import (
    AnswerStatus,
    Comment,
    Committee,
    Consultation,
    Idea,
    InstitutionQuestion,
    MembershipStatus,
    OfficialAnswer,
    Origin,
    Phase,
    Position,
    Statement,
    StatementModeration,
    StatementVote,
    Visibility,
)
from .opinion_map import MIN_PEOPLE
from .opinion_map import opinion_map as opinion_map_data
from .pairwise import choose_pair
from .permissions import can_moderate, can_read_debate
from .residents import account_named_by_tablet, participant_of

bp = Blueprint("deliberation", __name__, url_prefix="/consultations", template_folder="templates")
TOKENS = "participation"  # session key: {consultation id: participation token}
ABOUT_FIELDS = ("gender", "gender_description", "age_bracket", "quartier", "invited_by")
PENDING_PHOTO = "idea_photo"  # session key: {"consultation": id, "name": photo waiting for its idea}
# Session key, read once by the next page: what was just voted (an idea id, "pair" or
# "statement"), so that the page puts the focus back there and confirms the vote in words.
JUST_VOTED = "just_voted"

PHASE_LABELS = {Phase.proposing: _l("Proposals"), Phase.voting: _l("Voting"),
                Phase.answering: _l("Institutions answering"), Phase.closed: _l("Closed")}
ANSWER_STATUS_LABELS = {AnswerStatus.under_study: _l("Under study"), AnswerStatus.accepted: _l("Accepted"),
                        AnswerStatus.refused: _l("Refused"), AnswerStatus.done: _l("Done")}
POSITION_LABELS = {Position.for_: _l("For"), Position.neutral: _l("Neutral"), Position.against: _l("Against")}
MEMBERSHIP_LABELS = {MembershipStatus.volunteered: _l("volunteered"), MembershipStatus.validated: _l("validated"),
                     MembershipStatus.declined: _l("declined")}


@bp.app_context_processor
def _labels():
    # Every form that records a vote or a comment carries a fresh UUID: a double tap or a
    # re-sent form is then counted once.
    return {"phase_label": PHASE_LABELS.get, "answer_status_label": ANSWER_STATUS_LABELS.get,
            "position_label": POSITION_LABELS.get, "membership_label": MEMBERSHIP_LABELS.get,
            "new_uuid": lambda: str(uuid.uuid4()), "local_date": format_date, "local_time": format_time,
            "status_label": status_label, "just_voted": session.pop(JUST_VOTED, None)}


OFFLINE_IDEAS = 60  # the idea pages a kiosk keeps per consultation, newest first


def _offline_urls(c: Consultation) -> list[str]:
    """The pages a kiosk keeps to be used offline (docs/kiosk.md): the ideas, and the vote
    and question pages this consultation offers now."""
    ideas = db.session.scalars(select(Idea.id).where(Idea.consultation_id == c.id, Idea.visibility == Visibility.visible)
                               .order_by(Idea.id.desc()).limit(OFFLINE_IDEAS)).all()
    urls = [url_for("deliberation.idea", idea_id=idea_id) for idea_id in ideas]
    if c.accepts_votes and len(ideas) >= 2:
        urls.append(url_for("deliberation.pairwise", consultation_id=c.id))
    if c.accepts_votes and statement_ops.has_shown_statements(c):
        urls.append(url_for("deliberation.statements", consultation_id=c.id))
    if ops.institutions_for(c):
        urls.append(url_for("deliberation.ask", consultation_id=c.id))
    return urls


def status_label(c: Consultation) -> str:
    """The phase as residents live it: the schedule can close a consultation by itself."""
    if c.is_closed:
        return PHASE_LABELS[Phase.closed]
    return PHASE_LABELS[c.phase] if c.has_opened else _("Not open yet")


@bp.record_once
def _offer_consultations_on_kiosks(state):
    def provider(kiosk):
        rows = db.session.scalars(select(Consultation).where(
            Consultation.territory_id.in_(kiosk.territory.offered_ids()),
            Consultation.phase != Phase.closed).order_by(Consultation.id))
        return [{"title": c.display_title(), "url": url_for("deliberation.consultation", consultation_id=c.id),
                 "kind": "consultation", "offline_urls": _offline_urls(c)}
                for c in rows if c.is_running]

    register_activity_provider(state.app, provider)


def _consultation(consultation_id) -> Consultation:
    return db.session.get(Consultation, consultation_id) or abort(404)


def request_origin() -> Origin:
    """Only a registered tablet counts as a kiosk; everything else is a personal device."""
    return Origin.kiosk if current_kiosk() else Origin.personal


def participant(consultation: Consultation, create=True):
    """This visitor's participant in the consultation, created on first action.

    A signed-in resident acts as their account's participant, from any device.
    """
    tablet_key = _tablet_resident_key()
    if g.get("resident") is not None:
        if tablet_key:  # signed in on a kiosk: the account and the outbox's name are one (docs/kiosk.md)
            return account_named_by_tablet(consultation, g.resident, tablet_key, create=create,
                                           origin=request_origin())
        return participant_of(consultation, g.resident, create=create, origin=request_origin())
    tokens = session.get(TOKENS, {})
    found = ops.participant_by_token(consultation, tokens.get(str(consultation.id)))
    if found is not None and found.resident_id is not None:
        found = None  # an account's participant acts only while its resident is signed in
    if tablet_key:  # online and offline on a kiosk: one participant (docs/kiosk.md)
        found = ops.participant_named_by_tablet(consultation, tablet_key, found, request_origin(), create=create)
    if found is None and create:
        found = ops.new_participant(consultation, request_origin(), invited_by_code=pending_inviter())
    if found is not None and tokens.get(str(consultation.id)) != found.token:
        session[TOKENS] = {**tokens, str(consultation.id): found.token}
    return found


def _tablet_resident_key() -> str | None:
    """The UUID a kiosk's outbox.js gives the resident in front of it (field `outbox_resident`
    of every consultation form on a kiosk), the one its outbox names them by offline."""
    if request.method != "POST" or current_kiosk() is None:
        return None
    return request.form.get("outbox_resident") or None


def _visible_ideas(consultation):
    return db.session.scalars(select(Idea).where(
        Idea.consultation_id == consultation.id, Idea.visibility == Visibility.visible).order_by(Idea.id)).all()


@bp.get("/<int:consultation_id>")
def consultation(consultation_id):
    return _consultation_page(_consultation(consultation_id))


def _consultation_page(c: Consultation, volunteered: dict | None = None):
    """`volunteered`: what a resident typed in a committee's form that could not be saved."""
    me = participant(c, create=False)
    supported = set()
    if me is not None:
        supported = set(db.session.scalars(select(ops.Support.idea_id).where(ops.Support.participant_id == me.id)))
    answered = set(db.session.scalars(select(OfficialAnswer.idea_id).join(Idea).where(Idea.consultation_id == c.id)))
    ideas = _visible_ideas(c)
    return render_template(
        "deliberation/consultation.html", consultation=c, ideas=ideas, supported=supported, me=me,
        ranking=ops.pairwise_ranking(c) if c.shows_results else None, titles={i.id: i.title for i in ideas},
        idea_languages={i.id: i.language for i in ideas},
        committees=db.session.scalars(select(Committee).where(Committee.consultation_id == c.id)).all(),
        age_brackets=AGE_BRACKETS,
        counts=ops.support_counts(c) if c.shows_results else None, answered=answered, kiosk=current_kiosk(),
        # The statements page: to vote on shown statements, or to write the first ones.
        has_statements=(c.accepts_votes and statement_ops.has_shown_statements(c))
        or statement_ops.accepts_statements(c),
        questions=ops.visible_questions(c), my_hidden_questions=_my_hidden_questions(c, me),
        may_ask=c.is_running and bool(ops.institutions_for(c)), volunteered=volunteered or {},
    )


def _my_hidden_questions(c: Consultation, me) -> list[InstitutionQuestion]:
    """A resident sees their own hidden questions, with the moderator's reason; nobody else does."""
    if me is None:
        return []
    return db.session.scalars(select(InstitutionQuestion).where(
        InstitutionQuestion.consultation_id == c.id, InstitutionQuestion.asker_id == me.id,
        InstitutionQuestion.visibility == Visibility.hidden).order_by(InstitutionQuestion.id)).all()


@bp.url_value_preprocessor
def _room_for_a_photo(endpoint, _values):
    # The proposal form may carry a phone photo, far larger than any other form. The body
    # size is enforced when the CSRF check first reads the form, before any view runs;
    # URL value preprocessors run earlier still, so the limit is raised here.
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if endpoint == "deliberation.propose" and limit is not None:
        request.max_content_length = limit + photos.max_bytes()


@bp.route("/<int:consultation_id>/proposer", methods=["GET", "POST"])
def propose(consultation_id):
    c = _consultation(consultation_id)
    if not c.accepts_proposals:
        flash(_not_accepting(c, _("Proposals are closed in this consultation.")), "error")
        return redirect(url_for(".consultation", consultation_id=c.id))
    fields = {key: request.form.get(key, "").strip() for key in ("title", "body", "theme", "photo_alt")}
    about = {key: request.form.get(f"about-{key}", "") for key in ABOUT_FIELDS}
    similar, errors = [], {}
    if request.method == "POST":
        about_clean, errors = clean_about_you(about, True)
        # Each field in error is pointed at on the form (aria-invalid, its message beside it).
        errors.update(ops.idea_errors(fields["title"], fields["body"], fields["theme"]))
        try:
            _keep_photo(c)
        except ops.DeliberationError as error:
            # A photo that is refused stops everything: the resident meant to join one.
            flash(str(error), "error")
            return _propose_page(c, fields, similar, about, errors)
        if not request.form.get("confirmed") and not errors:
            # First step: show similar ideas, so the resident can support one instead.
            similar = ops.similar_ideas(c, f"{fields['title']} {fields['body']}")
        if not errors and (request.form.get("confirmed") or not similar):
            try:
                carrier = participant(c)
                idea = ops.propose_idea(c, carrier, title=fields["title"], body=fields["body"],
                                        theme=fields["theme"] or None, language=current_language())
                _attach_kept_photo(idea, fields["photo_alt"])
                ops.describe_participant(carrier, **about_clean)
                db.session.commit()
            except ops.FormRefused as refused:  # longer once scrubbed than as typed
                db.session.rollback()
                errors.update(refused.errors)
            except ops.DeliberationError as error:
                flash(str(error), "error")
            except DBAPIError as error:  # read-only or full: the form keeps everything, photo included
                flash(nothing_saved(error), "error")
                return _propose_page(c, fields, similar, about, errors), 503
            else:
                flash(_("Thank you! Your idea is published."), "success")
                return redirect(url_for(".idea", idea_id=idea.id))
    elif pending_inviter():
        about["invited_by"] = pending_inviter()
    return _propose_page(c, fields, similar, about, errors)


def _not_accepting(c: Consultation, switched_off: str) -> str:
    if not c.has_opened:
        return _("This consultation is not open yet.")
    return _("This consultation is closed.") if c.is_closed else switched_off


def _propose_page(c, fields, similar, about, errors):
    return render_template("deliberation/propose.html", consultation=c, fields=fields, similar=similar,
                           kiosk=current_kiosk(), photo_kept=_kept_photo(c) is not None,
                           photo_max_mb=photos.max_megabytes(), about=about, errors=errors,
                           age_brackets=AGE_BRACKETS,
                           quartiers=[t for t in all_territories() if t.kind is TerritoryKind.quartier])


def _kept_photo(c) -> str | None:
    kept = session.get(PENDING_PHOTO) or {}
    return kept.get("name") if kept.get("consultation") == c.id else None


def _keep_photo(c):
    """Store a newly chosen photo aside until the idea is published.

    Kept across the "similar ideas" step and a refused form, so the resident does not
    have to choose it again; the kiosk reset forgets it with the rest of the session.
    """
    if request.form.get("remove_photo"):
        photos.remove(_kept_photo(c), pending=True)
        session.pop(PENDING_PHOTO, None)
    cleaned = photos.prepare(request.files.get("photo"))
    if cleaned is not None:
        photos.remove(_kept_photo(c), pending=True)
        session[PENDING_PHOTO] = {"consultation": c.id, "name": photos.store(cleaned, pending=True)}


def _attach_kept_photo(idea, description: str):
    name = _kept_photo(idea.consultation)
    session.pop(PENDING_PHOTO, None)
    if name and photos.publish_pending(name):
        idea.photo = name
        idea.photo_alt = clean_text(description)[:200] or None


@bp.route("/<int:consultation_id>/questions", methods=["GET", "POST"])
def ask(consultation_id):
    """Ask an institution a question: choose it, write, check what will be published, confirm."""
    c = _consultation(consultation_id)
    if request.form.get("confirmed") and ops.question_sent(request.form.get("uuid")):
        # A confirmation sent again, perhaps after the consultation closed: acknowledged, not refused.
        return _question_sent(c, created=False)
    institutions = ops.institutions_for(c)
    if not c.is_running or not institutions:  # questions are not a phase: asked whenever it runs
        flash(_not_accepting(c, _("No institution takes questions in this consultation yet.")), "error")
        return redirect(url_for(".consultation", consultation_id=c.id))
    fields = {key: request.form.get(key, "").strip() for key in ("institution", "text", "quartier")}
    # The form's UUID goes through both steps and survives a refusal: sent twice, stored once.
    form_uuid = request.form.get("uuid") or str(uuid.uuid4())
    if request.method == "GET" or request.form.get("edit"):
        return _ask_page(c, institutions, fields, form_uuid)
    try:
        institution, text, about = _checked_question(c, fields)
    except ops.FormRefused as refused:
        return _ask_page(c, institutions, fields, form_uuid, errors=refused.errors)
    except ops.DeliberationError as error:  # closed a moment ago, by its calendar
        flash(str(error), "error")
        return redirect(url_for(".consultation", consultation_id=c.id))
    if not request.form.get("confirmed"):
        # What will be published, personal data already removed, before it is sent.
        return render_template("deliberation/ask_confirm.html", consultation=c, institution=institution,
                               published=clean_text(text), fields=fields, form_uuid=form_uuid, kiosk=current_kiosk())
    try:
        asker = participant(c)
        _question, created = ops.ask_question(c, asker, institution.id, text, uuid=form_uuid,
                                              language=current_language())
        ops.describe_participant(asker, **about)
        db.session.commit()
    except ops.DeliberationError as error:  # a form whose UUID was tampered with
        db.session.rollback()
        flash(str(error), "error")
        return _ask_page(c, institutions, fields, str(uuid.uuid4()))
    except DBAPIError as error:  # the same UUID: sent again later, the question is stored once
        flash(nothing_saved(error), "error")
        return _ask_page(c, institutions, fields, form_uuid), 503
    return _question_sent(c, created, institution)


def _checked_question(c: Consultation, fields: dict):
    """(institution, text, about the asker); every field is checked, so the page points at every mistake."""
    about, errors = clean_about_you({"quartier": fields["quartier"]}, True)
    try:
        institution, text = ops.check_question(c, fields["institution"], fields["text"])
    except ops.FormRefused as refused:
        raise ops.FormRefused({**refused.errors, **errors}) from None
    if errors:
        raise ops.FormRefused(errors)
    return institution, text, about


def _question_sent(c: Consultation, created: bool, institution=None):
    if created:
        flash(_("Thank you! Your question is sent to %(institution)s.", institution=institution.name), "success")
    else:
        flash(_("This question was already sent: it is stored once."), "info")
    return redirect(url_for(".consultation", consultation_id=c.id) + "#questions", code=303)


def _ask_page(c, institutions, fields, form_uuid, errors=None):
    return render_template("deliberation/ask.html", consultation=c, institutions=institutions, fields=fields,
                           form_uuid=form_uuid, errors=errors or {}, question_max=ops.QUESTION_MAX,
                           kiosk=current_kiosk(),
                           quartiers=[t for t in all_territories() if t.kind is TerritoryKind.quartier])


@bp.get("/idees/<int:idea_id>")
def idea(idea_id):
    return _idea_page(db.session.get(Idea, idea_id) or abort(404))


def _idea_page(idea: Idea, typed_comment: dict | None = None):
    """`typed_comment`: a comment that could not be saved or was refused, shown again in its
    form (with `message`, the refusal tied to its field)."""
    c = idea.consultation
    me = participant(c, create=False)
    if not _may_see(idea, me):
        abort(404)
    comments = []
    if can_read_debate(g.user, idea):  # the carrier of a hidden idea reads the reason, not the debate
        comments = db.session.scalars(select(Comment).where(Comment.idea_id == idea.id).order_by(Comment.id)).all()
    answers = db.session.scalars(select(OfficialAnswer).where(OfficialAnswer.idea_id == idea.id)
                                 .order_by(OfficialAnswer.answered_at)).all()
    supported = me is not None and db.session.scalar(select(ops.Support.id).where(
        ops.Support.idea_id == idea.id, ops.Support.participant_id == me.id)) is not None
    co_carrying = me is not None and any(p.id == me.id for p in idea.co_carriers)
    return render_template(
        "deliberation/idea.html", idea=idea, consultation=c, answers=answers, supported=supported, me=me,
        co_carrying=co_carrying,
        top_comments=[x for x in comments if x.parent_id is None],
        replies={x.id: [r for r in comments if r.parent_id == x.id] for x in comments},
        counts=ops.support_counts(c) if c.shows_results else None, kiosk=current_kiosk(),
        positions=list(Position), typed_comment=typed_comment,
    )


def _may_see(idea: Idea, me) -> bool:
    """A hidden idea is shown to its carrier (with the reason) and to moderators only."""
    if idea.visibility is Visibility.visible:
        return True
    return (me is not None and me.id == idea.carrier_id) or can_moderate(g.user, idea.consultation)


@bp.get("/photos/<name>")
def photo(name):
    """An idea's photo, served only to those who may see the idea."""
    idea = db.session.scalar(select(Idea).where(Idea.photo == name)) or abort(404)
    if not _may_see(idea, participant(idea.consultation, create=False)):
        abort(404)
    path = photos.path_of(name) or abort(404)
    return send_file(path, mimetype="image/jpeg", download_name=name)


@bp.post("/idees/<int:idea_id>/soutien")
def support(idea_id):
    idea = db.session.get(Idea, idea_id) or abort(404)
    me = participant(idea.consultation)
    try:
        if request.form.get("withdraw"):
            ops.withdraw_support(idea, me)
            flash(_("Your support is withdrawn."), "success")
        else:
            ops.support_idea(idea, me, uuid=request.form.get("uuid") or str(uuid.uuid4()), origin=request_origin())
            flash(_("Your support is counted."), "success")
    except ops.DeliberationError as error:
        db.session.rollback()
        flash(str(error), "error")
    db.session.commit()
    session[JUST_VOTED] = idea.id
    return redirect(request.form.get("back") == "list" and url_for(".consultation", consultation_id=idea.consultation_id)
                    or url_for(".idea", idea_id=idea.id))


@bp.post("/idees/<int:idea_id>/co-porter")
def co_carry(idea_id):
    """"Carry this idea with them": one tap to join its carrier, one tap to step back."""
    idea = db.session.get(Idea, idea_id) or abort(404)
    me = participant(idea.consultation)
    try:
        if request.form.get("withdraw"):
            ops.remove_co_carrier(idea, me.id)
            flash(_("You no longer carry this idea."), "success")
        else:
            ops.co_carry(idea, me)
            flash(_("Thank you! You carry this idea with them."), "success")
    except ops.DeliberationError as error:
        db.session.rollback()
        flash(str(error), "error")
    db.session.commit()
    return redirect(url_for(".idea", idea_id=idea.id) + "#porteurs")


def _open_idea(idea_id) -> Idea:
    """An idea open to debate: nobody comments on, or reports comments of, a hidden idea."""
    idea = db.session.get(Idea, idea_id)
    if idea is None or idea.visibility is not Visibility.visible:
        abort(404)
    return idea


@bp.post("/idees/<int:idea_id>/commentaires")
def comment(idea_id):
    idea = _open_idea(idea_id)
    parent = row_by_outside_id(Comment, request.form.get("parent"))
    typed = {"body": request.form.get("body", ""), "position": request.form.get("position", "neutral"),
             "parent": parent.id if parent else None, "uuid": request.form.get("uuid") or str(uuid.uuid4())}
    try:
        me = participant(idea.consultation)
        if request.form.get("parent") and parent is None:
            raise ops.DeliberationError(_("The comment you reply to does not exist."))
        position = Position(typed["position"])
        ops.add_comment(idea, me, typed["body"], position, parent=parent, uuid=typed["uuid"],
                        language=current_language())
        db.session.commit()
    except ops.FormRefused as refused:
        # The text itself: shown again in its form, the message tied to the field.
        db.session.rollback()
        return _idea_page(idea, typed_comment={**typed, "message": refused.errors["body"]}), 422
    except ValueError as error:  # DeliberationError is a ValueError; so is an unknown position
        db.session.rollback()
        flash(str(error) if isinstance(error, ops.DeliberationError) else _("A comment is for, neutral or against."),
              "error")
        db.session.commit()
    except DBAPIError as error:  # the same UUID: sent again later, the comment is stored once
        flash(nothing_saved(error), "error")
        return _idea_page(idea, typed_comment=typed), 503
    return redirect(url_for(".idea", idea_id=idea.id) + "#debat")


@bp.post("/commentaires/<int:comment_id>/signaler")
def report(comment_id):
    reported = db.session.get(Comment, comment_id) or abort(404)
    idea = _open_idea(reported.idea_id)
    try:
        ops.report_comment(reported, participant(idea.consultation), request.form.get("reason", ""))
        db.session.commit()
    except DBAPIError as error:
        flash(nothing_saved(error), "error")
        return _idea_page(idea), 503
    flash(_("Thank you: a moderator will look at this comment."), "success")
    return redirect(url_for(".idea", idea_id=idea.id) + "#debat")


@bp.post("/idees/<int:idea_id>/signaler")
def report_idea(idea_id):
    """Any visitor reports an idea to the moderators (once per participant)."""
    idea = _open_idea(idea_id)
    ops.report_text("idea", idea.id, idea.consultation, participant(idea.consultation), request.form.get("reason", ""))
    flash(_("Thank you: a moderator will look at this text."), "success")
    return redirect(url_for(".idea", idea_id=idea.id))


@bp.post("/questions/<int:question_id>/signaler")
def report_question(question_id):
    """Any visitor reports a question to an institution (once per participant)."""
    question = db.session.get(InstitutionQuestion, question_id)
    if question is None or question.visibility is not Visibility.visible:
        abort(404)
    c = question.consultation
    ops.report_text("question", question.id, c, participant(c), request.form.get("reason", ""))
    flash(_("Thank you: a moderator will look at this text."), "success")
    return redirect(url_for(".consultation", consultation_id=c.id) + f"#question-{question.id}")


@bp.post("/<int:consultation_id>/comites/<int:committee_id>")
def volunteer(consultation_id, committee_id):
    """A resident offers to join a steering committee; a facilitator validates later."""
    c = _consultation(consultation_id)
    committee = db.session.get(Committee, committee_id)
    if committee is None or committee.consultation_id != c.id:
        abort(404)
    gender = request.form.get("gender") if request.form.get("gender") in GENDERS else None
    age = request.form.get("age_bracket") if request.form.get("age_bracket") in AGE_BRACKETS else None
    typed = {"committee": committee.id, "display_name": request.form.get("display_name", ""), "gender": gender,
             "age_bracket": age}
    try:
        me = participant(c)
        ops.volunteer(committee, me, typed["display_name"], gender=gender, age_bracket=age)
        ops.describe_participant(me, gender=gender, age_bracket=age)
        db.session.commit()
        flash(_("Thank you! A facilitator will contact you through the centre."), "success")
    except ops.DeliberationError as error:
        flash(str(error), "error")
        db.session.commit()
    except DBAPIError as error:
        flash(nothing_saved(error), "error")
        return _consultation_page(c, volunteered=typed), 503
    return redirect(url_for(".consultation", consultation_id=c.id) + "#comite")


@bp.route("/<int:consultation_id>/duel", methods=["GET", "POST"])
def pairwise(consultation_id):
    """"Which do you prefer?": two ideas, one tap, then the next pair."""
    c = _consultation(consultation_id)
    if request.method == "POST":
        winner = row_by_outside_id(Idea, request.form.get("winner"))
        loser = row_by_outside_id(Idea, request.form.get("loser"))
        if winner is None or loser is None:
            abort(400)
        try:
            ops.vote_pairwise(winner, loser, participant(c), uuid=request.form.get("uuid", ""), origin=request_origin())
            session[JUST_VOTED] = "pair"
        except ops.DeliberationError as error:
            db.session.rollback()
            flash(str(error), "error")
        db.session.commit()
        return redirect(url_for(".pairwise", consultation_id=c.id), code=303)
    ideas = _visible_ideas(c)
    if not c.accepts_votes or len(ideas) < 2:
        flash(_not_accepting(c, _("Comparing ideas is not open in this consultation.")), "error")
        return redirect(url_for(".consultation", consultation_id=c.id))
    pair = choose_pair([i.id for i in ideas], ops.pairwise_counts(c))
    by_id = {i.id: i for i in ideas}
    return render_template("deliberation/pairwise.html", consultation=c, left=by_id[pair[0]], right=by_id[pair[1]],
                           kiosk=current_kiosk())


@bp.route("/<int:consultation_id>/affirmations", methods=["GET", "POST"])
def statements(consultation_id):
    """Agree, disagree or pass on short statements, one per screen."""
    c = _consultation(consultation_id)
    if request.method == "POST":
        statement = row_by_outside_id(Statement, request.form.get("statement")) or abort(400)
        try:
            me = participant(c)
            ops.vote_on_statement(statement, me, request.form.get("value", type=int), uuid=request.form.get("uuid", ""),
                                  origin=request_origin())
            db.session.commit()
            session[JUST_VOTED] = "statement"
        except ops.DeliberationError as error:
            db.session.rollback()
            flash(str(error), "error")
        except DBAPIError as error:  # the same statement again, with the same UUID: counted once when sent again
            flash(nothing_saved(error), "error")
            return _vote_page(c, participant(c, create=False), statement, request.form.get("uuid", "")), 503
        return redirect(url_for(".statements", consultation_id=c.id), code=303)
    return _vote_page(c, participant(c, create=False))


def _vote_page(c: Consultation, me, unsaved: Statement | None = None, vote_uuid: str | None = None):
    """The next statement to vote on; `unsaved`: the one whose vote could not be saved, shown again."""
    voted = set()
    if me is not None:
        voted = set(db.session.scalars(select(StatementVote.statement_id).where(StatementVote.participant_id == me.id)))
    skipped = voted | statement_ops.reported_by(me)  # a statement one reported is not asked again
    remaining = [s for s in statement_ops.shown_statements(c) if s.id not in skipped]
    if unsaved is not None:
        remaining = [unsaved] + [s for s in remaining if s.id != unsaved.id]
    return _statements_page(c, remaining, mine_waiting=statement_ops.waiting_from(me), vote_uuid=vote_uuid)


def _statements_page(c: Consultation, remaining: list, **form):
    return render_template("deliberation/statements.html", consultation=c, statement=remaining[0] if remaining else None,
                           mine_waiting=form.pop("mine_waiting", []), vote_uuid=form.pop("vote_uuid", None),
                           left=len(remaining), kiosk=current_kiosk(), may_propose=statement_ops.accepts_statements(c),
                           may_vote=c.accepts_votes, text_max=statement_ops.STATEMENT_TEXT_MAX,
                           reportable=c.statement_moderation is StatementModeration.open,
                           form_uuid=form.pop("form_uuid", None) or str(uuid.uuid4()),
                           similar=form.pop("similar", []), text=form.pop("text", ""), errors=form.pop("errors", {}))


@bp.post("/<int:consultation_id>/affirmations/proposer")
def propose_statement(consultation_id):
    """A resident proposes a statement: first similar ones are shown, then it is sent.

    The form's UUID goes through both steps: sent twice, stored once.
    """
    c = _consultation(consultation_id)
    text = request.form.get("text", "").strip()
    form_uuid = request.form.get("uuid") or str(uuid.uuid4())
    stored = statement_ops.stored_under(form_uuid)
    if stored is None:
        try:
            statement_ops.check_statement(c, text)
        except ops.FormRefused as refused:
            return _statements_page(c, [], form_uuid=form_uuid, text=text, errors=refused.errors), 422
        except ops.DeliberationError as error:
            flash(str(error), "error")
            return redirect(url_for(".consultation", consultation_id=c.id))
        similar = [] if request.form.get("confirmed") else statement_ops.similar_statements(c, text)
        if similar:
            return _statements_page(c, [], form_uuid=form_uuid, text=text, similar=similar)
    try:
        statement, created = statement_ops.propose_statement(c, participant(c), text, uuid=form_uuid,
                                                             language=current_language())
        db.session.commit()
    except ops.DeliberationError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".statements", consultation_id=c.id), code=303)
    except DBAPIError as error:  # the database refused the write: the text stays in the form, same UUID
        flash(nothing_saved(error), "error")
        return _statements_page(c, [], form_uuid=form_uuid, text=text), 503
    if not created:
        flash(_("This statement was already sent: it is stored once."), "info")
    elif statement.is_shown:
        flash(_("Thank you! Your statement is published: others can now give their opinion on it."), "success")
    else:
        flash(_("Thank you! Your statement will be shown once a moderator has read it."), "success")
    return redirect(url_for(".statements", consultation_id=c.id), code=303)


@bp.post("/affirmations/<int:statement_id>/signaler")
def report_statement(statement_id):
    """Report a shown statement (consultations in "open" moderation publish them at once)."""
    statement = db.session.get(Statement, statement_id)
    if statement is None or not statement.is_shown:
        abort(404)
    try:
        statement_ops.report_statement(statement, participant(statement.consultation), request.form.get("reason", ""))
        flash(_("Thank you: a moderator will look at this statement."), "success")
    except ops.DeliberationError as error:
        db.session.rollback()
        flash(str(error), "error")
    return redirect(url_for(".statements", consultation_id=statement.consultation_id), code=303)


@bp.get("/<int:consultation_id>/carte-des-opinions")
def opinion_map(consultation_id):
    """The opinion groups in plain words and a picture, with "where you are" for a voter."""
    c = _consultation(consultation_id)
    data = opinion_map_data(c, participant(c, create=False)) if c.shows_results else None
    return render_template("deliberation/opinion_map.html", consultation=c, m=data, kiosk=current_kiosk(),
                           min_people=MIN_PEOPLE)
