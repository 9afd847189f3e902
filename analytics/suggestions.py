"""Product-mix suggestions (domain guide §4, seed 001:224): for a customer, the products bought
most by its peers — open customers of the same retail format and tier band (``products.tier_bands``)
who ordered in the last ``products.suggestion_window_days`` days — that the customer has not
ordered in those days, the first ``products.suggestion_count``, with the share of peers who buy
each (peers who bought it ÷ peers; the customer itself is never its own peer)."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

from analytics import config, db, sql
from analytics.filters import Filters
from analytics.settings import Settings

COLUMNS = ["customer_id", "rank", "product", "peer_share", "peers_buying", "peers"]


def _values(as_of: date, s: Settings) -> dict:
    lows, highs = zip(*s.products.tier_bands, strict=True) if s.products.tier_bands else ((), ())
    return {
        "as_of": as_of,
        "since": as_of - timedelta(days=s.products.suggestion_window_days - 1),
        "band_lows": list(lows),
        "band_highs": list(highs),
        "top": s.products.suggestion_count,
    }


def suggestions(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
    customer_id: str | None = None,
) -> pd.DataFrame:
    """COLUMNS, one row per suggestion (rank 1 = most bought by peers), for every customer in
    scope or only `customer_id`. A customer without tier or format, or without peers, has none."""
    s = config.as_settings(settings)
    as_of = as_of or filters.end or db.last_data_date(con)
    if as_of is None or not s.products.tier_bands:
        return pd.DataFrame({column: [] for column in COLUMNS})
    values = _values(as_of, s) | {"customer_id": customer_id}
    return sql.query(
        con, "suggestions/peer_products", values, filters=filters, customer=customer_id is not None
    )[COLUMNS]


def suggest(
    con: duckdb.DuckDBPyConnection,
    customer_id: str,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """One customer's suggestions: rank, product, peer_share, peers_buying, peers (the Customer
    page's table and the ``suggest`` command)."""
    frame = suggestions(con, Filters(), as_of, settings, customer_id=customer_id)
    return frame.drop(columns="customer_id").reset_index(drop=True)


def suggestion_column(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """customer_id, suggested_products ("玉溪(软) 62% · 中华(硬) 40%"): one text per customer for
    the visit plan export (customers without a suggestion are left out)."""
    frame = suggestions(con, filters, as_of, settings)
    if frame.empty:
        return pd.DataFrame({"customer_id": [], "suggested_products": []})
    text = frame["product"] + " " + (frame["peer_share"] * 100).round().astype(int).astype(str) + "%"
    joined = text.groupby(frame["customer_id"], sort=True).agg(" · ".join)
    return joined.rename("suggested_products").reset_index()
