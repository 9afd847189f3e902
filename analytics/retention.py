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

# A customer's order days split into runs in which consecutive orders are at most L days apart.
# A run from its first order f to its last order e means: active (an order in the L days before)
# on every day from f to e + L - 1, and lost on day e + L. So a customer becomes lost in month m
# when a run's e + L falls in m, and was active at the start of m when f < m <= e + L; as runs
# of a customer never overlap, active_at_start(m) = runs started before m - runs lost before m.
# Only the order days from L days before the first month to the end of the last month can change
# these counts: a run cut at the start still starts before the first month, and one cut at the
# end is lost after the last month. Each order day's neighbours come from the customer's sorted
# list of order days (far cheaper than lag/lead windows over millions of rows). Dates are bound
# in WHERE so the scans skip row groups (order_days is sorted by date).
_MONTHLY_SQL = """
WITH scope AS (
    SELECT c.customer_id FROM customers c WHERE {scope}
),
months AS (
    SELECT CAST(g.m AS DATE) AS month
    FROM generate_series(CAST(? AS DATE), CAST(? AS DATE), INTERVAL 1 MONTH) AS g(m)
),
active AS (
    SELECT o.month, count(DISTINCT o.customer_id) AS active
    FROM order_months o SEMI JOIN scope s ON s.customer_id = o.customer_id
    WHERE o.month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
    GROUP BY o.month
),
won AS (
    SELECT first_month AS month, count(*) AS won
    FROM (
        SELECT o.customer_id, min(o.month) AS first_month
        FROM order_months o
        WHERE o.month <= CAST(? AS DATE) {prefilter}
        GROUP BY o.customer_id
    ) f SEMI JOIN scope s ON s.customer_id = f.customer_id
    GROUP BY first_month
),
order_lists AS (
    SELECT o.customer_id, list(o.order_date ORDER BY o.order_date) AS d
    FROM order_days o
    WHERE o.order_date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) {prefilter}
    GROUP BY o.customer_id
),
order_steps AS (
    SELECT unnest(d) AS order_date,
           unnest(list_prepend(NULL, d[1:len(d) - 1])) AS previous_order,
           unnest(list_append(d[2:], NULL)) AS next_order
    FROM order_lists l SEMI JOIN scope s ON s.customer_id = l.customer_id
),
run_events AS (
    SELECT CAST(date_trunc('month', order_date) AS DATE) AS month, 'start' AS event
    FROM order_steps
    WHERE previous_order IS NULL OR order_date - previous_order > CAST(? AS INTEGER)
    UNION ALL
    SELECT CAST(date_trunc('month', order_date + CAST(? AS INTEGER)) AS DATE),
           CASE WHEN order_date + CAST(? AS INTEGER) <= CAST(? AS DATE) THEN 'lost' ELSE 'lost_later' END
    FROM order_steps
    WHERE next_order IS NULL OR next_order - order_date > CAST(? AS INTEGER)
),
by_month AS (
    SELECT month, count(*) FILTER (WHERE event = 'start') AS started,
           count(*) FILTER (WHERE event <> 'start') AS ended,
           count(*) FILTER (WHERE event = 'lost') AS lost
    FROM run_events GROUP BY month
),
losses AS (
    SELECT month, lost FROM by_month
),
at_start AS (
    SELECT m.month, CAST(sum(b.started) - sum(b.ended) AS BIGINT) AS active_at_start
    FROM months m JOIN by_month b ON b.month < m.month
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
    first_month, last_month = month_start(filters.start), month_start(filters.end)
    lost_after = int(rs["lost_after_days"])
    sql = _MONTHLY_SQL.format(scope=scope, prefilter=_prefilter(scope))
    frame = db.query(
        con,
        sql,
        [
            *params,
            first_month,
            last_month,
            first_month,
            last_month,
            known,
            first_month - timedelta(days=lost_after),
            min(month_end(last_month), known),
            lost_after,
            lost_after,
            lost_after,
            known,
            lost_after,
        ],
    )
    frame["loss_rate"] = frame["loss_rate"].astype("float64")
    return frame


def _prefilter(scope: str) -> str:
    """A pre-filter of order rows to the customer scope; none when every customer is in scope
    (a semi-join over millions of rows for nothing; the scope is applied after aggregating)."""
    return "" if scope == "TRUE" else "AND o.customer_id IN (SELECT customer_id FROM scope)"


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


# Dates bound in WHERE (row-group skipping). The base period is whole calendar months, so its value
# comes from order_months. A member's last order up to the as-of date is on or after the base
# period's start (it ordered in the base period), so only order days from the base start on are
# read; they are grouped by customer before meeting the (much smaller) cohort.
_COHORT_SQL = """
WITH scope AS (
    SELECT c.customer_id, c.customer_name, c.manager_id, c.customer_class, c.status
    FROM customers c WHERE {scope}
),
base AS (
    SELECT o.customer_id, sum(o.amount) / CAST(? AS DOUBLE) AS base_monthly_value
    FROM order_months o
    WHERE o.month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) {prefilter}
    GROUP BY o.customer_id
    HAVING sum(o.amount) / CAST(? AS DOUBLE) >= CAST(? AS DOUBLE)
),
last_orders AS (
    SELECT o.customer_id, max(o.order_date) AS last_order_date
    FROM order_days o
    WHERE o.order_date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) {prefilter}
    GROUP BY o.customer_id
),
above_floor AS (
    SELECT m.customer_id, count(*) AS months_above
    FROM order_months m SEMI JOIN base b ON b.customer_id = m.customer_id
    WHERE m.month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) AND m.amount >= CAST(? AS DOUBLE)
    GROUP BY m.customer_id
),
members AS (
    SELECT b.customer_id, s.customer_name, s.manager_id, mg.manager_name, s.customer_class,
           b.base_monthly_value, l.last_order_date,
           CASE WHEN s.status = 'closed' THEN 'closed'
                WHEN l.last_order_date IS NULL OR l.last_order_date <= CAST(? AS DATE) - CAST(? AS INTEGER)
                    THEN 'no_order'
                WHEN CAST(? AS DATE) > CAST(? AS DATE) AND coalesce(f.months_above, 0) = 0 THEN 'low_value'
           END AS lost_reason
    FROM base b JOIN scope s USING (customer_id)
    LEFT JOIN managers mg ON mg.manager_id = s.manager_id
    LEFT JOIN last_orders l USING (customer_id)
    LEFT JOIN above_floor f USING (customer_id)
)
SELECT customer_id, customer_name, manager_id, manager_name, customer_class, base_monthly_value,
       last_order_date, lost_reason IS NOT NULL AS lost, lost_reason
FROM members
ORDER BY lost DESC, base_monthly_value DESC, customer_id
"""


def frozen_cohort(
    con, filters: Filters, base: str = "previous_12_months", settings: dict | None = None
) -> FrozenCohort:
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
    sql = _COHORT_SQL.format(scope=scope, prefilter=_prefilter(scope))
    members = db.query(
        con,
        sql,
        [
            *params,
            float(months),
            base_start,
            base_end,
            float(months),
            float(rs["cohort_min_monthly_value"]),
            base_start,
            as_of,
            floor_from,
            floor_to,
            float(rs["floor_monthly_value"]),
            as_of,
            int(rs["lost_after_days"]),
            floor_from,
            base_end,
        ],
    )
    return FrozenCohort(
        base_start=base_start,
        base_end=base_end,
        as_of=as_of,
        cohort=len(members),
        lost=int(members["lost"].sum()) if len(members) else 0,
        base_target=float(rs["base_target"]),
        challenge_target=float(rs["challenge_target"]),
        members=members,
    )


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
    frame = db.query(
        con, _COHORTS_SQL.format(scope=scope), [*params, add_months(last, -(months - 1)), last, first_data]
    )
    frame["share"] = frame["share"].astype("float64")
    return frame


# ----------------------------------------------------------------------- command line


def add_commands(subparsers, parents) -> None:
    cmd = subparsers.add_parser(
        "retention",
        parents=[parents["db"], parents["filters"]],
        help="active, won and lost customers and the loss rate per month",
    )
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
