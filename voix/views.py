"""The public home page: open surveys by quartier and running consultations, for residents
on their own device; and the residents' page about their personal data."""
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from deliberation.models import Consultation, Phase
from surveys.operations import open_waves_for

from .extensions import db
from .invitations import remember_inviter
from .territories.models import TerritoryKind, all_territories

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    quartiers = [t for t in all_territories() if t.kind is TerritoryKind.quartier]
    surveys_by_quartier = [(q, open_waves_for(q)) for q in quartiers]
    return render_template("home.html", surveys_by_quartier=surveys_by_quartier, consultations=running_consultations())


def running_consultations() -> list[Consultation]:
    """Every consultation between its opening and its closing, as the invitation promises."""
    rows = db.session.scalars(select(Consultation).where(Consultation.phase != Phase.closed).order_by(Consultation.id))
    return [c for c in rows if c.is_running]


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
