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

import argparse
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from analytics import cli, config, db
from analytics.filters import Filters, add_months, customer_scope_sql, month_end, month_start

RETENTION_DEFAULTS = {
    "loss_rate_ceiling": 0.03,
    "base_target": 0.77,
    "challenge_target": 0.83,
    "cohort_min_monthly_value": 2000.0,
    "floor_monthly_value": 500.0,
    "floor_months": 3,
}
BASE_PERIODS = ("previous_12_months", "previous_year")


def retention_settings(settings: dict | None = None) -> dict:
    """[retention] with defaults, plus lost_after_days from [warnings]."""
    settings = settings if settings is not None else config.load_settings()
    merged = {**RETENTION_DEFAULTS, **settings.get("retention", {})}
    merged["lost_after_days"] = int(settings.get("warnings", {}).get("lost_after_days", 90))
    return merged


def _last_data_date(con) -> date | None:
    span = db.data_range(con)
    return span[1] if span else None


# ----------------------------------------------------------------------- monthly flow

_MONTHLY_SQL = """
WITH scope AS (
    SELECT c.customer_id FROM customers c WHERE {scope}
),
p AS (
    SELECT CAST(? AS DATE) AS first_month, CAST(? AS DATE) AS last_month, CAST(? AS DATE) AS known,
           CAST(? AS INTEGER) AS lost_after
),
months AS (
    SELECT CAST(g.m AS DATE) AS month, CAST(g.m + INTERVAL 1 MONTH AS DATE) AS next_month
    FROM p, generate_series(p.first_month, p.last_month, INTERVAL 1 MONTH) AS g(m)
),
days AS (
    SELECT o.customer_id, o.order_date
    FROM order_days o JOIN scope s USING (customer_id), p
    WHERE o.order_date <= p.known
),
active AS (
    SELECT o.month, count(DISTINCT o.customer_id) AS active
    FROM order_months o JOIN scope s USING (customer_id), p
    WHERE o.month BETWEEN p.first_month AND p.last_month
    GROUP BY o.month
),
won AS (
    SELECT CAST(date_trunc('month', first_order) AS DATE) AS month, count(*) AS won
    FROM (SELECT customer_id, min(order_date) AS first_order FROM days GROUP BY customer_id)
    GROUP BY 1
),
losses AS (
    SELECT CAST(date_trunc('month', lost_on) AS DATE) AS month, count(*) AS lost
    FROM (
        SELECT d.order_date + p.lost_after AS lost_on,
               lead(d.order_date) OVER (PARTITION BY d.customer_id ORDER BY d.order_date) AS next_order,
               d.order_date, p.lost_after, p.known
        FROM days d, p
    )
    WHERE (next_order IS NULL OR next_order - order_date > lost_after) AND lost_on <= known
    GROUP BY 1
),
at_start AS (
    SELECT m.month, count(DISTINCT d.customer_id) AS active_at_start
    FROM months m CROSS JOIN p
    JOIN days d ON d.order_date >= m.month - p.lost_after AND d.order_date < m.month
    GROUP BY m.month
)
SELECT m.month, coalesce(a.active, 0) AS active, coalesce(w.won, 0) AS won, coalesce(l.lost, 0) AS lost,
       coalesce(s.active_at_start, 0) AS active_at_start,
       CASE WHEN coalesce(s.active_at_start, 0) > 0 THEN coalesce(l.lost, 0) / s.active_at_start END AS loss_rate
FROM months m
LEFT JOIN active a USING (month)
LEFT JOIN won w USING (month)
LEFT JOIN losses l USING (month)
LEFT JOIN at_start s USING (month)
ORDER BY m.month
"""


def monthly_flow(con, filters: Filters, settings: dict | None = None) -> pd.DataFrame:
    """Per calendar month of the period (the months that contain filters.start … filters.end):
    month, active, won, lost, active_at_start, loss_rate — see the module docstring.

    Losses are counted when known by the last data date. Empty when the store has no data."""
    rs = retention_settings(settings)
    known = _last_data_date(con)
    if known is None or filters.start is None or filters.end is None:
        return pd.DataFrame(columns=["month", "active", "won", "lost", "active_at_start", "loss_rate"])
    scope, params = customer_scope_sql(filters, "c")
    frame = db.query(con, _MONTHLY_SQL.format(scope=scope), [
        *params, month_start(filters.start), month_start(filters.end), known, rs["lost_after_days"]])
    frame["loss_rate"] = frame["loss_rate"].astype("float64")
    return frame


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


_COHORT_SQL = """
WITH scope AS (
    SELECT c.customer_id, c.customer_name, c.manager_id, c.customer_class, c.status
    FROM customers c WHERE {scope}
),
p AS (
    SELECT CAST(? AS DATE) AS base_start, CAST(? AS DATE) AS base_end, CAST(? AS DATE) AS as_of,
           CAST(? AS DOUBLE) AS months, CAST(? AS DOUBLE) AS min_value, CAST(? AS INTEGER) AS lost_after,
           CAST(? AS DATE) AS floor_from, CAST(? AS DATE) AS floor_to, CAST(? AS DOUBLE) AS floor_value
),
base AS (
    SELECT o.customer_id, sum(o.amount) / p.months AS base_monthly_value
    FROM order_days o JOIN scope s USING (customer_id), p
    WHERE o.order_date BETWEEN p.base_start AND p.base_end
    GROUP BY o.customer_id, p.months, p.min_value
    HAVING sum(o.amount) / p.months >= p.min_value
),
last_orders AS (
    SELECT o.customer_id, max(o.order_date) AS last_order_date
    FROM order_days o JOIN base b USING (customer_id), p
    WHERE o.order_date <= p.as_of
    GROUP BY o.customer_id
),
above_floor AS (
    SELECT m.customer_id, count(*) AS months_above
    FROM order_months m JOIN base b USING (customer_id), p
    WHERE m.month BETWEEN p.floor_from AND p.floor_to AND m.amount >= p.floor_value
    GROUP BY m.customer_id
),
members AS (
    SELECT b.customer_id, s.customer_name, s.manager_id, mg.manager_name, s.customer_class,
           b.base_monthly_value, l.last_order_date,
           CASE WHEN s.status = 'closed' THEN 'closed'
                WHEN l.last_order_date IS NULL OR l.last_order_date <= p.as_of - p.lost_after THEN 'no_order'
                WHEN p.floor_from > p.base_end AND coalesce(f.months_above, 0) = 0 THEN 'low_value'
           END AS lost_reason
    FROM base b JOIN scope s USING (customer_id) CROSS JOIN p
    LEFT JOIN managers mg ON mg.manager_id = s.manager_id
    LEFT JOIN last_orders l USING (customer_id)
    LEFT JOIN above_floor f USING (customer_id)
)
SELECT customer_id, customer_name, manager_id, manager_name, customer_class, base_monthly_value,
       last_order_date, lost_reason IS NOT NULL AS lost, lost_reason
FROM members
ORDER BY lost DESC, base_monthly_value DESC, customer_id
"""


def frozen_cohort(con, filters: Filters, base: str = "previous_12_months",
                  settings: dict | None = None) -> FrozenCohort:
    """The frozen cohort of the base period (see base_period) and its retention at the as-of date
    (the period's end, or the last data date if earlier).

    A member counts as lost when closed, when it has no order in the lost_after_days days up to
    the as-of date, or when each of the last floor_months complete calendar months up to the
    as-of date (all after the base period) has a value below floor_monthly_value."""
    rs = retention_settings(settings)
    known = _last_data_date(con)
    period = base_period(filters, base)
    empty = FrozenCohort(None, None, None, 0, 0, float(rs["base_target"]), float(rs["challenge_target"]))
    if known is None or period is None or filters.end is None:
        return empty
    base_start, base_end = period
    as_of = min(filters.end, known)
    months = (base_end.year - base_start.year) * 12 + base_end.month - base_start.month + 1
    floor_count = int(rs["floor_months"])
    floor_to = month_start(as_of) if as_of == month_end(as_of) else add_months(as_of, -1)
    floor_from = add_months(floor_to, -(floor_count - 1))
    scope, params = customer_scope_sql(filters, "c")
    members = db.query(con, _COHORT_SQL.format(scope=scope), [
        *params, base_start, base_end, as_of, float(months), float(rs["cohort_min_monthly_value"]),
        int(rs["lost_after_days"]), floor_from, floor_to, float(rs["floor_monthly_value"])])
    return FrozenCohort(base_start=base_start, base_end=base_end, as_of=as_of, cohort=len(members),
                        lost=int(members["lost"].sum()) if len(members) else 0,
                        base_target=float(rs["base_target"]), challenge_target=float(rs["challenge_target"]),
                        members=members)


# ----------------------------------------------------------------------- first-order cohorts

_COHORTS_SQL = """
WITH scope AS (
    SELECT c.customer_id FROM customers c WHERE {scope}
),
p AS (
    SELECT CAST(? AS DATE) AS first_cohort, CAST(? AS DATE) AS last_month, CAST(? AS DATE) AS data_start
),
firsts AS (
    SELECT o.customer_id, min(o.month) AS cohort
    FROM order_months o JOIN scope s USING (customer_id)
    GROUP BY o.customer_id
),
members AS (
    SELECT f.customer_id, f.cohort FROM firsts f, p
    WHERE f.cohort BETWEEN p.first_cohort AND p.last_month AND f.cohort > p.data_start
),
sizes AS (
    SELECT cohort, count(*) AS cohort_size FROM members GROUP BY cohort
),
ordering AS (
    SELECT m.cohort, datediff('month', m.cohort, o.month) AS months_after, count(*) AS still_ordering
    FROM members m JOIN order_months o USING (customer_id), p
    WHERE o.month BETWEEN m.cohort AND p.last_month
    GROUP BY ALL
),
grid AS (
    SELECT s.cohort, s.cohort_size, CAST(g.n AS INTEGER) AS months_after
    FROM sizes s, p, generate_series(0, datediff('month', s.cohort, p.last_month)) AS g(n)
)
SELECT g.cohort, g.cohort_size, g.months_after, coalesce(o.still_ordering, 0) AS still_ordering,
       coalesce(o.still_ordering, 0) / g.cohort_size AS share
FROM grid g LEFT JOIN ordering o USING (cohort, months_after)
ORDER BY g.cohort, g.months_after
"""


def first_order_cohorts(con, filters: Filters, months: int = 12) -> pd.DataFrame:
    """Customers grouped by the month of their first order (the `months` months ending with the
    period's last month) and the share still ordering N months later (an order in that month).

    The first month of the data is left out: customers seen then may have started earlier.
    Columns: cohort, cohort_size, months_after, still_ordering, share."""
    first_data = db.scalar(con, "SELECT min(month) FROM order_months")
    if first_data is None or filters.end is None:
        return pd.DataFrame(columns=["cohort", "cohort_size", "months_after", "still_ordering", "share"])
    last = month_start(filters.end)
    scope, params = customer_scope_sql(filters, "c")
    frame = db.query(con, _COHORTS_SQL.format(scope=scope), [
        *params, add_months(last, -(months - 1)), last, first_data])
    frame["share"] = frame["share"].astype("float64")
    return frame


# ----------------------------------------------------------------------- command line


def add_commands(subparsers, parents) -> None:
    cmd = subparsers.add_parser(
        "retention", parents=[parents["db"], parents["filters"]],
        help="active, won and lost customers and the loss rate per month")
    cmd.set_defaults(handler=_cmd_retention)


def _cmd_retention(args: argparse.Namespace) -> int:
    con = cli.open_db(args)
    filters = cli.filters_from_args(args, con)
    frame = monthly_flow(con, filters)
    out = frame[["month", "active", "won", "lost", "loss_rate"]].copy()
    out["month"] = pd.to_datetime(out["month"]).dt.strftime("%Y-%m")
    out["loss_rate"] = out["loss_rate"].round(6)
    cli.print_csv(out)
    return 0
