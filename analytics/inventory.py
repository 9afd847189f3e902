"""Inventory guidance (domain guide §4, seed 001:242-246) from the stock checks recorded on
visits (optional table ``stock_checks``): per customer and product, between its last two checks,
actual sales = previous stock + quantity ordered between them − current stock; reasonable stock
= ``inventory.reasonable_stock_factor`` (1.5) × actual sales; suggested order = reasonable stock
− current stock, never below 0. Orders on the day of a check count towards the next period."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from analytics import config, db, sql
from analytics.filters import Filters
from analytics.optional_tables import empty, has_table
from analytics.settings import Settings

TABLE = "stock_checks"
COLUMNS = [
    "customer_id",
    "manager_id",
    "product",
    "previous_check",
    "previous_stock",
    "check_date",
    "stock_qty",
    "ordered_between",
    "actual_sales",
    "reasonable_stock",
    "suggested_order",
]


def guidance(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
    customer_id: str | None = None,
) -> pd.DataFrame:
    """COLUMNS per customer and product with two checks up to as_of (every customer in scope, or
    `customer_id`). Empty when the store has no stock checks (``has_table``)."""
    s = config.as_settings(settings)
    as_of = as_of or filters.end or db.last_data_date(con)
    if as_of is None or not has_table(con, TABLE):
        return empty(COLUMNS)
    frame = sql.query(
        con,
        "inventory/guidance",
        {"as_of": as_of, "factor": s.inventory.reasonable_stock_factor, "customer_id": customer_id},
        filters=filters,
        customer=customer_id is not None,
    )
    for column in ("previous_check", "check_date"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame[COLUMNS]


def customer_guidance(
    con: duckdb.DuckDBPyConnection,
    customer_id: str,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """One customer's guidance (the Customer page and the ``inventory`` command): COLUMNS less
    customer_id and manager_id, the biggest suggested order first."""
    frame = guidance(con, Filters(), as_of, settings, customer_id=customer_id)
    frame = frame.sort_values(["suggested_order", "product"], ascending=[False, True], kind="stable")
    return frame.drop(columns=["customer_id", "manager_id"]).reset_index(drop=True)


def suggested_order_column(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """customer_id, suggested_orders ("玉溪(软) 12 · 中华(硬) 3", quantity in the orders' unit):
    the visit plan's column; products with nothing to order and customers without checks are left
    out."""
    frame = guidance(con, filters, as_of, settings)
    frame = frame[frame["suggested_order"] > 0]
    if frame.empty:
        return pd.DataFrame({"customer_id": [], "suggested_orders": []})
    frame = frame.sort_values(["customer_id", "suggested_order"], ascending=[True, False], kind="stable")
    text = frame["product"] + " " + frame["suggested_order"].round().astype(int).astype(str)
    joined = text.groupby(frame["customer_id"], sort=True).agg(" · ".join)
    return joined.rename("suggested_orders").reset_index()
