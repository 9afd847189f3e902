"""Retention: customers won and lost per month, the loss rate, the frozen cohort and first-order cohorts.

Definitions (domain guide §4; L = warnings.lost_after_days, default 90):

- A customer *becomes lost* on day o + L, where o is an order day followed by no order in the
  next L days (the next order comes more than L days later, or never). Lost as of d = had orders
  before and none in the L days up to d. A customer can be lost, come back and be lost again;
  each time counts. A loss is only counted once it is known, i.e. o + L <= the last data date.
- Closure: closed customers have no closing date in the data, so the monthly figures ignore the
  status; a closed shop stops ordering and becomes lost L days after its last order anyway. The
  frozen cohort, taken at one as-of date, does count closed customers as lost.
- Monthly, for each calendar month m of the period:
  active = customers with at least one order in m;
  won = customers whose first order ever is in m;
  lost = customers who become lost on a day in m;
  active_at_start = customers with an order in the L days before m starts (had orders and were
  not lost on the day before m);
  loss_rate = lost / active_at_start (empty when nobody was active at the start). With L >= 31
  every customer lost in m was active at its start, so the rate stays within 0..1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from analytics import config, db, sql
from analytics.filters import Filters, add_months, month_end, month_start
from analytics.settings import Settings

BASE_PERIODS = ("previous_12_months", "previous_year")
FLOW_COLUMNS = ["month", "active", "won", "lost", "active_at_start", "loss_rate"]
COHORT_COLUMNS = ["cohort", "cohort_size", "months_after", "still_ordering", "share"]


# ----------------------------------------------------------------------- monthly flow


def monthly_flow(
    con: duckdb.DuckDBPyConnection, filters: Filters, settings: Settings | Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Per calendar month of the period (the months that contain filters.start … filters.end):
    month, active, won, lost, active_at_start, loss_rate — see the module docstring.

    Losses are counted when known by the last data date. Empty when the store has no data."""
    lost_after = config.as_settings(settings).warnings.lost_after_days
    known = db.last_data_date(con)
    if known is None or filters.start is None or filters.end is None:
        return pd.DataFrame(columns=FLOW_COLUMNS)
    first_month, last_month = month_start(filters.start), month_start(filters.end)
    frame = sql.query(
        con,
        "retention/monthly_flow",
        {
            "first_month": first_month,
            "last_month": last_month,
            "known": known,
            "orders_from": first_month - timedelta(days=lost_after),
            "orders_to": min(month_end(last_month), known),
            "lost_after": lost_after,
        },
        filters=filters,
    )
    frame["loss_rate"] = frame["loss_rate"].astype("float64")
    return frame


def months_over_ceiling(flow: pd.DataFrame, settings: Settings | Mapping[str, Any] | None = None) -> int:
    """How many months of a monthly flow have a loss rate above the ceiling
    ([retention] loss_rate_ceiling); months without a rate do not count."""
    ceiling = config.as_settings(settings).retention.loss_rate_ceiling
    return int((flow["loss_rate"] > ceiling).sum())


def trend_filters(filters: Filters, months: int = 12) -> Filters:
    """The filters with the period widened to at least `months` calendar months ending with the
    period's last month, so a short period still shows a monthly trend."""
    if filters.end is None:
        return filters
    first = add_months(month_start(filters.end), -(months - 1))
    return filters.with_period(min(filters.start or first, first), filters.end)


# ----------------------------------------------------------------------- frozen cohort


@dataclass
class FrozenCohort:
    """A frozen cohort (003:54-56): customers whose average monthly value in the base period
    reached cohort_min_monthly_value, and how many of them are lost at the as-of date.

    members: customer_id, customer_name, manager_id, manager_name, customer_class,
    base_monthly_value, last_order_date, lost, lost_reason (closed / no_order / low_value)."""

    base_start: date | None
    base_end: date | None
    as_of: date | None
    cohort: int
    lost: int
    base_target: float
    challenge_target: float
    members: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def retained(self) -> int:
        return self.cohort - self.lost

    @property
    def retention(self) -> float | None:
        """1 - lost / cohort; None for an empty cohort."""
        return 1 - self.lost / self.cohort if self.cohort else None

    @property
    def meets_base(self) -> bool | None:
        return None if self.retention is None else self.retention >= self.base_target

    @property
    def meets_challenge(self) -> bool | None:
        return None if self.retention is None else self.retention >= self.challenge_target


def base_period(filters: Filters, choice: str = "previous_12_months") -> tuple[date, date] | None:
    """The base period of the frozen cohort, before the period starts:
    previous_12_months = the 12 calendar months before the month the period starts in (default);
    previous_year = the calendar year before the year the period starts in."""
    if filters.start is None:
        return None
    first = month_start(filters.start)
    if choice == "previous_year":
        return date(first.year - 1, 1, 1), date(first.year - 1, 12, 31)
    if choice != "previous_12_months":
        raise ValueError(f"unknown base period {choice!r}")
    return add_months(first, -12), first - timedelta(days=1)


def frozen_cohort(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    base: str = "previous_12_months",
    settings: Settings | Mapping[str, Any] | None = None,
) -> FrozenCohort:
    """The frozen cohort of the base period (see base_period) and its retention at the as-of date
    (the period's end, or the last data date if earlier).

    A member counts as lost when closed, when it has no order in the lost_after_days days up to
    the as-of date, or when each of the last floor_months complete calendar months up to the
    as-of date (all after the base period) has a value below floor_monthly_value."""
    s = config.as_settings(settings)
    rs = s.retention
    known = db.last_data_date(con)
    period = base_period(filters, base)
    empty = FrozenCohort(None, None, None, 0, 0, rs.base_target, rs.challenge_target)
    if known is None or period is None or filters.end is None:
        return empty
    base_start, base_end = period
    as_of = min(filters.end, known)
    months = (base_end.year - base_start.year) * 12 + base_end.month - base_start.month + 1
    floor_to = month_start(as_of) if as_of == month_end(as_of) else add_months(as_of, -1)
    floor_from = add_months(floor_to, -(rs.floor_months - 1))
    members = sql.query(
        con,
        "retention/frozen_cohort",
        {
            "base_months": float(months),
            "base_start": base_start,
            "base_end": base_end,
            "cohort_min": float(rs.cohort_min_monthly_value),
            "as_of": as_of,
            "lost_cutoff": as_of - timedelta(days=s.warnings.lost_after_days - 1),
            "floor_from": floor_from,
            "floor_to": floor_to,
            "floor_value": float(rs.floor_monthly_value),
        },
        filters=filters,
    )
    return FrozenCohort(
        base_start=base_start,
        base_end=base_end,
        as_of=as_of,
        cohort=len(members),
        lost=int(members["lost"].sum()) if len(members) else 0,
        base_target=rs.base_target,
        challenge_target=rs.challenge_target,
        members=members,
    )


# ----------------------------------------------------------------------- first-order cohorts


def first_order_cohorts(con: duckdb.DuckDBPyConnection, filters: Filters, months: int = 12) -> pd.DataFrame:
    """Customers grouped by the month of their first order (the `months` months ending with the
    period's last month) and the share still ordering N months later (an order in that month).

    The first month of the data is left out: customers seen then may have started earlier.
    Columns: cohort, cohort_size, months_after, still_ordering, share."""
    first_data = db.scalar(con, "SELECT min(month) FROM order_months")
    if first_data is None or filters.end is None:
        return pd.DataFrame(columns=COHORT_COLUMNS)
    last = month_start(filters.end)
    frame = sql.query(
        con,
        "retention/first_order_cohorts",
        {"first_cohort": add_months(last, -(months - 1)), "last_month": last, "data_start": first_data},
        filters=filters,
    )
    frame["share"] = frame["share"].astype("float64")
    return frame


@dataclass(frozen=True)
class CohortMatrix:
    """The first-order cohorts as a grid: one row per cohort month ("YYYY-MM"), one column per
    month after the first order, the share still ordering in each cell (NaN beyond the data)."""

    shares: pd.DataFrame
    sizes: pd.Series

    @property
    def row_labels(self) -> list[str]:
        """Each cohort row as "YYYY-MM (size)"."""
        return [f"{c} ({n})" for c, n in zip(self.shares.index, self.sizes, strict=True)]


def cohort_matrix(cohorts: pd.DataFrame) -> CohortMatrix:
    """The long first_order_cohorts frame pivoted into a cohort × months-after grid."""
    labelled = cohorts.assign(cohort=month_labels(cohorts["cohort"]))
    shares = labelled.pivot(index="cohort", columns="months_after", values="share")
    sizes = labelled.groupby("cohort")["cohort_size"].first().reindex(shares.index)
    return CohortMatrix(shares, sizes)


def month_labels(series: pd.Series) -> pd.Series:
    """Months as "YYYY-MM"."""
    return pd.to_datetime(series).dt.strftime("%Y-%m")
