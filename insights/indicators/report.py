"""Indicators as people and programs read them: JSON-ready dicts, small figures hidden.

The API, the CLI, the dashboard and its exports all use `indicator_report`, so they
always say the same thing.
"""
from voix.territories.models import Territory

from .definitions import DEFINITIONS, GROUPS, PART_UNITS, part_label
from .measure import measure
from .scope import MIN_PEOPLE, Figure, Period, Scope

DIGITS = {"share": 4, "per_100": 3, "days": 1, "net_tone": 3}


def _shown(figure: Figure | None, unit: str) -> dict:
    """value, count and interval, or None for all three when too few people stand behind."""
    if figure is None:
        return {"value": None, "count": None, "suppressed": False}
    # What `count` counts: people (the small-cell rule applies) or things such as waves.
    count_of = "people" if figure.about_people else "items"
    if figure.suppressed:
        return {"value": None, "count": None, "count_of": count_of, "suppressed": True}
    shown = {"value": _round(figure.value, unit), "count": figure.count, "count_of": count_of, "suppressed": False}
    if figure.interval is not None:
        shown["interval"] = [_round(bound, unit) for bound in figure.interval]
    return shown


def _round(value, unit):
    if value is None or unit not in DIGITS:
        return value
    return round(float(value), DIGITS[unit])


def _change(now: dict, before: dict):
    if now["value"] is None or before["value"] is None:
        return None
    return _round(now["value"] - before["value"], "share" if isinstance(now["value"], float) else None)


def _hide_complement(parts: dict[str, Figure]) -> set[str]:
    """When parts add up to a shown total, one hidden part could be recovered by subtraction:
    hide the smallest shown part too. Returns every part to hide."""
    hidden = {key for key, part in parts.items() if part.suppressed}
    if len(hidden) == 1:
        shown = [(part.count, key) for key, part in parts.items() if key not in hidden and part.count > 0]
        if shown:
            hidden.add(min(shown)[1])
    return hidden


def _indicator(definition, series: list[dict[str, Figure]]) -> dict:
    now = series[-1][definition.id]
    before = series[-2][definition.id] if len(series) > 1 else None
    item = {"id": definition.id, "group": definition.group, "group_label": str(GROUPS[definition.group]),
            "label": str(definition.label), "unit": definition.unit, "definition": str(definition.definition),
            "method": str(definition.method), **_shown(now, definition.unit)}
    item["previous"] = _shown(before, definition.unit)
    item["change"] = _change(item, item["previous"])
    item["series"] = [_shown(measures[definition.id], definition.unit) for measures in series]
    hidden = set()  # parts hidden in both periods
    if definition.additive:
        for figure in (now, before):
            if figure is not None and not figure.suppressed:
                # A part hidden only to protect a small one stays hidden in the other period:
                # its value there would often be the same (committees only grow).
                small = {key for key, part in figure.parts.items() if part.suppressed}
                hidden |= _hide_complement(figure.parts) - small
    item["parts"] = []
    for key, part in now.parts.items():
        unit = PART_UNITS.get(key, definition.unit)
        shown, previous = _shown(part, unit), None
        if before is not None:  # a part absent before had nobody (or nothing) in it
            previous = _shown(before.parts.get(key, Figure(None, 0, part.about_people)), unit)
        if key in hidden:
            shown = previous = {"value": None, "count": None, "count_of": "people", "suppressed": True}
        elif previous is None:
            previous = _shown(None, unit)
        item["parts"].append({"key": key, "label": part_label(key), "unit": unit, **shown,
                              "previous": previous, "change": _change(shown, previous)})
    return item


def indicator_report(territory: Territory, period: Period, n_periods: int = 2) -> dict:
    """Every indicator for the territory over the period, compared with the previous period.

    With n_periods > 2, each indicator also carries the values of the earlier periods of
    the same length in `series` (oldest first), for charts.
    """
    periods = period.series(max(n_periods, 2))
    series = [measure(Scope.of(territory, p)) for p in periods]
    return {
        "territory": {"slug": territory.slug, "name": territory.name, "kind": territory.kind.value},
        "period": period.as_json(),
        "previous_period": period.previous().as_json(),
        "periods": [p.as_json() for p in periods],
        "min_people": MIN_PEOPLE,
        "indicators": [_indicator(definition, series) for definition in DEFINITIONS],
    }


def find(report: dict, indicator_id: str) -> dict:
    return next(item for item in report["indicators"] if item["id"] == indicator_id)


