"""Admins keep the territories' populations up to date (they are rate denominators)."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..accounts.auth import staff_required
from ..accounts.models import Role
from ..extensions import db
from .models import Territory, all_territories

bp = Blueprint("territories", __name__, url_prefix="/admin/territoires")


class TerritoryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    population = IntegerField(_l("Population"), validators=[Optional(), NumberRange(min=0, max=10_000_000)])


@bp.get("/")
@staff_required(Role.admin)
def index():
    return render_template("territories/index.html", territories=all_territories())


@bp.route("/<int:territory_id>", methods=["GET", "POST"])
@staff_required(Role.admin)
def edit(territory_id):
    territory = db.session.get(Territory, territory_id) or abort(404)
    form = TerritoryForm(obj=territory)
    if form.validate_on_submit():
        form.populate_obj(territory)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".index"))
    return render_template("territories/edit.html", territory=territory, form=form)
