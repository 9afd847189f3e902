"""Collections (回款, domain guide §4, seeds 000:115, 003:22), optional table ``receivables``:
overdue = the unpaid amount of invoices past their due date as of d (a payment counts from its
paid_date; one without a date counts as made), in age buckets of days past due 1-30, 31-60,
61-90 and over 90; per customer and per manager. A customer whose overdue total is above
``collections.overdue_floor`` has the *overdue_payment* loss signal."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from analytics import config, db, sql
from analytics.filters import Filters
from analytics.optional_tables import empty, has_table
from analytics.settings import Settings

TABLE = "receivables"
BUCKETS = ["overdue_1_30", "overdue_31_60", "overdue_61_90", "overdue_90_plus"]
CUSTOMER_COLUMNS = [
    "customer_id",
    "customer_name",
    "manager_id",
    "manager_name",
    *BUCKETS,
    "overdue_total",
    "oldest_days",
]
MANAGER_COLUMNS = ["manager_id", "manager_name", "customers", *BUCKETS, "overdue_total"]


def overdue_by_customer(
    con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date | None = None
) -> pd.DataFrame:
    """CUSTOMER_COLUMNS for each customer in scope with an overdue amount as of as_of (default:
    the period's end, else the last day with data), the largest total first."""
    as_of = as_of or filters.end or db.last_data_date(con)
    if as_of is None or not has_table(con, TABLE):
        return empty(CUSTOMER_COLUMNS)
    return sql.query(con, "collections/overdue", {"as_of": as_of}, filters=filters)[CUSTOMER_COLUMNS]


def overdue_by_manager(
    con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date | None = None
) -> pd.DataFrame:
    """MANAGER_COLUMNS: the customers' overdue amounts summed per manager (customers = customers
    with an overdue amount), the largest total first."""
    frame = overdue_by_customer(con, filters, as_of)
    if frame.empty:
        return empty(MANAGER_COLUMNS)
    keys = frame[["manager_id", "manager_name"]].fillna("")
    grouped = frame.groupby([keys["manager_id"], keys["manager_name"]], sort=True)
    result = grouped[[*BUCKETS, "overdue_total"]].sum()
    result.insert(0, "customers", grouped.size())
    result = result.reset_index().sort_values(["overdue_total", "manager_id"], ascending=[False, True])
    return result[MANAGER_COLUMNS].reset_index(drop=True)


def overdue_payment_customers(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """The *overdue_payment* loss signal: customer_id, overdue_total of the customers in scope
    whose overdue total as of as_of is above ``collections.overdue_floor``. Empty (same columns)
    when the store has no receivables."""
    floor = config.as_settings(settings).collections.overdue_floor
    frame = overdue_by_customer(con, filters, as_of)
    frame = frame[frame["overdue_total"] > floor] if not frame.empty else frame
    return frame[["customer_id", "overdue_total"]].reset_index(drop=True)
