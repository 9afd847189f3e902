"""Overview: the handful of figures a supervisor looks at first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from analytics.db import query
from analytics.filters import Filters, add_months, customer_scope_sql, month_start

TILES = ("sales", "active_customers", "orders", "visits", "visited_share")


@dataclass(frozen=True)
class Tile:
    """One KPI: its value in the period, in the previous period (the months before a whole-month period), and a monthly trend."""

    name: str
    value: float | None
    previous: float | None
    trend: tuple[float, ...]

    @property
    def change(self) -> float | None:
        """Relative change against the previous period (None when there is nothing to compare)."""
        if self.value is None or not self.previous:
            return None
        return self.value / self.previous - 1


# Orders and visits are grouped by customer first and only then matched to the scope: a join of
# tens of thousands of customers instead of millions of rows (and no distinct count).
_PERIOD_FIGURES_SQL = """
WITH scope AS (
    SELECT c.customer_id, coalesce(c.status, 'active') <> 'closed' AS is_open FROM customers c WHERE {scope}
),
bought AS (
    SELECT d.customer_id, sum(d.amount) AS sales, {orders} AS orders
    FROM {source} d
    WHERE d.{day} BETWEEN ? AND ?
    GROUP BY d.customer_id
),
sales AS (
    SELECT sum(b.sales) AS sales, count(*) AS active_customers, sum(b.orders) AS orders
    FROM bought b SEMI JOIN scope s ON s.customer_id = b.customer_id
),
visited AS (
    SELECT v.customer_id, count(*) AS visits
    FROM visits v
    WHERE v.visit_date >= ? AND v.visit_date < ? + INTERVAL 1 DAY
    GROUP BY v.customer_id
),
seen AS (
    SELECT sum(vd.visits) AS visits, count(*) FILTER (WHERE s.is_open) AS open_visited
    FROM visited vd JOIN scope s USING (customer_id)
),
open_customers AS (
    SELECT count(*) AS open_customers FROM scope WHERE is_open
)
SELECT sales.sales, sales.active_customers, sales.orders, coalesce(seen.visits, 0) AS visits,
       CASE WHEN open_customers.open_customers > 0
            THEN coalesce(seen.open_visited, 0) / open_customers.open_customers END AS visited_share
FROM sales, seen, open_customers
"""


def period_figures(con, filters: Filters) -> dict[str, float | None]:
    """Sales (yuan), active customers (ordered at least once), orders (customer order days),
    visits, and the share of open customers visited at least once, for the filters' period."""
    scope, params = customer_scope_sql(filters, "c")
    # Whole calendar months read the monthly table (about a fifth of the daily rows).
    source = (
        {"source": "order_months", "day": "month", "orders": "sum(d.order_days)"}
        if filters.whole_months
        else {"source": "order_days", "day": "order_date", "orders": "count(*)"}
    )
    frame = query(
        con,
        _PERIOD_FIGURES_SQL.format(scope=scope, **source),
        [*params, filters.start, filters.end, filters.start, filters.end],
    )
    row = frame.iloc[0]
    return {name: (None if pd.isna(row[name]) else float(row[name])) for name in TILES}


# order_months holds one row per customer and month, so a count of rows is a count of customers.
# Without a customer filter every order belongs to the scope and the join is left out ({join}).
_MONTHLY_FIGURES_SQL = """
WITH scope AS (
    SELECT c.customer_id, coalesce(c.status, 'active') <> 'closed' AS is_open FROM customers c WHERE {scope}
),
months AS (
    SELECT CAST(m AS DATE) AS month
    FROM generate_series(CAST(? AS DATE), CAST(? AS DATE), INTERVAL 1 MONTH) AS g(m)
),
sales AS (
    SELECT m.month, sum(m.amount) AS sales, count(*) AS active_customers, sum(m.order_days) AS orders
    FROM order_months m {join}
    WHERE m.month BETWEEN ? AND ?
    GROUP BY m.month
),
visited AS (
    SELECT CAST(date_trunc('month', v.visit_date) AS DATE) AS month, v.customer_id, count(*) AS visits
    FROM visits v
    WHERE v.visit_date >= ? AND v.visit_date < ?
    GROUP BY 1, 2
),
seen AS (
    SELECT vd.month, sum(vd.visits) AS visits, count(*) FILTER (WHERE s.is_open) AS visited
    FROM visited vd JOIN scope s USING (customer_id)
    GROUP BY vd.month
),
open_customers AS (
    SELECT count(*) AS n FROM scope WHERE is_open
)
SELECT months.month, coalesce(sales.sales, 0) AS sales,
       coalesce(sales.active_customers, 0) AS active_customers,
       coalesce(sales.orders, 0) AS orders, coalesce(seen.visits, 0) AS visits,
       CASE WHEN open_customers.n > 0 THEN coalesce(seen.visited, 0) / open_customers.n END AS visited_share
FROM months
LEFT JOIN sales USING (month)
LEFT JOIN seen USING (month)
CROSS JOIN open_customers
ORDER BY months.month
"""


def monthly_figures(con, filters: Filters, months: int = 12) -> pd.DataFrame:
    """The tiles' figures per calendar month, for the `months` months ending with the period's
    last month: month, sales, active_customers, orders, visits, visited_share."""
    last = month_start(filters.end or date.today())
    first = add_months(last, -(months - 1))
    scope, params = customer_scope_sql(filters, "c")
    join = "" if scope == "TRUE" else "SEMI JOIN scope s ON s.customer_id = m.customer_id"
    return query(
        con,
        _MONTHLY_FIGURES_SQL.format(scope=scope, join=join),
        [*params, first, last, first, last, first, add_months(last, 1)],
    )


def overview_tiles(con, filters: Filters) -> list[Tile]:
    """Each KPI with its value, the previous period's value and a 12-month trend."""
    current = period_figures(con, filters)
    previous = period_figures(con, filters.previous_period())
    trend = monthly_figures(con, filters)
    return [
        Tile(name, current[name], previous[name], tuple(float(v) for v in trend[name].fillna(0).tolist()))
        for name in TILES
    ]


_SALES_BY_TEAM_SQL = """
SELECT m.month, coalesce(mg.team, '?') AS team, sum(m.amount) AS sales
FROM order_months m
JOIN customers c USING (customer_id)
LEFT JOIN managers mg ON mg.manager_id = c.manager_id
WHERE m.month BETWEEN ? AND ? AND {scope}
GROUP BY ALL
ORDER BY m.month, team
"""


def monthly_sales_by_team(con, filters: Filters, months: int = 12) -> pd.DataFrame:
    """Sales (yuan) per calendar month and team, for the `months` months ending with the
    period's last month (at least the whole period)."""
    last = month_start(filters.end or date.today())
    span = months
    if filters.start:
        span = max(months, (last.year - filters.start.year) * 12 + last.month - filters.start.month + 1)
    first = add_months(last, -(span - 1))
    scope, params = customer_scope_sql(filters, "c")
    return query(con, _SALES_BY_TEAM_SQL.format(scope=scope), [first, last, *params])


_TOP_CUSTOMERS_SQL = """
WITH value AS (
    SELECT d.customer_id, sum(d.amount) AS sales, count(*) AS orders, max(d.order_date) AS last_order
    FROM order_days d
    WHERE d.order_date BETWEEN ? AND ?
    GROUP BY d.customer_id
),
total AS (SELECT sum(sales) AS total FROM value JOIN customers c USING (customer_id) WHERE {scope})
SELECT row_number() OVER (ORDER BY v.sales DESC, v.customer_id) AS rank,
       v.customer_id, c.customer_name, c.manager_id, mg.manager_name, c.customer_class,
       v.sales, v.sales / nullif(total.total, 0) AS share, v.orders, v.last_order
FROM value v
JOIN customers c USING (customer_id)
LEFT JOIN managers mg ON mg.manager_id = c.manager_id
CROSS JOIN total
WHERE {scope}
ORDER BY rank
LIMIT ?
"""


def top_customers(con, filters: Filters, limit: int = 10) -> pd.DataFrame:
    """The customers with the highest sales in the period, with their share of all sales."""
    scope, params = customer_scope_sql(filters, "c")
    return query(
        con,
        _TOP_CUSTOMERS_SQL.format(scope=scope),
        [filters.start, filters.end, *params, *params, limit],
    )
