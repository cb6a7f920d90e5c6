"""Admins keep the list of local institutions and the names residents use for them
(they feed the discourse analysis of the territory: "l'office", "Tours Habitat"...)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from insights.store import forget_analyses

from ..accounts.auth import staff_required
from ..accounts.models import Role
from ..extensions import db
from ..request_input import row_by_outside_id
from ..territories.models import Territory, all_territories
from .models import INSTITUTION_LABELS, Institution, InstitutionCode

bp = Blueprint("institutions", __name__, url_prefix="/admin/institutions")


@bp.get("/")
@staff_required(Role.admin)
def index():
    institutions = db.session.scalars(select(Institution).order_by(Institution.name)).all()
    return render_template("institutions/index.html", institutions=institutions, labels=INSTITUTION_LABELS,
                           territories=all_territories(), edited=None)


@bp.route("/<int:institution_id>", methods=["GET", "POST"])
@bp.route("/nouvelle", methods=["POST"])
@staff_required(Role.admin)
def save(institution_id=None):
    institution = db.session.get(Institution, institution_id) if institution_id else Institution(aliases=[])
    if institution is None:
        abort(404)
    if request.method == "GET":
        return render_template("institutions/index.html", institutions=[], labels=INSTITUTION_LABELS,
                               territories=all_territories(), edited=institution)
    name = request.form.get("name", "").strip()
    territory = row_by_outside_id(Territory, request.form.get("territory"))
    try:
        code = InstitutionCode(request.form.get("code", ""))
    except ValueError:
        code = None
    if not name or territory is None or code is None:
        flash(_("Give a name, a kind and a territory."), "error")
        return redirect(url_for(".index"))
    aliases = sorted({line.strip() for line in request.form.get("aliases", "").splitlines() if line.strip()})
    institution.name, institution.code, institution.territory, institution.aliases = name[:200], code, territory, aliases
    db.session.add(institution)
    forget_analyses(territory.subtree_ids())  # analysed again with the new names
    db.session.commit()
    flash(_("Saved. The texts of this territory will be analysed again."), "success")
    return redirect(url_for(".index"))
