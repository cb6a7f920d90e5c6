"""What every indicator is computed over: a territory (and all it contains) and a period."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from voix.extensions import db
from voix.territories.models import Territory, TerritoryKind

MIN_PEOPLE = 10  # below this many people behind a figure, the figure is never shown
MAX_DAYS = 3653


def _add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) `day`'s month; `day` is a 1st."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included, in the residents' time zone."""

    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a period ends after it starts")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period just before, of the same length: what "compared with" means.

        Whole calendar months (a year, a quarter, a month) step back by as many months, as
        evaluators report: the year before 2025 is 2024, not 366 days ending on 31 December.
        Any other period steps back by its number of days.
        """
        months = self._whole_months()
        if months:
            start = _add_months(self.start, -months)
            return Period(start, self.start - timedelta(days=1))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def _whole_months(self) -> int | None:
        """How many calendar months the period covers exactly, or None."""
        if self.start.day != 1 or (self.end + timedelta(days=1)).day != 1:
            return None
        after = self.end + timedelta(days=1)
        return (after.year - self.start.year) * 12 + after.month - self.start.month

    def series(self, n: int) -> list["Period"]:
        """This period and the n - 1 before it, oldest first."""
        periods = [self]
        while len(periods) < n:
            periods.insert(0, periods[0].previous())
        return periods

    def moments(self) -> tuple[datetime, datetime]:
        """[since, until): local midnight at the start and after the end, in UTC.

        In UTC because that is how moments are stored: SQLite compares them as text.
        """
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        return tuple(datetime.combine(day, time(), zone).astimezone(timezone.utc)
                     for day in (self.start, self.end + timedelta(days=1)))

    def as_json(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass(frozen=True)
class Scope:
    territory_ids: frozenset[int]
    period: Period
    population: int | None = None
    since: datetime = field(init=False)
    until: datetime = field(init=False)

    def __post_init__(self):
        since, until = self.period.moments()
        object.__setattr__(self, "since", since)
        object.__setattr__(self, "until", until)

    @classmethod
    def of(cls, territory: Territory, period: Period) -> "Scope":
        ids = frozenset(territory.subtree_ids())
        return cls(ids, period, population_of(territory, ids))

    def during(self, column):
        """SQL: the moment in `column` falls in the period."""
        return (column >= self.since) & (column < self.until)


def population_of(territory: Territory, ids) -> int | None:
    """The territory's own population, else the sum of its quartiers' (None if unknown)."""
    if territory.population:
        return territory.population
    known = db.session.scalars(select(Territory.population).where(
        Territory.id.in_(ids), Territory.kind == TerritoryKind.quartier, Territory.population.is_not(None))).all()
    return sum(known) or None


def stream(statement):
    """The rows of a statement, read one at a time.

    Through the session's connection, not the ORM: the ORM builds every row of a result
    before handing over the first. A quartier's year is tens of thousands of rows; alive
    all at once, they reach the garbage collector's oldest generation, and each full
    collection of the application's heap then costs about a tenth of a second.
    """
    return db.session.connection().execute(statement)


def dialect() -> str:
    return db.session.get_bind().dialect.name


@dataclass
class Figure:
    """One number and what stands behind it.

    `count` is how many people (or, when `about_people` is false, things such as waves)
    the value rests on; `parts` break it down (by institution, by committee...).
    """

    value: float | int | None
    count: int
    about_people: bool = True
    parts: dict[str, "Figure"] = field(default_factory=dict)
    interval: tuple[float, float] | None = None  # 95 % interval, where the method gives one

    @property
    def suppressed(self) -> bool:
        return self.about_people and self.count < MIN_PEOPLE


def share(numerator: int, denominator: int) -> Figure:
    """A share of people: the denominator is who stands behind it."""
    return Figure(numerator / denominator if denominator else None, denominator)


class PeriodError(ValueError):
    """A period that cannot be read; the message is for the person who typed it."""


def read_period(start: str | None, end: str | None, today: date) -> Period:
    """The period from ISO dates as typed; by default the year up to today."""
    try:
        end_day = date.fromisoformat(end) if end else today
        start_day = date.fromisoformat(start) if start else end_day - timedelta(days=364)
    except ValueError:
        raise PeriodError(_("Dates are written as YYYY-MM-DD, for example 2025-01-31.")) from None
    if end_day < start_day:
        raise PeriodError(_("The start date must come before the end date."))
    if (end_day - start_day).days > MAX_DAYS:
        raise PeriodError(_("A period lasts ten years at most."))
    return Period(start_day, end_day)
