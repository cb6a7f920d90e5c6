"""Screens of the optional resident accounts: create one, sign in, sign out, "my ideas".

On a kiosk the sign-in ends with the visit: the header shows a sign-out button, an idle
tablet resets itself, and the kiosk reset deletes the server-side sign-in.
"""
import json

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice
from wtforms import PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from voix.accounts import throttle
from voix.accounts.views import _safe_next
from voix.audit import record
from voix.database import begin_write
from voix.downloads import attachment
from voix.extensions import db
from voix.kiosk.device import current_kiosk, register_reset_hook

from . import residents, rights
from .models import OfficialAnswer, ResidentAccount
from .operations import DeliberationError
from .views import TOKENS

bp = Blueprint("residents", __name__, url_prefix="/habitants", template_folder="templates")
bp.before_app_request(residents.load_resident)


@bp.record_once
def _sign_out_at_each_kiosk_reset(state):
    register_reset_hook(state.app, residents.end_sign_in)


class SignUpForm(FlaskForm):
    pseudonym = StringField(_l("Pseudonym"), validators=[DataRequired(_l("Choose a pseudonym.")), Length(max=60)],
                            description=_l("Shown next to the ideas you carry. Not your real name."),
                            render_kw={"autocomplete": "username", "dir": "auto", "maxlength": 60})
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Choose a password.")), Length(
        min=residents.PASSWORD_MIN, max=residents.PASSWORD_MAX, message=_l("A password has at least 8 characters."))],
        description=_l("At least 8 characters. Keep it safe: without an email address, it cannot be sent to you again."),
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Password again"), validators=[EqualTo("password", _l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password"})


class SignInForm(FlaskForm):
    pseudonym = StringField(_l("Pseudonym"), validators=[DataRequired(_l("Give your pseudonym.")), Length(max=60)],
                            render_kw={"autocomplete": "username", "dir": "auto", "maxlength": 60})
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Give your password."))],
                             render_kw={"autocomplete": "current-password"})


class EraseAccountForm(FlaskForm):
    contributions = RadioField(_l("What you wrote (ideas, comments, questions)"), default="keep", choices=[
        SelectChoice("keep", _l("Keep it without my pseudonym: it stays useful to the neighbourhood")),
        SelectChoice("delete", _l("Delete it"))])
    password = PasswordField(_l("Your password, to confirm"), validators=[DataRequired(_l("Give your password."))],
                             render_kw={"autocomplete": "current-password"})


def _for_this_device(form):
    # A shared tablet must not offer the next person what this resident typed.
    if current_kiosk():
        for field in form:
            field.render_kw = {**(field.render_kw or {}), "autocomplete": "off"}
    return form


@bp.route("/compte", methods=["GET", "POST"])
def sign_up():
    form = _for_this_device(SignUpForm())
    if form.validate_on_submit():
        try:
            account = residents.create_account(form.pseudonym.data, form.password.data)
        except DeliberationError as error:
            db.session.rollback()
            form.pseudonym.errors = [*form.pseudonym.errors, str(error)]
        else:
            return _signed_in(account, _("Your account is created. You are signed in."))
    return render_template("deliberation/residents/sign_up.html", form=form, kiosk=current_kiosk(),
                           next=_safe_next(request.args.get("next")))


@bp.route("/connexion", methods=["GET", "POST"])
def sign_in():
    form = _for_this_device(SignInForm())
    wait = 0
    if form.validate_on_submit():
        account, wait = throttle.attempt("resident", form.pseudonym.data,
                                         lambda: residents.authenticate(form.pseudonym.data, form.password.data))
        if account is not None:
            return _signed_in(account, _("You are signed in."))
        flash(throttle.wait_message(wait) if wait else _("Wrong pseudonym or password."), "error")
    return render_template("deliberation/residents/sign_in.html", form=form, kiosk=current_kiosk(),
                           next=_safe_next(request.args.get("next"))), 429 if wait else 200


def _signed_in(account, message):
    residents.sign_in(account, session.get(TOKENS, {}))
    session.pop(TOKENS, None)  # from now on the account's participants are used
    db.session.commit()
    flash(message, "success")
    return redirect(_safe_next(request.args.get("next")) or url_for(".my_ideas"))


@bp.post("/deconnexion")
def sign_out():
    residents.sign_out()
    if current_kiosk():
        # The next person starts from the kiosk's welcome screen, with nothing left behind.
        return redirect(url_for("kiosk.reset"), code=303)
    flash(_("You are signed out."), "info")
    return redirect(url_for("home.index"), code=303)


@bp.get("/mes-idees")
def my_ideas():
    if g.resident is None:
        return redirect(url_for(".sign_in", next=request.path))
    ideas = residents.my_ideas(g.resident)
    answers = {}
    for answer in db.session.scalars(select(OfficialAnswer).where(OfficialAnswer.idea_id.in_([i.id for i in ideas]))
                                     .order_by(OfficialAnswer.answered_at)):
        answers.setdefault(answer.idea_id, []).append(answer)
    return render_template("deliberation/residents/my_ideas.html", ideas=ideas, answers=answers, kiosk=current_kiosk(),
                           questions=residents.my_questions(g.resident))


@bp.get("/mes-donnees")
def my_data():
    """Everything the platform holds about the signed-in resident (GDPR article 15)."""
    if g.resident is None:
        return redirect(url_for(".sign_in", next=request.path))
    data = rights.resident_data(g.resident)
    if request.args.get("format") == "json":
        content = json.dumps(data, ensure_ascii=False, indent=2).encode()
        return attachment(content, "application/json", "mes-donnees.json")
    return render_template("deliberation/residents/my_data.html", data=data, kiosk=current_kiosk())


@bp.route("/effacer-mon-compte", methods=["GET", "POST"])
def erase_account():
    """The resident deletes their account (GDPR article 17); their supports and votes stay
    counted, unlinked; what they wrote is kept anonymously or deleted, as they choose."""
    if g.resident is None:
        return redirect(url_for(".sign_in", next=request.path))
    form = _for_this_device(EraseAccountForm())
    if form.validate_on_submit():
        if residents.authenticate(g.resident.pseudonym, form.password.data) is None:
            form.password.errors = [*form.password.errors, _("Wrong password.")]
        else:
            begin_write()
            delete_contributions = form.contributions.data == "delete"
            account_id = g.resident.id
            residents.sign_out()
            counts = rights.erase_account(db.session.get(ResidentAccount, account_id),
                                          delete_contributions=delete_contributions)
            record("erasure", f"resident account {account_id}",
                   contributions="deleted" if delete_contributions else "kept anonymously", **counts)
            db.session.commit()
            flash(_("Your account is deleted. Nothing links what you did here to you any more."), "success")
            return redirect(url_for("kiosk.reset") if current_kiosk() else url_for("home.index"), code=303)
    return render_template("deliberation/residents/erase_account.html", form=form, kiosk=current_kiosk())
