"""The 80/20 view over products (brands): the only part of the 80/20 analysis that reads the
order lines."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics import sql
from analytics.customer_value import abc_params, check_metric, period
from analytics.filters import Filters
from analytics.pareto.concentration import ParetoSummary
from analytics.settings import Settings


def _params(filters: Filters, settings: Settings | dict | None) -> dict:
    start, end = period(filters.start, filters.end)
    return {"start": start, "end": end, **abc_params(settings)}


def product_values(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    metric: str = "amount",
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """Products (brands) of the period ranked by value, the 80/20 view over products: rank,
    product, value, share, cum_share, abc, customers (who bought it). Reads the order lines."""
    check_metric(metric)
    return sql.query(con, "pareto/products", _params(filters, settings), filters=filters, metric=metric)


def product_summary(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    metric: str = "amount",
    settings: Settings | dict | None = None,
) -> ParetoSummary:
    """The concentration figures over products: `buyers` = products with positive value."""
    check_metric(metric)
    params = _params(filters, settings)
    frame = sql.query(con, "pareto/products", params, filters=filters, metric=metric, summary=True)
    return ParetoSummary.of(frame, customers=False)
