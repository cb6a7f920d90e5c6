from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..extensions import db
from . import throttle
from .auth import log_in, log_out
from .forms import LoginForm
from .models import Role, user_by_email
from .permissions import READING_ROLES

bp = Blueprint("accounts", __name__)


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    form = LoginForm()
    wait = 0
    if form.validate_on_submit():
        user, wait = throttle.attempt("staff", form.email.data, lambda: _checked_user(form))
        if user is not None:
            log_in(user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")) or landing_page(user))
        flash(throttle.wait_message(wait) if wait else _("Wrong email or password."), "error")
    return render_template("accounts/login.html", form=form), 429 if wait else 200


def _checked_user(form):
    user = user_by_email(form.email.data)
    return user if user is not None and user.active and user.check_password(form.password.data) else None


@bp.post("/deconnexion")
def logout():
    log_out()
    db.session.commit()
    flash(_("You are logged out."), "info")
    return redirect(url_for("home.index"))


def _safe_next(target: str | None) -> str | None:
    # Only same-site paths: an open redirect after login is a phishing tool.
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and not urlsplit(target).netloc:
        return target
    return None


def landing_page(user) -> str:
    """Where each role starts its work."""
    if user.role in READING_ROLES:
        return url_for("survey_manage.index")
    if user.role in (Role.moderator, Role.institution):
        return url_for("deliberation_manage.index")
    return url_for("home.index")
