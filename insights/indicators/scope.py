"""What every indicator is computed over: a territory (and all it contains) and a period."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from voix.extensions import db
from voix.territories.models import Territory, TerritoryKind

MIN_PEOPLE = 10  # below this many people behind a figure, the figure is never shown


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
        """The period of the same length just before: what "compared with" means."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def series(self, n: int) -> list["Period"]:
        """This period and the n - 1 before it, oldest first."""
        periods = [self]
        while len(periods) < n:
            periods.insert(0, periods[0].previous())
        return periods

    def moments(self) -> tuple[datetime, datetime]:
        """[since, until) as aware datetimes: midnight at the start, midnight after the end."""
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        return (datetime.combine(self.start, time(), zone),
                datetime.combine(self.end + timedelta(days=1), time(), zone))

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
