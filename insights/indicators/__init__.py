"""The action sheet's indicators, computed from what happens on the platform.

    from insights.indicators import Period, indicator_report
    report = indicator_report(territory, Period(date(2025, 1, 1), date(2025, 12, 31)))

- scope.py: a territory (with everything inside it) and a period; Figure, the small-cell rule
- people.py: who took part (survey respondents, consultation participants)
- participation.py, social_link.py, institutions.py, exchanges.py: one function per indicator
- measure.py: all of them for one scope; report.py: with the previous period, small
  figures hidden, ready for JSON (API, CLI, dashboard, exports)
- definitions.py: the definition and method shown beside each figure
"""
from .report import find, indicator_report
from .scope import MIN_PEOPLE, Period

__all__ = ["MIN_PEOPLE", "Period", "find", "indicator_report"]
