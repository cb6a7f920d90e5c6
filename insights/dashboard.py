"""Evaluators' dashboard: every indicator on one page, each with a chart, its data table,
its definition and method; CSV and XLSX exports; a print stylesheet makes it an A4 report.

Thin adapter over insights.indicators: the figures are exactly those of the API.
"""
from datetime import date

from flask import Blueprint, abort, g, render_template, request
from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _

from voix.accounts.auth import staff_required
from voix.accounts.models import Role
from voix.accounts.permissions import can_read_results
from voix.downloads import XLSX, attachment, csv_response, spreadsheet_safe, xlsx_bytes
from voix.models import local_today
from voix.territories.models import all_territories

from .indicators import indicator_report
from .indicators.definitions import DEFINITIONS, GROUPS
from .indicators.scope import PeriodError, read_period
from .waiting import waiting_line

bp = Blueprint("indicators", __name__, url_prefix="/evaluation/indicateurs", template_folder="templates")
N_PERIODS = 5  # each chart shows the chosen period and the four of the same length before it


def _choices():
    # Widest first: the metropole, then communes, then quartiers.
    territories = sorted((t for t in all_territories() if can_read_results(g.user, t)),
                         key=lambda t: (len(t.lineage()), t.label))
    if not territories:
        abort(403)
    slug = request.args.get("territory") or territories[0].slug
    chosen = next((t for t in territories if t.slug == slug), None)
    if chosen is None:
        abort(403)
    return territories, chosen


def _report(n_periods):
    territories, territory = _choices()
    try:
        period = read_period(request.args.get("from") or None, request.args.get("to") or None, local_today())
        error = None
    except PeriodError as problem:
        period, error = read_period(None, None, local_today()), str(problem)
    return territories, territory, period, error, indicator_report(territory, period, n_periods)


@bp.get("/")
@staff_required(Role.evaluator, Role.facilitator)
def index():
    territories, territory, period, error, report = _report(N_PERIODS)
    return render_template("insights/indicators.html", territories=territories, territory=territory,
                           period=period, error=error, report=report, groups=GROUPS,
                           period_label=period_label, figure_text=figure_text, change_text=change_text,
                           chart=chart, waiting=waiting_line())


@bp.get("/indicateurs.<any(csv, xlsx):fmt>")
@staff_required(Role.evaluator, Role.facilitator)
def export(fmt):
    _territories, territory, period, _error, report = _report(2)
    name = f"indicateurs-{territory.slug}-{period.start}-{period.end}"
    if fmt == "csv":
        return csv_response([[spreadsheet_safe(value) for value in row] for row in export_rows(report)], name + ".csv")
    definitions = [["indicator", "label", "definition", "method"]] + [
        [d.id, str(d.label), str(d.definition), str(d.method)] for d in DEFINITIONS]
    return attachment(xlsx_bytes({"indicators": export_rows(report), "definitions": definitions}), XLSX, name + ".xlsx")


def export_rows(report):
    """One row per figure: the indicator, then each part, for this period and the previous one."""
    yield ["indicator", "label", "part", "part_label", "unit", "period_from", "period_to", "value", "count",
           "count_of", "suppressed"]
    periods = {"now": report["period"], "before": report["previous_period"]}
    for item in report["indicators"]:
        for part in [None, *item["parts"]]:
            figure = part or item
            for when, shown in (("now", figure), ("before", figure["previous"])):
                yield [item["id"], item["label"], part["key"] if part else "", part["label"] if part else "",
                       figure["unit"], periods[when]["from"], periods[when]["to"], shown["value"],
                       shown["count"], shown.get("count_of", ""), int(shown["suppressed"])]


# --- How figures read -----------------------------------------------------------------------

def figure_text(value, unit) -> str:
    if value is None:
        return "—"
    if unit == "share":
        return format_percent(value, "#,##0 %")
    if unit == "per_100":
        return _("%(value)s per 100 inhabitants", value=format_decimal(value, "#,##0.00"))
    if unit == "days":
        return _("%(value)s days", value=format_decimal(value, "#,##0.0"))
    if unit == "net_tone":
        return format_decimal(value, "+0.00;-0.00")
    return format_decimal(value, "#,##0")


def change_text(change, unit) -> str:
    if change is None:
        return "—"
    if unit == "share":
        return _("%(value)s points", value=format_decimal(100 * change, "+0.0;-0.0"))
    if unit == "days":
        return _("%(value)s days", value=format_decimal(change, "+0.0;-0.0"))
    if unit == "net_tone":
        return format_decimal(change, "+0.00;-0.00")
    return format_decimal(change, "+#,##0;-#,##0")


def period_label(period: dict) -> str:
    start, end = date.fromisoformat(period["from"]), date.fromisoformat(period["to"])
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(start.year)
    return f"{format_date(start, 'short')} – {format_date(end, 'short')}"


def short_period_label(period: dict) -> str:
    start, end = date.fromisoformat(period["from"]), date.fromisoformat(period["to"])
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(start.year)
    return format_date(start, "MMM yy")


# --- Charts ---------------------------------------------------------------------------------

WIDTH, HEIGHT, TOP, BOTTOM = 320, 150, 22, 24


def chart(item, periods) -> dict:
    """Bars of the indicator over the periods, each labelled with its figure (so the chart
    never relies on colour); a hidden period shows "< 10" instead of a bar."""
    values = [entry["value"] for entry in item["series"]]
    unit = item["unit"]
    if unit == "net_tone":
        low, high = -1.0, 1.0
    elif unit == "share":
        low, high = 0.0, 1.0
    else:
        low, high = 0.0, max([v for v in values if v is not None] + [1])
    plot = HEIGHT - TOP - BOTTOM
    zero = TOP + plot * high / (high - low)
    step = WIDTH / len(values)
    bars = []
    for index, entry in enumerate(item["series"]):
        x = index * step + step * 0.2
        value = entry["value"]
        top = TOP + plot * (high - value) / (high - low) if value is not None else zero
        bars.append({"x": round(x, 1), "width": round(step * 0.6, 1), "y": round(min(top, zero), 1),
                     "height": round(abs(zero - top), 1), "current": index == len(values) - 1,
                     "label": "< 10" if entry["suppressed"] else figure_text(value, unit),
                     "label_y": round(min(top, zero) - 5, 1), "center": round(x + step * 0.3, 1),
                     "period": short_period_label(periods[index])})
    return {"width": WIDTH, "height": HEIGHT, "zero": round(zero, 1), "bars": bars, "axis_y": HEIGHT - 8}
