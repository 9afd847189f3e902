"""The global filters a supervisor sets in the sidebar, as one value passed to every metric."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import duckdb

from analytics.domain import CLASSES

PERIODS = ("this_month", "last_month", "last_3_months", "year_to_date", "last_12_months", "custom")


@dataclass(frozen=True)
class Filters:
    """A period [start, end] (inclusive dates) and the customer scope.

    Empty tuples mean "all". The scope selects customers by their manager's team, their
    manager, their region and their class; metrics apply it with ``shared/scope.sql``.

    ``allowed_teams`` / ``allowed_managers`` are the signed-in account's scope (issue 17), which
    every metric intersects with the lists above: None = unrestricted, an empty tuple = nothing.
    They are part of the value, so cached figures are kept apart per scope."""

    start: date | None = None
    end: date | None = None
    teams: tuple[str, ...] = field(default_factory=tuple)
    managers: tuple[str, ...] = field(default_factory=tuple)
    regions: tuple[str, ...] = field(default_factory=tuple)
    classes: tuple[str, ...] = field(default_factory=tuple)
    allowed_teams: tuple[str, ...] | None = None
    allowed_managers: tuple[str, ...] | None = None

    @property
    def scoped(self) -> bool:
        """True when the customer scope is restricted at all (team, manager, region, class or the
        account's scope)."""
        return bool(self.managers or self.teams or self.regions or self.classes) or self.restricted

    @property
    def restricted(self) -> bool:
        """True when the signed-in account may see only part of the data."""
        return self.allowed_teams is not None or self.allowed_managers is not None

    def with_period(self, start: date | None, end: date | None) -> Filters:
        return replace(self, start=start, end=end)

    @property
    def days(self) -> int:
        """Length of the period in days (inclusive); 0 when open-ended."""
        if self.start is None or self.end is None:
            return 0
        return (self.end - self.start).days + 1

    @property
    def whole_months(self) -> int:
        """How many calendar months the period covers when it is whole months (from a first to a
        last day of a month); 0 otherwise."""
        if self.start is None or self.end is None or self.start.day != 1 or self.end != month_end(self.end):
            return 0
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def previous_period(self) -> Filters:
        """The period before this one: the same number of calendar months before a whole-month
        period (March -> February), else the period of equal length that ends the day before."""
        if self.start is None or self.end is None:
            return self
        months = self.whole_months
        if months:
            first = add_months(self.start, -months)
            return replace(self, start=first, end=month_end(add_months(first, months - 1)))
        length = self.end - self.start
        prev_end = self.start - timedelta(days=1)
        return replace(self, start=prev_end - length, end=prev_end)

    def same_period_last_year(self) -> Filters:
        if self.start is None or self.end is None:
            return self
        return replace(self, start=shift_years(self.start, -1), end=shift_years(self.end, -1))


def shift_years(d: date, years: int) -> date:
    """Same day `years` earlier or later; 29 February becomes 28 February."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def month_start(d: date) -> date:
    return d.replace(day=1)


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def add_months(d: date, months: int) -> date:
    """First day of the month `months` away from d's month."""
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_dates(preset: str, today: date) -> tuple[date, date]:
    """Start and end of a named period, relative to `today` (the calendar, not the data).

    "this month" is today's calendar month up to today and "year to date" runs from 1 January to
    today; "last month", "last 3 months" and "last 12 months" are the whole calendar months before
    today's, so they compare with the months before them."""
    if preset == "this_month":
        return month_start(today), today
    if preset == "year_to_date":
        return date(today.year, 1, 1), today
    months = {"last_month": 1, "last_3_months": 3, "last_12_months": 12}.get(preset)
    if months is None:
        raise ValueError(f"unknown period {preset!r}")
    return add_months(today, -months), month_end(add_months(today, -1))


def data_ends_before(end: date | None, span: tuple[date, date] | None) -> date | None:
    """The data's last day when the data stops before the period's `end` (so the page can say
    "data until …"); None when the data reaches the end, or there is no period or no data."""
    if end is None or span is None or span[1] >= end:
        return None
    return span[1]


def latest_full_month(last_data_day: date) -> tuple[date, date]:
    """The last calendar month that the data covers completely."""
    if last_data_day == month_end(last_data_day):
        return month_start(last_data_day), last_data_day
    prev = add_months(last_data_day, -1)
    return prev, month_end(prev)


def clamp_period(start: date, end: date, span: tuple[date, date] | None) -> tuple[date, date]:
    """A period (e.g. from a saved link) made to fit the data's span (first, last), as a date
    picker bounded by that span needs it: the part inside the span; a period wholly outside it
    becomes the latest full month of the data (or the whole span when that is shorter than a
    month). Start and end given the wrong way round are swapped; without a span (an empty
    store) the period is kept."""
    if end < start:
        start, end = end, start
    if span is None:
        return start, end
    first, last = span
    if end < first or start > last:
        start, end = latest_full_month(last)
        if end < first:
            return first, last
    return max(start, first), min(end, last)


def filter_options(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """Values offered in the sidebar: teams, managers (id, name, team), regions, classes."""
    from analytics import sql

    managers = sql.query(con, "filters/managers")
    regions = sql.query(con, "filters/regions")
    return {
        "teams": sorted(managers["team"].dropna().unique().tolist()),
        "managers": managers.to_dict("records"),
        "regions": regions["region"].tolist(),
        "classes": list(CLASSES),
    }
