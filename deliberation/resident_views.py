"""Screens of the optional resident accounts: create one, sign in, sign out, "my ideas".

On a kiosk the sign-in ends with the visit: the header shows a sign-out button, an idle
tablet resets itself, and the kiosk reset deletes the server-side sign-in.
"""
from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from voix.accounts import throttle
from voix.accounts.views import _safe_next
from voix.extensions import db
from voix.kiosk.device import current_kiosk, register_reset_hook

from . import residents
from .models import OfficialAnswer
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
