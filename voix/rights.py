"""Erasure on request, by a facilitator, for a resident known only by a code: the panel
card they keep, or the invitation code printed at the end of a survey or a consultation.

Surveys and deliberation each know what their code links to; the app factory hands
their erasers to `init_app`, so this screen serves both without importing either. Every
erasure is recorded in the audit trail: who, when, which code, how many rows, never the
erased texts.
"""
import click
from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired

from .accounts.auth import staff_required
from .accounts.models import Role
from .audit import record
from .database import begin_write
from .extensions import db
from .invitations import normalize_code

bp = Blueprint("rights", __name__, url_prefix="/animation/effacement")


def init_app(app, erasers):
    """erasers: functions (code, *, delete_contributions, territory_ids) -> {what: count}."""
    app.extensions["voix_erasers"] = list(erasers)


def erase_code(code: str, *, delete_contributions: bool, territory_ids=None) -> dict:
    """Run every feature's eraser in one transaction and record it; returns the counts."""
    begin_write()
    counts = {}
    for eraser in current_app.extensions["voix_erasers"]:
        counts.update(eraser(code, delete_contributions=delete_contributions, territory_ids=territory_ids))
    record("erasure", f"code {code}", contributions="deleted" if delete_contributions else "kept anonymously", **counts)
    db.session.commit()
    return counts


class ErasureForm(FlaskForm):
    code = StringField(_l("Card or invitation code"), validators=[DataRequired(_l("Give the code."))],
                       render_kw={"autocomplete": "off", "spellcheck": "false", "maxlength": 20})
    contributions = RadioField(_l("What the person wrote"), default="keep", choices=[
        SelectChoice("keep", _l("Keep it anonymously: the answers and texts stay, nothing links them to the person")),
        SelectChoice("delete", _l("Delete it: the answers and texts written by the person are deleted"))])


@bp.route("/", methods=["GET", "POST"])
@staff_required(Role.facilitator)
def erase():
    form = ErasureForm()
    if form.validate_on_submit():
        code = normalize_code(form.code.data)
        if code is None:
            form.code.errors.append(_("This is not a card or invitation code: 8 letters and digits, as printed."))
        else:
            counts = erase_code(code, delete_contributions=form.contributions.data == "delete",
                                territory_ids=_territories_of(g.user))
            if any(counts.values()):
                flash(_("Erased: nothing links code %(code)s to a person any more (%(n)s records changed).",
                        code=code, n=sum(counts.values())), "success")
            else:
                flash(_("No answer or contribution holds code %(code)s in your territories.", code=code), "info")
            return redirect(url_for(".erase"), code=303)
    return render_template("rights/erase.html", form=form)


def _territories_of(user):
    if user.role is Role.admin:
        return None
    return {t_id for territory in user.territories for t_id in territory.subtree_ids()}


@click.command("erase")
@click.argument("code")
@click.option("--delete", "delete_contributions", is_flag=True,
              help="Delete what the person wrote instead of keeping it anonymously.")
@with_appcontext
def erase_command(code, delete_contributions):
    """Erase the link between a card or invitation CODE and a person, everywhere."""
    normalized = normalize_code(code)
    if normalized is None:
        raise click.BadParameter("not a card or invitation code (8 letters and digits)", param_hint="CODE")
    counts = erase_code(normalized, delete_contributions=delete_contributions)
    click.echo(", ".join(f"{what}: {n}" for what, n in counts.items()))
