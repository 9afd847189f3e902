"""Big customers: the customers whose monthly average purchase of the previous calendar year is
above the threshold (settings [big_customer])."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from analytics import config, sql
from analytics.filters import Filters
from analytics.settings import BigCustomer, Settings

UNITS = ("sticks", "cartons")


def big_customer_settings(settings: Settings | dict | None = None) -> BigCustomer:
    """threshold, unit ('sticks' or 'cartons') and sticks_per_carton of the settings."""
    return config.as_settings(settings).big_customer


def big_customer_year(filters: Filters) -> int:
    """The calendar year the big customers are judged on: the year before the period's end (or
    before today's year when the period is open)."""
    return (filters.end or date.today()).year - 1


def big_customers(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    threshold: float | None = None,
    unit: str | None = None,
    year: int | None = None,
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """Big customers: the monthly average purchase of the previous calendar year (the year before
    the period's end, total ÷ 12) is above the threshold (default 130,000 sticks = 650 cartons).

    Quantity is stored in cartons; `monthly_average` is in `unit` (sticks or cartons). Columns
    customer_id, customer_name, manager_id, manager_name, customer_class, year_cartons,
    monthly_cartons, monthly_average, months_with_orders."""
    big = big_customer_settings(settings)
    threshold = big.threshold if threshold is None else float(threshold)
    unit = unit or big.unit
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; choose sticks or cartons")
    factor = big.sticks_per_carton if unit == "sticks" else 1.0
    year = year or big_customer_year(filters)
    params = {
        "first_month": date(year, 1, 1),
        "last_month": date(year, 12, 1),
        "factor": factor,
        "threshold": threshold,
    }
    return sql.query(con, "pareto/big_customers", params, filters=filters)
