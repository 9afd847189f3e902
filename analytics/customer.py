"""One customer, opened from the 80/20 ranking: master data, its months with value, rank and ABC
class among the buyers in scope, and its order lines and visits in the period.

Each function obeys the Filters' customer scope, the signed-in account's scope included: a
customer outside it returns no rows."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from analytics import sql
from analytics.customer_value import abc_params, check_metric, period
from analytics.filters import Filters, add_months, month_start
from analytics.settings import Settings

# The last day a visit range may end on: the query adds one day to it.
_LAST_VISIT_DAY = date(9999, 12, 30)


def customer_profile(
    con: duckdb.DuckDBPyConnection, customer_id: str, filters: Filters | None = None
) -> pd.DataFrame:
    """One customer's master data with its manager and team (one row, or none if unknown or
    outside `filters`' scope)."""
    return sql.query(con, "customer/profile", {"customer_id": customer_id}, filters=filters or Filters())


def customer_history(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    customer_id: str,
    metric: str = "amount",
    months: int = 12,
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """One customer's calendar months up to the period's last month: month, value, rank among the
    month's buyers in scope, buyers, abc (its ABC class that month, 'none' when it bought nothing)."""
    check_metric(metric)
    last = month_start(filters.end or date.today())
    first = add_months(last, -(months - 1))
    params = {"first": first, "last_month": last, "customer_id": customer_id, **abc_params(settings)}
    history = sql.query(con, "customer/history", params, filters=filters, metric=metric)
    if filters.restricted and customer_profile(con, customer_id, filters).empty:
        return history.iloc[0:0]
    return history


def customer_orders(con: duckdb.DuckDBPyConnection, filters: Filters, customer_id: str) -> pd.DataFrame:
    """One customer's order lines in the period: order_date, order_id, product, quantity, amount, cost."""
    start, end = period(filters.start, filters.end)
    params = {"customer_id": customer_id, "start": start, "end": end}
    return sql.query(con, "customer/orders", params, filters=filters)


def customer_visits(con: duckdb.DuckDBPyConnection, filters: Filters, customer_id: str) -> pd.DataFrame:
    """One customer's visits in the period: visit_date, manager_id, method, duration_min, notes."""
    start, end = period(filters.start, filters.end)
    params = {"customer_id": customer_id, "start": start, "end": min(end, _LAST_VISIT_DAY)}
    return sql.query(con, "customer/visits", params, filters=filters)
