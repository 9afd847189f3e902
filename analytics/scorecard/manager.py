"""One manager in detail: the scorecard items against the standard, the visits by weekday and by
length, and the customers by next visit due (the overdue list and the visit plan)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import NamedTuple

import duckdb
import numpy as np
import pandas as pd

from analytics import config, sql
from analytics.domain import CLASSES
from analytics.filters import Filters
from analytics.scorecard.figures import period_figures
from analytics.scorecard.scoring import ITEMS, item_rules, scored, weights, with_complaint_scores
from analytics.settings import Settings
from analytics.visits import range_values, standard_values

ITEM_COLUMNS = ["item", "value", "standard", "score", "weight"]


def manager_items(
    con: duckdb.DuckDBPyConnection, filters: Filters, manager_id: str, settings: Settings | dict | None = None
) -> pd.DataFrame:
    """One manager's scorecard items against the standard: item, value, standard, score, weight
    (weight after renormalisation over the items with data, in %)."""
    s = config.as_settings(settings)
    # The items need only the figures and scores: no lost customers, warnings or ranks.
    if filters.start is None or filters.end is None:
        return pd.DataFrame(columns=ITEM_COLUMNS)
    figures = period_figures(con, filters, ((filters.start, filters.end),), s)
    card = scored(with_complaint_scores(con, filters, figures, s), s)
    row = card[card["manager_id"] == manager_id]
    if row.empty:
        return pd.DataFrame(columns=ITEM_COLUMNS)
    row = row.iloc[0]
    rules = item_rules(s)
    scores = pd.Series({item: row[f"score_{item}"] for item in ITEMS}, dtype="float64")
    raw = weights(s)
    total = raw[scores.notna()].sum()
    return pd.DataFrame(
        {
            "item": list(ITEMS),
            "value": [row[rule.figure] for rule in rules],
            "standard": [rule.standard for rule in rules],
            "score": scores.to_numpy(),
            "weight": [100 * raw[i] / total if total and pd.notna(scores[i]) else np.nan for i in ITEMS],
        }
    )


def weekday_pattern(
    con: duckdb.DuckDBPyConnection, filters: Filters, manager_id: str, settings: Settings | dict | None = None
) -> pd.DataFrame:
    """A manager's visits in the period by weekday (0 = Monday): weekday, visits, onsite_visits,
    field_days, suggested (a field day the standard suggests, e.g. Mon, Wed, Thu)."""
    suggested = set(config.as_settings(settings).workload.suggested_weekdays)
    frame = sql.query(con, "scorecard/weekdays", {"manager_id": manager_id}, filters=filters)
    frame["suggested"] = frame["weekday"].isin(suggested)
    return frame


def visit_lengths(
    con: duckdb.DuckDBPyConnection, filters: Filters, manager_id: str, settings: Settings | dict | None = None
) -> pd.DataFrame:
    """A manager's timed visits in the period with the class standard: customer_class (unknown →
    regular), duration_min, min_minutes, max_minutes, within (duration inside the range)."""
    values = {**standard_values(settings), "manager_id": manager_id}
    return sql.query(con, "scorecard/visit_lengths", values, filters=filters)


class LengthRange(NamedTuple):
    """A class's visit-length standard, at its place on a chart of the classes visited."""

    position: int
    customer_class: str
    min_minutes: float
    max_minutes: float


def length_ranges(lengths: pd.DataFrame) -> list[LengthRange]:
    """The classes present in `visit_lengths`, in the classes' order, with their length range."""
    present = lengths.drop_duplicates("customer_class").set_index("customer_class")
    order = [c for c in CLASSES if c in present.index]
    return [
        LengthRange(i, c, float(present.loc[c, "min_minutes"]), float(present.loc[c, "max_minutes"]))
        for i, c in enumerate(order)
    ]


def manager_scope(filters: Filters | None, manager_id: str, as_of: date) -> Filters:
    """The manager's customers within `filters` (the account's scope and the sidebar's team,
    region and class kept; the sidebar's managers replaced by this one), as of `as_of`."""
    return replace(filters or Filters(), end=as_of, managers=(manager_id,))


def overdue_list(
    con: duckdb.DuckDBPyConnection,
    manager_id: str,
    as_of: date,
    settings: Settings | dict | None = None,
    filters: Filters | None = None,
) -> pd.DataFrame:
    """Every open customer of the manager in `filters` (None: all of them) with its next visit
    due as of `as_of`, by due date: customer_id, customer_name, customer_class, interval_days,
    last_visit, due_date (last visit + class interval; never visited: as of now, or the interval
    after opening if that is sooner), days_overdue (0 when not yet due), sales (the 365 days up
    to as_of), open_warnings."""
    s = config.as_settings(settings)
    scope = manager_scope(filters, manager_id, as_of)
    context, values = range_values(as_of - timedelta(days=364), as_of, "amounts")
    values |= {**standard_values(s), "manager_id": manager_id, "as_of": as_of}
    frame = sql.query(con, "scorecard/overdue", values, filters=scope, **context)
    frame["open_warnings"] = _customer_warnings(con, scope, as_of, frame["customer_id"], s)
    return frame


def plan_columns(
    con: duckdb.DuckDBPyConnection,
    manager_id: str,
    as_of: date,
    settings: Settings | dict | None = None,
    filters: Filters | None = None,
) -> pd.DataFrame:
    """The visit plan's guidance per customer of the manager: customer_id, suggested_products
    (product-mix suggestions) and suggested_orders (inventory guidance; empty without stock
    checks); customers with neither are left out."""
    from analytics import inventory, suggestions

    scope = manager_scope(filters, manager_id, as_of)
    products = suggestions.suggestion_column(con, scope, as_of, settings)
    orders = inventory.suggested_order_column(con, scope, as_of, settings)
    return products.merge(orders, on="customer_id", how="outer").astype(object)


def with_plan_columns(overdue: pd.DataFrame, columns: pd.DataFrame) -> pd.DataFrame:
    """An overdue list with the plan_columns of its customers (empty text where there are none)."""
    merged = overdue.merge(columns, on="customer_id", how="left")
    for column in ("suggested_products", "suggested_orders"):
        merged[column] = merged[column].fillna("") if column in merged else ""
    return merged


def _customer_warnings(
    con: duckdb.DuckDBPyConnection, scope: Filters, as_of: date, customers: pd.Series, settings: Settings
) -> pd.Series:
    """Open loss warnings per customer (the number of rules fired, 0 when none is open), from the
    warnings module; empty while it is unavailable."""
    try:
        from analytics.warnings import RULES, warning_list
    except ImportError:
        return pd.Series(pd.NA, index=customers.index, dtype="Int64")
    warned = warning_list(con, scope, as_of=as_of, settings=settings)
    warned = warned[warned["open"]]
    by_customer = warned.set_index("customer_id")[list(RULES)].sum(axis=1)
    return customers.map(by_customer).fillna(0).astype("Int64")


def visit_plan(
    con: duckdb.DuckDBPyConnection,
    manager_id: str,
    as_of: date,
    days: int = 14,
    settings: Settings | dict | None = None,
    filters: Filters | None = None,
) -> pd.DataFrame:
    """The overdue list cut to the customers due within the next `days` days (overdue included),
    with the plan's guidance (plan_columns)."""
    due = due_within(overdue_list(con, manager_id, as_of, settings, filters), as_of, days)
    return with_plan_columns(due, plan_columns(con, manager_id, as_of, settings, filters))


def due_within(overdue: pd.DataFrame, as_of: date, days: int = 14) -> pd.DataFrame:
    """Rows of an overdue list due within `days` days after as_of (overdue included)."""
    horizon = pd.Timestamp(as_of + timedelta(days=days))
    return overdue[pd.to_datetime(overdue["due_date"]) <= horizon].reset_index(drop=True)
