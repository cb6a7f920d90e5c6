"""Indicator routes of the JSON API (/api/v1), described in docs/openapi.yaml."""
from flask import Blueprint, abort, g, request
from flask_babel import gettext as _

from voix.accounts.auth import staff_required
from voix.accounts.models import Role
from voix.accounts.permissions import can_read_results
from voix.models import local_today
from voix.territories.models import territory_by_slug

from .indicators import indicator_report
from .indicators.scope import PeriodError, read_period

bp = Blueprint("insights_api", __name__)


@bp.get("/indicators")
@staff_required(Role.evaluator, Role.facilitator)
def indicators():
    slug = request.args.get("territory")
    if not slug:
        abort(400, description=_("Say which territory, for example territory=sanitas."))
    territory = territory_by_slug(slug) or abort(404)
    if not can_read_results(g.user, territory):
        abort(403)
    try:
        period = read_period(request.args.get("from"), request.args.get("to"), local_today())
    except PeriodError as error:
        abort(400, description=str(error))
    return indicator_report(territory, period)
