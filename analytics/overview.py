"""Overview: the handful of figures a supervisor looks at first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from analytics.db import query
from analytics.filters import Filters, add_months, customer_scope_sql, month_end, month_start

TILES = ("sales", "active_customers", "orders", "visits", "visited_share")


@dataclass(frozen=True)
class Tile:
    """One KPI: its value in the period, in the previous period of equal length, and a monthly trend."""

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


_PERIOD_FIGURES_SQL = """
WITH scope AS (
    SELECT c.customer_id, c.status FROM customers c WHERE {scope}
),
sales AS (
    SELECT sum(d.amount) AS sales,
           count(DISTINCT d.customer_id) AS active_customers,
           {orders} AS orders
    FROM {source} d JOIN scope s USING (customer_id)
    WHERE d.{day} BETWEEN ? AND ?
),
seen AS (
    SELECT count(*) AS visits
    FROM visits v JOIN scope s USING (customer_id)
    WHERE v.visit_date >= ? AND v.visit_date < ? + INTERVAL 1 DAY
),
open_customers AS (
    SELECT count(*) AS open_customers,
           count(*) FILTER (WHERE customer_id IN (
               SELECT customer_id FROM visits
               WHERE visit_date >= ? AND visit_date < ? + INTERVAL 1 DAY)) AS open_visited
    FROM scope WHERE coalesce(status, 'active') <> 'closed'
)
SELECT sales.sales, sales.active_customers, sales.orders, seen.visits,
       CASE WHEN open_customers.open_customers > 0
            THEN open_customers.open_visited / open_customers.open_customers END AS visited_share
FROM sales, seen, open_customers
"""


def period_figures(con, filters: Filters) -> dict[str, float | None]:
    """Sales (yuan), active customers (ordered at least once), orders (customer order days),
    visits, and the share of open customers visited at least once, for the filters' period."""
    scope, params = customer_scope_sql(filters, "c")
    start, end = filters.start, filters.end
    # Whole calendar months read the monthly table (about a fifth of the daily rows).
    whole_months = start is not None and end is not None and start.day == 1 and end == month_end(end)
    source = ({"source": "order_months", "day": "month", "orders": "sum(d.order_days)"} if whole_months
              else {"source": "order_days", "day": "order_date", "orders": "count(*)"})
    frame = query(
        con,
        _PERIOD_FIGURES_SQL.format(scope=scope, **source),
        [*params, start, end, start, end, start, end],
    )
    row = frame.iloc[0]
    return {name: (None if pd.isna(row[name]) else float(row[name])) for name in TILES}


_MONTHLY_FIGURES_SQL = """
WITH scope AS (
    SELECT c.customer_id, c.status FROM customers c WHERE {scope}
),
months AS (
    SELECT CAST(m AS DATE) AS month
    FROM generate_series(CAST(? AS DATE), CAST(? AS DATE), INTERVAL 1 MONTH) AS g(m)
),
sales AS (
    SELECT m.month, sum(m.amount) AS sales, count(DISTINCT m.customer_id) AS active_customers,
           sum(m.order_days) AS orders
    FROM order_months m JOIN scope s USING (customer_id)
    WHERE m.month BETWEEN ? AND ?
    GROUP BY m.month
),
seen AS (
    SELECT CAST(date_trunc('month', v.visit_date) AS DATE) AS month, count(*) AS visits,
           count(DISTINCT v.customer_id) FILTER (WHERE coalesce(s.status, 'active') <> 'closed') AS visited
    FROM visits v JOIN scope s USING (customer_id)
    WHERE v.visit_date >= ? AND v.visit_date < ?
    GROUP BY 1
),
open_customers AS (
    SELECT count(*) AS n FROM scope WHERE coalesce(status, 'active') <> 'closed'
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
    return query(
        con,
        _MONTHLY_FIGURES_SQL.format(scope=scope),
        [*params, first, last, first, last, first, add_months(last, 1)],
    )


def overview_tiles(con, filters: Filters) -> list[Tile]:
    """Each KPI with its value, the previous period's value and a 12-month trend."""
    current = period_figures(con, filters)
    previous = period_figures(con, filters.previous_period())
    trend = monthly_figures(con, filters)
    return [
        Tile(name, current[name], previous[name],
             tuple(float(v) for v in trend[name].fillna(0).tolist()))
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
