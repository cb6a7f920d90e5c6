"""The public home page: open surveys by quartier, for residents on their own device."""
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from surveys.operations import open_waves_for

from .invitations import remember_inviter
from .territories.models import TerritoryKind, all_territories

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    quartiers = [t for t in all_territories() if t.kind is TerritoryKind.quartier]
    surveys_by_quartier = [(q, open_waves_for(q)) for q in quartiers]
    return render_template("home.html", surveys_by_quartier=surveys_by_quartier)


@bp.get("/donnees-personnelles")
def privacy():
    """For residents: what is collected, why, for how long, and whom to write to."""
    return render_template("privacy.html", contact=current_app.config["PRIVACY_CONTACT"],
                           retention_months=current_app.config["FREE_TEXT_RETENTION_MONTHS"])


@bp.get("/invitation/<code>")
def invitation(code):
    """The link (or QR code) a resident passes on: remembers who invited, then shows what is open."""
    if remember_inviter(code):
        flash(_("Welcome! A neighbour invited you: choose a survey or a consultation below."), "success")
    else:
        flash(_("This invitation code is not valid, but you are welcome: choose below."), "error")
    return redirect(url_for(".index"))
