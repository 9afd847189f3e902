"""New-product cultivation (domain guide §4, seed 001:212-222): for a product p launched on L
(its first order line in the store, or a date the supervisor sets), as of d:

- target customers = open customers in scope with an order in [L, d];
- listing rate (上柜率) = target customers with an order line of p in [L, d] ÷ target customers;
- repurchase rate (再购率) = customers with ≥ 2 distinct order days of p in [L, d] ÷ listed;
- not listed = the target customers without p (the visit list for promoting it).

Everything follows from one row per target customer (``customer_uptake``): the first order day
in the window, the first order day of p and the second one. A rate at any day of the window —
the curve over time since launch — counts the dates on or before that day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

import duckdb
import numpy as np
import pandas as pd

from analytics import config, db, sql
from analytics.filters import Filters, add_months
from analytics.settings import Settings

FIGURES = ["target_customers", "listed", "listing_rate", "repurchased", "repurchase_rate"]
UPTAKE_COLUMNS = [
    "customer_id",
    "customer_name",
    "manager_id",
    "manager_name",
    "team",
    "retail_format",
    "tier",
    "customer_class",
    "first_order",
    "first_listed",
    "repurchased_on",
    "product_days",
]
DATES = ("first_order", "first_listed", "repurchased_on")  # target, listed, repurchased from these days
T = TypeVar("T")
GROUPS = {"manager": ["manager_id", "manager_name", "team"], "team": ["team"]}


def _as_of(con: duckdb.DuckDBPyConnection, filters: Filters | None, as_of: date | None) -> date | None:
    """The as-of day: given, else the period's end, else the last day with data."""
    if as_of is not None:
        return as_of
    if filters is not None and filters.end is not None:
        return filters.end
    return db.last_data_date(con)


def product_launches(con: duckdb.DuckDBPyConnection, as_of: date | None = None) -> pd.DataFrame:
    """Every product with its launch (first order line up to as_of) and its customers since:
    product, launch_date, customers; the newest launches first."""
    as_of = _as_of(con, None, as_of)
    if as_of is None:
        return pd.DataFrame({"product": [], "launch_date": [], "customers": []})
    frame = sql.query(con, "products/first_lines", {"as_of": as_of})
    frame["launch_date"] = pd.to_datetime(frame["launch_date"]).dt.date
    return frame


def recent_launches(
    con: duckdb.DuckDBPyConnection, as_of: date | None = None, settings: Settings | dict | None = None
) -> pd.DataFrame:
    """The products launched in the last ``products.launch_window_months`` months up to as_of."""
    s = config.as_settings(settings)
    as_of = _as_of(con, None, as_of)
    launches = product_launches(con, as_of)
    if as_of is None or launches.empty:
        return launches
    since = add_months(as_of, -s.products.launch_window_months)
    return launches[launches["launch_date"] > since].reset_index(drop=True)


def launch_of(con: duckdb.DuckDBPyConnection, product: str, as_of: date | None = None) -> date | None:
    """The product's first order line up to as_of (None when it was never ordered)."""
    launches = product_launches(con, as_of)
    match = launches.loc[launches["product"] == product, "launch_date"]
    return None if match.empty else match.iloc[0]


@dataclass(frozen=True)
class Cultivation:
    """Everything the new-product page shows for one product, from one read of the store: the
    window (launch, as_of; None when the product has none) and one row per target customer
    (UPTAKE_COLUMNS; the dates None where the customer has not listed or repurchased it)."""

    window: tuple[date, date] | None
    uptake: pd.DataFrame


def cultivation_view(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    product: str,
    launch: date | None = None,
    as_of: date | None = None,
) -> Cultivation:
    """The product's window — the launch given or its first order line, and the as-of day (given,
    else the period's end, else the last day with data); None when there is none or the launch is
    after as_of — and its target customers (the page summarises them with ``summarise``,
    ``curve`` and ``promotion_list``); no rows without a window."""
    as_of = _as_of(con, filters, as_of)
    launch = (launch or launch_of(con, product, as_of)) if as_of is not None else None
    if as_of is None or launch is None or launch > as_of:
        return Cultivation(None, pd.DataFrame({column: [] for column in UPTAKE_COLUMNS}))
    frame = sql.query(
        con,
        "products/customer_uptake",
        {"product": product, "launch": launch, "as_of": as_of},
        filters=filters,
    )
    for column in DATES:
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return Cultivation((launch, as_of), frame)


def _of_product(summary: Callable[..., T], doc: str) -> Callable[..., T]:
    """``summary`` of a product's target customers read from the store: the function takes
    (con, filters, product, launch=None, as_of=None) as ``cultivation_view`` and passes any
    further keyword (e.g. ``by``) on to ``summary``."""

    def of_product(
        con: duckdb.DuckDBPyConnection,
        filters: Filters,
        product: str,
        launch: date | None = None,
        as_of: date | None = None,
        **options: object,
    ) -> T:
        return summary(cultivation_view(con, filters, product, launch, as_of).uptake, **options)

    of_product.__doc__ = doc
    return of_product


def _rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Add listing_rate and repurchase_rate to counts (NaN without a base), in FIGURES order."""
    frame["listing_rate"] = frame["listed"] / frame["target_customers"].where(frame["target_customers"] > 0)
    frame["repurchase_rate"] = frame["repurchased"] / frame["listed"].where(frame["listed"] > 0)
    return frame


def summarise(uptake: pd.DataFrame, by: str = "manager") -> pd.DataFrame:
    """The FIGURES per manager (with the manager's name and team, ``by="manager"``) or per team
    (``by="team"``) of a ``customer_uptake`` frame."""
    keys = GROUPS[by]
    if uptake.empty:
        return pd.DataFrame({column: [] for column in keys + FIGURES})
    grouped = uptake.groupby([uptake[k].fillna("") for k in keys], sort=True)
    counts = pd.DataFrame(
        {
            "target_customers": grouped.size(),
            "listed": grouped["first_listed"].count(),
            "repurchased": grouped["repurchased_on"].count(),
        }
    ).reset_index()
    return _rates(counts)[keys + FIGURES]


def summarise_with_total(uptake: pd.DataFrame) -> pd.DataFrame:
    """``summarise`` per manager and a last row of every target customer (key columns empty)."""
    frame = summarise(uptake, "manager")
    total = {"manager_id": "", "manager_name": "", "team": "", "target_customers": len(uptake)}
    total |= {
        "listed": int(uptake["first_listed"].count()),
        "repurchased": int(uptake["repurchased_on"].count()),
    }
    total_row = _rates(pd.DataFrame([total]))[frame.columns]
    return pd.concat([frame, total_row], ignore_index=True) if len(frame) else total_row


def checkpoints(launch: date, as_of: date, step_days: int) -> list[date]:
    """launch + k × step up to as_of, and as_of itself."""
    days = [launch + timedelta(days=k) for k in range(0, (as_of - launch).days + 1, step_days)]
    if not days or days[-1] != as_of:
        days.append(as_of)
    return days


def curve(
    uptake: pd.DataFrame, launch: date, as_of: date, by: str = "all", step_days: int = 7
) -> pd.DataFrame:
    """Listing and repurchase rate over time since launch of a ``customer_uptake`` frame: one row
    per group (``by``: all, team or manager_id) and checkpoint (``checkpoints``): group, day,
    days_since_launch and the FIGURES counted from the dates on or before the day."""
    columns = ["group", "day", "days_since_launch", *FIGURES]
    if uptake.empty:
        return pd.DataFrame({column: [] for column in columns})
    days = checkpoints(launch, as_of, step_days)
    offsets = np.array([(d - launch).days for d in days])
    since = {
        c: (pd.to_datetime(uptake[c]) - pd.Timestamp(launch)).dt.days.to_numpy(dtype=float) for c in DATES
    }
    key = {"all": None, "team": "team", "manager": "manager_id"}[by]
    names = pd.Series("", index=uptake.index) if key is None else uptake[key].fillna("")
    parts = []
    for name, positions in sorted(names.groupby(names).indices.items()):
        counts = {
            figure: np.searchsorted(np.sort(since[c][positions]), offsets, side="right")
            for figure, c in zip(("target_customers", "listed", "repurchased"), DATES, strict=True)
        }
        parts.append(pd.DataFrame({"group": name, "day": days, "days_since_launch": offsets, **counts}))
    return _rates(pd.concat(parts, ignore_index=True))[columns]


def uptake_curve(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    product: str,
    launch: date | None = None,
    as_of: date | None = None,
    by: str = "all",
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """``curve`` of the product's target customers, one point every ``products.curve_step_days``."""
    s = config.as_settings(settings)
    view = cultivation_view(con, filters, product, launch, as_of)
    uptake = view.uptake if view.window else pd.DataFrame()
    return curve(uptake, *(view.window or (None, None)), by=by, step_days=s.products.curve_step_days)


def promotion_list(uptake: pd.DataFrame) -> pd.DataFrame:
    """The target customers of a ``customer_uptake`` frame who have not ordered the product, by
    manager, then customer: customer_id, customer_name, manager_id, manager_name, team,
    retail_format, tier, customer_class, first_order."""
    rows = uptake[uptake["first_listed"].isna()] if len(uptake) else uptake
    columns = [c for c in UPTAKE_COLUMNS if c not in {"first_listed", "repurchased_on", "product_days"}]
    if rows.empty:
        return pd.DataFrame({column: [] for column in columns})
    return rows.sort_values(["manager_id", "customer_id"], na_position="last")[columns].reset_index(drop=True)


customer_uptake = _of_product(
    lambda uptake: uptake,
    "One row per target customer (UPTAKE_COLUMNS) of ``cultivation_view``; empty without a launch.",
)
cultivation = _of_product(
    summarise,
    'Target customers, listed, listing rate, repurchased, repurchase rate per manager (or ``by="team"``)'
    " as of as_of (``summarise`` of ``customer_uptake``); rates NaN without a base.",
)
cultivation_with_total = _of_product(
    summarise_with_total, "Per manager and a total row with manager_id empty (the ``products`` command)."
)
not_listed = _of_product(
    promotion_list, "The promotion visit list (``promotion_list``) of the product's target customers."
)
