"""The public home page: open surveys by quartier, for residents on their own device."""
from flask import Blueprint, render_template

from surveys.operations import open_waves_for

from .territories.models import TerritoryKind, all_territories

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    quartiers = [t for t in all_territories() if t.kind is TerritoryKind.quartier]
    surveys_by_quartier = [(q, open_waves_for(q)) for q in quartiers]
    return render_template("home.html", surveys_by_quartier=surveys_by_quartier)
