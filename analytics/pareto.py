"""80/20 customer value: who carries the business, how concentrated it is, and how it moves.

Definitions (domain guide §4):
- value = amount, quantity or gross profit (amount − cost) of a customer in the period;
- buyers = customers with value > 0 (zero or negative net value, e.g. returns, is not a buyer);
- ranking by value descending, ties by customer_id ascending; cum_share = running value / total;
- top20_share = value share of the top ceil(0.2 × buyers);
- pct_customers_for_80 = smallest share of buyers k/n whose cumulative value reaches 80%;
- ABC: A when the cumulative share *before* the customer is < a_share (0.80), B when < b_share
  (0.95), C otherwise;
- Gini over buyers' values: G = Σ (2i − n − 1)·x_i / (n·Σx), x ascending;
- non_buyers = open customers in scope without positive value in the period.

Scope: customers are taken from the customers table (JOIN), so the team/manager/region/class
filters always apply. Orders of customers missing from the customers table are left out; the
importer creates every unknown customer, so after an import none is missing.

Customer values read the pre-aggregated ``order_days`` (or ``order_months`` when the period is
whole calendar months); only the products view reads the order lines.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass, fields
from datetime import date

import pandas as pd

from analytics import classes, cli, config, db
from analytics.db import query
from analytics.filters import Filters, add_months, customer_scope_sql, month_end, month_start

METRICS = ("amount", "quantity", "profit")
# Value of one row of order_days / order_months / orders. Profit counts only rows with a cost.
_VALUE_SQL = {
    "amount": "o.amount",
    "quantity": "o.quantity",
    "profit": "o.amount - o.cost",
}
# Groups for the concentration by group: the customer's attribute (or its manager's team).
GROUPS = ("team", "manager", "region", "market_type", "retail_format", "customer_class")
_GROUP_SQL = {
    "all": ("'all'", "'all'"),
    "team": ("mg.team", "mg.team"),
    "manager": ("c.manager_id", "coalesce(mg.manager_name, c.manager_id)"),
    "region": ("c.region", "c.region"),
    "market_type": ("c.market_type", "c.market_type"),
    "retail_format": ("c.retail_format", "c.retail_format"),
    "customer_class": ("c.customer_class", "c.customer_class"),
}
ABC_CLASSES = ("A", "B", "C", "none")
# Relative tolerance so that a share of exactly 80% is not lost to floating-point sums.
_TOLERANCE = 1e-9
_FIRST_DAY = date(1900, 1, 1)
_LAST_DAY = date(9999, 12, 31)


@dataclass(frozen=True)
class ParetoSummary:
    """The concentration figures of one period and scope (the KPI tiles and `pareto --summary`).

    Ratios are fractions; they are None when there is no buyer. For products, `buyers` counts
    products with positive value and `non_buyers` is None."""

    buyers: int
    total_value: float
    top20_share: float | None
    pct_customers_for_80: float | None
    gini: float | None
    a_count: int
    b_count: int
    c_count: int
    non_buyers: int | None

    def as_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(self)], columns=[f.name for f in fields(self)])


# ------------------------------------------------------------------ shared SQL pieces


def _check_metric(metric: str) -> str:
    if metric not in _VALUE_SQL:
        raise ValueError(f"unknown value metric {metric!r}; choose one of {', '.join(METRICS)}")
    return _VALUE_SQL[metric]


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    return start or _FIRST_DAY, end or _LAST_DAY


def _source(start: date, end: date) -> tuple[str, str]:
    """The aggregate table and its date column: order_months for whole months, else order_days."""
    if start == month_start(start) and end == month_end(end):
        return "order_months", "month"
    return "order_days", "order_date"


def _abc_shares(settings: dict | None) -> tuple[float, float]:
    abc = (settings or config.load_settings()).get("abc", {})
    return float(abc.get("a_share", 0.80)), float(abc.get("b_share", 0.95))


# The `value` CTEs group the order rows by customer before they meet the scope: a join of
# customers, not of millions of customer-days.
# `value(part, entity, value)` must be defined before; parameters: a_share, b_share.
_RANKED_CTE = """
ranked AS (
    SELECT part, entity, value, rank, n, total, running, before,
           CASE WHEN before < (? - {tol}) * total THEN 'A'
                WHEN before < (? - {tol}) * total THEN 'B'
                ELSE 'C' END AS abc
    FROM (
        SELECT part, entity, value,
               row_number() OVER w AS rank,
               count(*) OVER p AS n,
               sum(value) OVER p AS total,
               sum(value) OVER (w ROWS UNBOUNDED PRECEDING) AS running,
               coalesce(sum(value) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
        FROM value
        WHERE value > 0
        WINDOW p AS (PARTITION BY part), w AS (PARTITION BY part ORDER BY value DESC, entity)
    )
)""".replace("{tol}", repr(_TOLERANCE))

# Concentration figures per part, from `ranked`. ceil(0.2 n) = (n + 4) // 5 in integers.
_FIGURES_CTE = """
figures AS (
    SELECT part,
           count(*) AS buyers,
           sum(value) AS total_value,
           sum(value) FILTER (WHERE rank <= (n + 4) // 5) / sum(value) AS top20_share,
           min(rank) FILTER (WHERE running >= (0.8 - {tol}) * total) / count(*) AS pct_customers_for_80,
           sum((n + 1 - 2 * rank) * value) / (count(*) * sum(value)) AS gini,
           count(*) FILTER (WHERE abc = 'A') AS a_count,
           count(*) FILTER (WHERE abc = 'B') AS b_count,
           count(*) FILTER (WHERE abc = 'C') AS c_count
    FROM ranked
    GROUP BY part
)""".replace("{tol}", repr(_TOLERANCE))


# ------------------------------------------------------------------ customers


_CUSTOMER_VALUES_SQL = """
WITH scope AS (
    SELECT c.customer_id FROM customers c WHERE {scope}
),
value AS (
    SELECT 'all' AS part, v.entity, v.value
    FROM (SELECT o.customer_id AS entity, sum({value}) AS value
          FROM {source} o WHERE o.{day} BETWEEN ? AND ? GROUP BY o.customer_id) v
    SEMI JOIN scope s ON s.customer_id = v.entity
),
{ranked}
SELECT r.rank, r.entity AS customer_id, c.customer_name, c.manager_id, mg.manager_name,
       c.customer_class, r.value, r.value / r.total AS share, r.running / r.total AS cum_share, r.abc
FROM ranked r
JOIN customers c ON c.customer_id = r.entity
LEFT JOIN managers mg ON mg.manager_id = c.manager_id
ORDER BY r.rank
"""


def customer_values(
    con, filters: Filters, metric: str = "amount", settings: dict | None = None
) -> pd.DataFrame:
    """Every buyer of the period ranked by value: rank, customer_id, customer_name, manager_id,
    manager_name, customer_class, value, share, cum_share, abc."""
    value_sql = _check_metric(metric)
    start, end = _period(filters.start, filters.end)
    source, day = _source(start, end)
    scope, params = customer_scope_sql(filters, "c")
    sql = _CUSTOMER_VALUES_SQL.format(
        scope=scope, value=value_sql, source=source, day=day, ranked=_RANKED_CTE
    )
    return query(con, sql, [*params, start, end, *_abc_shares(settings)])


_GROUP_CONCENTRATION_SQL = """
WITH scope AS (
    SELECT c.customer_id, c.status, {group} AS part, {group_name} AS group_name
    FROM customers c LEFT JOIN managers mg ON mg.manager_id = c.manager_id
    WHERE {scope}
),
value AS (
    SELECT s.part, v.entity, v.value
    FROM (SELECT o.customer_id AS entity, sum({value}) AS value
          FROM {source} o WHERE o.{day} BETWEEN ? AND ? GROUP BY o.customer_id) v
    JOIN scope s ON s.customer_id = v.entity
),
{ranked},
{figures},
groups AS (
    SELECT s.part, any_value(s.group_name) AS group_name,
           count(*) FILTER (WHERE coalesce(s.status, 'active') <> 'closed'
                            AND coalesce(v.value, 0) <= 0) AS non_buyers
    FROM scope s LEFT JOIN value v ON v.entity = s.customer_id
    GROUP BY s.part
)
SELECT g.part AS "group", g.group_name,
       coalesce(f.buyers, 0) AS buyers, coalesce(f.total_value, 0) AS total_value,
       f.top20_share, f.pct_customers_for_80, f.gini,
       coalesce(f.a_count, 0) AS a_count, coalesce(f.b_count, 0) AS b_count,
       coalesce(f.c_count, 0) AS c_count, g.non_buyers
FROM groups g LEFT JOIN figures f ON f.part IS NOT DISTINCT FROM g.part
ORDER BY total_value DESC, "group" NULLS LAST
"""


def concentration_by_group(
    con, filters: Filters, group_by: str = "team", metric: str = "amount", settings: dict | None = None
) -> pd.DataFrame:
    """The 80/20 figures of each group of customers (team, manager, region, market type, retail
    format or customer class), each group ranked on its own: group, group_name, buyers,
    total_value, top20_share, pct_customers_for_80, gini, a_count, b_count, c_count, non_buyers."""
    if group_by not in _GROUP_SQL:
        raise ValueError(f"unknown group {group_by!r}; choose one of {', '.join(GROUPS)}")
    value_sql = _check_metric(metric)
    group_sql, group_name_sql = _GROUP_SQL[group_by]
    start, end = _period(filters.start, filters.end)
    source, day = _source(start, end)
    scope, params = customer_scope_sql(filters, "c")
    sql = _GROUP_CONCENTRATION_SQL.format(
        scope=scope,
        group=group_sql,
        group_name=group_name_sql,
        value=value_sql,
        source=source,
        day=day,
        ranked=_RANKED_CTE,
        figures=_FIGURES_CTE,
    )
    return query(con, sql, [*params, start, end, *_abc_shares(settings)])


def pareto_summary(
    con, filters: Filters, metric: str = "amount", settings: dict | None = None
) -> ParetoSummary:
    """The KPI figures of the period: buyers, total value, top-20% share, share of buyers making
    80% of the value, Gini, A/B/C counts and open customers who bought nothing."""
    frame = concentration_by_group(con, filters, "all", metric, settings)
    if frame.empty:
        return ParetoSummary(0, 0.0, None, None, None, 0, 0, 0, 0)
    row = frame.iloc[0]
    return ParetoSummary(
        buyers=int(row["buyers"]),
        total_value=float(row["total_value"]),
        top20_share=_float(row["top20_share"]),
        pct_customers_for_80=_float(row["pct_customers_for_80"]),
        gini=_float(row["gini"]),
        a_count=int(row["a_count"]),
        b_count=int(row["b_count"]),
        c_count=int(row["c_count"]),
        non_buyers=int(row["non_buyers"]),
    )


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


_MONTHLY_CONCENTRATION_SQL = """
WITH scope AS (
    SELECT c.customer_id FROM customers c WHERE {scope}
),
value AS (
    SELECT CAST(date_trunc('month', o.{day}) AS DATE) AS part, o.customer_id AS entity,
           sum({value}) AS value
    FROM {source} o JOIN scope s USING (customer_id)
    WHERE o.{day} BETWEEN ? AND ?
    GROUP BY ALL
),
{ranked},
{figures},
months AS (
    SELECT CAST(m AS DATE) AS month
    FROM generate_series(CAST(? AS DATE), CAST(? AS DATE), INTERVAL 1 MONTH) AS g(m)
)
SELECT months.month, coalesce(f.buyers, 0) AS buyers, coalesce(f.total_value, 0) AS total_value,
       f.top20_share, f.pct_customers_for_80, f.gini
FROM months LEFT JOIN figures f ON f.part = months.month
ORDER BY months.month
"""


def monthly_concentration(
    con, filters: Filters, metric: str = "amount", months: int = 12, settings: dict | None = None
) -> pd.DataFrame:
    """Top-20% share and Gini of each calendar month: the `months` months ending with the period's
    last month, or the whole period when it is longer. Columns month, buyers, total_value,
    top20_share, pct_customers_for_80, gini (NULL in months without buyers)."""
    value_sql = _check_metric(metric)
    end = filters.end or date.today()
    last = month_start(end)
    span = months
    if filters.start:
        span = max(months, (last.year - filters.start.year) * 12 + last.month - filters.start.month + 1)
    first = add_months(last, -(span - 1))
    source, day = _source(first, end)
    scope, params = customer_scope_sql(filters, "c")
    sql = _MONTHLY_CONCENTRATION_SQL.format(
        scope=scope,
        value=value_sql,
        source=source,
        day=day,
        ranked=_RANKED_CTE,
        figures=_FIGURES_CTE,
    )
    return query(con, sql, [*params, first, end, *_abc_shares(settings), first, last])


# ------------------------------------------------------------------ ABC migration


_TRANSITIONS_CTE = """
WITH scope AS (
    SELECT c.customer_id FROM customers c WHERE {scope}
),
value AS (
    SELECT v.* FROM (
        SELECT 'previous' AS part, o.customer_id AS entity, sum({value}) AS value
        FROM {previous_source} o
        WHERE o.{previous_day} BETWEEN ? AND ?
        GROUP BY o.customer_id
        UNION ALL
        SELECT 'current' AS part, o.customer_id AS entity, sum({value}) AS value
        FROM {current_source} o
        WHERE o.{current_day} BETWEEN ? AND ?
        GROUP BY o.customer_id
    ) v SEMI JOIN scope s ON s.customer_id = v.entity
),
{ranked},
moves AS (
    SELECT v.entity AS customer_id,
           coalesce(max(r.abc) FILTER (WHERE v.part = 'previous'), 'none') AS previous_abc,
           coalesce(max(r.abc) FILTER (WHERE v.part = 'current'), 'none') AS current_abc,
           coalesce(sum(v.value) FILTER (WHERE v.part = 'previous'), 0) AS previous_value,
           coalesce(sum(v.value) FILTER (WHERE v.part = 'current'), 0) AS value
    FROM value v LEFT JOIN ranked r ON r.part = v.part AND r.entity = v.entity
    GROUP BY v.entity
    HAVING count(r.abc) > 0
)
"""

_TRANSITIONS_SQL = (
    _TRANSITIONS_CTE
    + """
SELECT m.customer_id, c.customer_name, c.manager_id, mg.manager_name, c.customer_class,
       m.previous_abc, m.current_abc, m.previous_value, m.value, m.value - m.previous_value AS change
FROM moves m
JOIN customers c USING (customer_id)
LEFT JOIN managers mg ON mg.manager_id = c.manager_id
ORDER BY m.previous_abc, m.current_abc, m.previous_value DESC, m.customer_id
"""
)

_MIGRATION_SQL = (
    _TRANSITIONS_CTE
    + """
SELECT previous_abc, current_abc, count(*) AS customers,
       sum(previous_value) AS previous_value, sum(value) AS value,
       coalesce(sum(previous_value - value)
                FILTER (WHERE previous_abc = 'A' AND current_abc <> 'A'), 0) AS lost_value
FROM moves
GROUP BY previous_abc, current_abc
ORDER BY previous_abc, current_abc
"""
)


def _transition_query(con, sql: str, filters: Filters, metric: str, settings: dict | None) -> pd.DataFrame:
    value_sql = _check_metric(metric)
    current = _period(filters.start, filters.end)
    previous_filters = filters.previous_period()
    previous = _period(previous_filters.start, previous_filters.end)
    if filters.start is None or filters.end is None:
        previous = (_FIRST_DAY, _FIRST_DAY)  # an open period has no previous one
    (previous_source, previous_day), (current_source, current_day) = _source(*previous), _source(*current)
    scope, params = customer_scope_sql(filters, "c")
    text = sql.format(
        scope=scope,
        value=value_sql,
        previous_source=previous_source,
        previous_day=previous_day,
        current_source=current_source,
        current_day=current_day,
        ranked=_RANKED_CTE,
    )
    return query(con, text, [*params, *previous, *current, *_abc_shares(settings)])


def abc_transitions(
    con, filters: Filters, metric: str = "amount", settings: dict | None = None
) -> pd.DataFrame:
    """Each customer who was a buyer in the previous period (`Filters.previous_period`) or in this one, with
    its ABC class then and now ('none' = not a buyer): customer_id, customer_name, manager_id,
    manager_name, customer_class, previous_abc, current_abc, previous_value, value, change."""
    return _transition_query(con, _TRANSITIONS_SQL, filters, metric, settings)


def abc_migration(
    con, filters: Filters, metric: str = "amount", settings: dict | None = None
) -> pd.DataFrame:
    """The ABC migration matrix from the previous period (`Filters.previous_period`) to this one: one row per
    non-empty cell (previous_abc, current_abc, customers, previous_value, value, lost_value).
    lost_value is previous minus current value of customers who fell from A (to B, C or none)."""
    return _transition_query(con, _MIGRATION_SQL, filters, metric, settings)


# ------------------------------------------------------------------ products


_PRODUCT_VALUES_SQL = """
WITH scope AS (
    SELECT c.customer_id FROM customers c WHERE {scope}
),
value AS (
    SELECT 'all' AS part, o.product AS entity, sum({value}) AS value,
           count(DISTINCT o.customer_id) AS customers
    FROM orders o JOIN scope s USING (customer_id)
    WHERE o.order_date BETWEEN ? AND ?
    GROUP BY o.product
),
{ranked}
SELECT r.rank, r.entity AS product, r.value, r.value / r.total AS share,
       r.running / r.total AS cum_share, r.abc, v.customers
FROM ranked r JOIN value v ON v.entity IS NOT DISTINCT FROM r.entity
ORDER BY r.rank
"""

_PRODUCT_SUMMARY_SQL = """
WITH scope AS (
    SELECT c.customer_id FROM customers c WHERE {scope}
),
value AS (
    SELECT 'all' AS part, o.product AS entity, sum({value}) AS value
    FROM orders o JOIN scope s USING (customer_id)
    WHERE o.order_date BETWEEN ? AND ?
    GROUP BY o.product
),
{ranked},
{figures}
SELECT * FROM figures
"""


def product_values(
    con, filters: Filters, metric: str = "amount", settings: dict | None = None
) -> pd.DataFrame:
    """Products (brands) of the period ranked by value, the 80/20 view over products: rank,
    product, value, share, cum_share, abc, customers (who bought it). Reads the order lines."""
    value_sql = _check_metric(metric)
    start, end = _period(filters.start, filters.end)
    scope, params = customer_scope_sql(filters, "c")
    sql = _PRODUCT_VALUES_SQL.format(scope=scope, value=value_sql, ranked=_RANKED_CTE)
    return query(con, sql, [*params, start, end, *_abc_shares(settings)])


def product_summary(
    con, filters: Filters, metric: str = "amount", settings: dict | None = None
) -> ParetoSummary:
    """The concentration figures over products: `buyers` = products with positive value."""
    value_sql = _check_metric(metric)
    start, end = _period(filters.start, filters.end)
    scope, params = customer_scope_sql(filters, "c")
    sql = _PRODUCT_SUMMARY_SQL.format(scope=scope, value=value_sql, ranked=_RANKED_CTE, figures=_FIGURES_CTE)
    frame = query(con, sql, [*params, start, end, *_abc_shares(settings)])
    if frame.empty:
        return ParetoSummary(0, 0.0, None, None, None, 0, 0, 0, None)
    row = frame.iloc[0]
    return ParetoSummary(
        buyers=int(row["buyers"]),
        total_value=float(row["total_value"]),
        top20_share=_float(row["top20_share"]),
        pct_customers_for_80=_float(row["pct_customers_for_80"]),
        gini=_float(row["gini"]),
        a_count=int(row["a_count"]),
        b_count=int(row["b_count"]),
        c_count=int(row["c_count"]),
        non_buyers=None,
    )


# ------------------------------------------------------------------ big customers


_BIG_CUSTOMERS_SQL = """
WITH scope AS (
    SELECT c.* FROM customers c WHERE {scope}
),
yearly AS (
    SELECT o.customer_id, sum(o.quantity) AS year_cartons, count(*) AS months_with_orders
    FROM order_months o JOIN scope s USING (customer_id)
    WHERE o.month BETWEEN ? AND ?
    GROUP BY o.customer_id
)
SELECT y.customer_id, s.customer_name, s.manager_id, mg.manager_name, s.customer_class,
       y.year_cartons, y.year_cartons / 12 AS monthly_cartons,
       y.year_cartons / 12 * ? AS monthly_average, y.months_with_orders
FROM yearly y
JOIN scope s USING (customer_id)
LEFT JOIN managers mg ON mg.manager_id = s.manager_id
WHERE y.year_cartons / 12 * ? > ?
ORDER BY monthly_average DESC, y.customer_id
"""


def big_customer_settings(settings: dict | None = None) -> dict:
    """threshold, unit ('sticks' or 'cartons') and sticks_per_carton, with the preset's defaults."""
    big = (settings or config.load_settings()).get("big_customer", {})
    return {
        "threshold": float(big.get("threshold", 130000)),
        "unit": str(big.get("unit", "sticks")),
        "sticks_per_carton": float(big.get("sticks_per_carton", 200)),
    }


def big_customers(
    con,
    filters: Filters,
    threshold: float | None = None,
    unit: str | None = None,
    year: int | None = None,
    settings: dict | None = None,
) -> pd.DataFrame:
    """Big customers: the monthly average purchase of the previous calendar year (the year before
    the period's end, total ÷ 12) is above the threshold (default 130,000 sticks = 650 cartons).

    Quantity is stored in cartons; `monthly_average` is in `unit` (sticks or cartons). Columns
    customer_id, customer_name, manager_id, manager_name, customer_class, year_cartons,
    monthly_cartons, monthly_average, months_with_orders."""
    big = big_customer_settings(settings)
    threshold = big["threshold"] if threshold is None else float(threshold)
    unit = unit or big["unit"]
    if unit not in ("sticks", "cartons"):
        raise ValueError(f"unknown unit {unit!r}; choose sticks or cartons")
    factor = big["sticks_per_carton"] if unit == "sticks" else 1.0
    year = year or (filters.end or date.today()).year - 1
    scope, params = customer_scope_sql(filters, "c")
    return query(
        con,
        _BIG_CUSTOMERS_SQL.format(scope=scope),
        [*params, date(year, 1, 1), date(year, 12, 1), factor, factor, threshold],
    )


# ------------------------------------------------------------------ metric choice and detail


def has_cost(con) -> bool:
    """True when some order carries a cost, so gross profit can be offered."""
    return bool(
        db.scalar(con, "SELECT count(*) FROM (SELECT 1 FROM order_days WHERE cost IS NOT NULL LIMIT 1)")
    )


def available_metrics(con) -> tuple[str, ...]:
    """The value metrics the data supports: amount and quantity, and profit when cost exists."""
    return METRICS if has_cost(con) else METRICS[:2]


_CUSTOMER_PROFILE_SQL = """
SELECT c.customer_id, c.customer_name, c.manager_id, mg.manager_name, mg.team, c.region,
       c.customer_class, c.market_type, c.retail_format, c.tier, c.modern_terminal, c.status,
       c.open_date, c.violation_date
FROM customers c LEFT JOIN managers mg ON mg.manager_id = c.manager_id
WHERE c.customer_id = ?
"""


def customer_profile(con, customer_id: str) -> pd.DataFrame:
    """One customer's master data with its manager and team (one row, or none if unknown)."""
    return query(con, _CUSTOMER_PROFILE_SQL, [customer_id])


_CUSTOMER_HISTORY_SQL = """
WITH scope AS (
    SELECT c.customer_id FROM customers c WHERE {scope}
),
value AS (
    SELECT o.month AS part, o.customer_id AS entity, sum({value}) AS value
    FROM order_months o JOIN scope s USING (customer_id)
    WHERE o.month BETWEEN ? AND ?
    GROUP BY ALL
),
{ranked},
months AS (
    SELECT CAST(m AS DATE) AS month
    FROM generate_series(CAST(? AS DATE), CAST(? AS DATE), INTERVAL 1 MONTH) AS g(m)
)
SELECT months.month, coalesce(v.value, 0) AS value, r.rank, r.n AS buyers, coalesce(r.abc, 'none') AS abc
FROM months
LEFT JOIN value v ON v.part = months.month AND v.entity = ?
LEFT JOIN ranked r ON r.part = months.month AND r.entity = ?
ORDER BY months.month
"""


def customer_history(
    con,
    filters: Filters,
    customer_id: str,
    metric: str = "amount",
    months: int = 12,
    settings: dict | None = None,
) -> pd.DataFrame:
    """One customer's calendar months up to the period's last month: month, value, rank among the
    month's buyers in scope, buyers, abc (its ABC class that month, 'none' when it bought nothing)."""
    value_sql = _check_metric(metric)
    last = month_start(filters.end or date.today())
    first = add_months(last, -(months - 1))
    scope, params = customer_scope_sql(filters, "c")
    sql = _CUSTOMER_HISTORY_SQL.format(scope=scope, value=value_sql, ranked=_RANKED_CTE)
    return query(
        con, sql, [*params, first, last, *_abc_shares(settings), first, last, customer_id, customer_id]
    )


def customer_orders(con, filters: Filters, customer_id: str) -> pd.DataFrame:
    """One customer's order lines in the period: order_date, order_id, product, quantity, amount, cost."""
    start, end = _period(filters.start, filters.end)
    return query(
        con,
        """SELECT order_date, order_id, product, quantity, amount, cost
           FROM orders WHERE customer_id = ? AND order_date BETWEEN ? AND ?
           ORDER BY order_date DESC, order_id, product""",
        [customer_id, start, end],
    )


def customer_visits(con, filters: Filters, customer_id: str) -> pd.DataFrame:
    """One customer's visits in the period: visit_date, manager_id, method, duration_min, notes."""
    start, end = _period(filters.start, filters.end)
    return query(
        con,
        """SELECT visit_date, manager_id, method, duration_min, notes
           FROM visits
           WHERE customer_id = ? AND visit_date >= ? AND visit_date < CAST(? AS DATE) + INTERVAL 1 DAY
           ORDER BY visit_date DESC""",
        [customer_id, start, min(end, date(9999, 12, 30))],
    )


def chart_points(values: pd.DataFrame, max_bars: int = 2000) -> pd.DataFrame:
    """The buyers' bars to draw: all of them up to `max_bars`, else every k-th rank (always keeping
    the first and the last), so thousands of buyers stay readable. The cumulative line should be
    drawn from the full table."""
    if len(values) <= max_bars:
        return values
    step = -(-len(values) // max_bars)
    keep = (values["rank"] - 1) % step == 0
    keep.iloc[-1] = True
    return values[keep]


# ------------------------------------------------------------------ command line


def add_commands(subparsers, parents) -> None:
    """`pareto` (per buyer or --summary) and `classes` (recommended service classes)."""
    cmd = subparsers.add_parser(
        "pareto",
        parents=[parents["db"], parents["filters"]],
        help="80/20 customer value: one row per buyer, or the summary figures",
    )
    cmd.add_argument("--metric", choices=METRICS, default="amount", help="value: amount, quantity or profit")
    cmd.add_argument(
        "--summary",
        action="store_true",
        help="one row: buyers,total_value,top20_share,pct_customers_for_80,gini,"
        "a_count,b_count,c_count,non_buyers",
    )
    cmd.set_defaults(handler=_cmd_pareto)
    classes.add_commands(subparsers, parents)


CUSTOMER_COLUMNS = [
    "customer_id",
    "customer_name",
    "manager_id",
    "value",
    "rank",
    "share",
    "cum_share",
    "abc",
]


def _cmd_pareto(args: argparse.Namespace) -> int:
    con = cli.open_db(args)
    filters = cli.filters_from_args(args, con)
    if args.summary:
        cli.print_csv(pareto_summary(con, filters, args.metric).as_frame())
    else:
        cli.print_csv(customer_values(con, filters, args.metric)[CUSTOMER_COLUMNS])
    return 0
