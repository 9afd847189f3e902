"""What the risk rankings read: per customer and snapshot date, the features (SQL
``risk/features.sql``), BG/NBD's summary of the whole history (``risk/bgnbd_summary.sql``), and the
BG/NBD outputs of a book fitted on the order days up to the snapshot (weeks as the unit).

A snapshot's rows only read data dated on or before it; its label no_order_after (no order in the
horizon after it) is NULL when that window would end after the as-of date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pandas as pd

from analytics import config, db, sql
from analytics.domain import CLASSES
from analytics.settings import Settings

if TYPE_CHECKING:  # scipy (BG/NBD) only where a book is fitted or applied: the stored list needs neither
    from analytics import bgnbd

CLASS_CODES = {name: code for code, name in enumerate(CLASSES)}  # core 0 … assist 3
MAX_TRAIN_CUSTOMERS = 6_000  # per snapshot; larger stores are sampled (Sample)
MIN_SAMPLED_MANAGERS = 20  # fewer expected in the sample: sample customers, not managers
BGNBD_UNIT_DAYS = 7.0  # weeks, as in Fader, Hardie & Lee
MAX_BGNBD_CUSTOMERS = 10_000  # the book-level fit needs no more (it is four numbers)

FEATURES = [
    "days_since_last_order",
    "recency_ratio",
    "orders_90",
    "orders_365",
    "order_trend",
    "value_trend",
    "value_yoy",
    "basket_trend",
    "recent_gap_ratio",
    "log_value_365",
    "tenure_days",
    "visits_90",
    "visit_trend",
    "visit_overdue_ratio",
    "class_code",
    "tier",
]
# The other candidates' outputs, among the gradient-boosted model's features.
CANDIDATE_FEATURES = ["cadence_ratio", "p_alive", "expected_orders"]


@dataclass(frozen=True)
class Sample:
    """The customers the backtest reads (SQL ``risk/sample.sql``): a stable hash `share` of the
    managers' books (by_manager) or of the customers; share 1.0 reads everyone."""

    share: float = 1.0
    by_manager: bool = True

    @property
    def sampled(self) -> bool:
        return self.share < 1.0

    def values(self) -> dict[str, Any]:
        threshold = round(min(max(self.share, 0.0), 1.0) * 1000003)
        return {"sample_threshold": threshold, "sample_by_manager": self.by_manager}


ALL = Sample()


def backtest_sample(con: duckdb.DuckDBPyConnection) -> Sample:
    """Everyone up to MAX_TRAIN_CUSTOMERS customers; beyond, that many on average, sampled by
    manager when the sample still holds MIN_SAMPLED_MANAGERS managers (so the action list's
    top per manager can be backtested as it is), else by customer."""
    customers, managers = db.rows(con, "SELECT count(*), count(DISTINCT manager_id) FROM customers")[0]
    if customers <= MAX_TRAIN_CUSTOMERS:
        return ALL
    share = MAX_TRAIN_CUSTOMERS / customers
    return Sample(share, by_manager=share * managers >= MIN_SAMPLED_MANAGERS)


def snapshot_features(
    con: duckdb.DuckDBPyConnection,
    snapshots: list[date],
    as_of: date,
    settings: Settings | dict | None = None,
    sample: Sample = ALL,
) -> pd.DataFrame:
    """Features (FEATURES, median_gap, cadence_ratio, revenue_at_risk) per customer with an order
    in the 365 days up to each snapshot, and the label no_order_after.

    `sample`: the customers read (default: everyone)."""
    settings = config.as_settings(settings)
    values = {
        "snapshots": list(snapshots),
        "first": min(snapshots),
        "last": max(snapshots),
        "as_of": as_of,
        "horizon": settings.warnings.risk_horizon_days,
        **sample.values(),
        **settings.interval_values(),
    }
    frame = sql.query(con, "risk/features", values, sampled=sample.sampled)
    frame["class_code"] = frame["customer_class"].map(CLASS_CODES).astype("float64")
    frame["tier"] = frame["tier"].astype("float64")
    frame["customer_id"] = frame["customer_id"].astype(str)
    return frame


def history_summary(
    con: duckdb.DuckDBPyConnection, snapshots: list[date], sample: Sample = ALL
) -> pd.DataFrame:
    """BG/NBD's x, t_x and T (in weeks) per customer and snapshot, from every order day on or
    before the snapshot. Columns: snapshot, customer_id, x, t_x, T."""
    values = {
        "snapshots": list(snapshots),
        "first": min(snapshots),
        "last": max(snapshots),
        **sample.values(),
    }
    frame = sql.query(con, "risk/bgnbd_summary", values, sampled=sample.sampled)
    return pd.DataFrame(
        {
            "snapshot": frame["snapshot"],
            "customer_id": frame["customer_id"].astype(str),
            "x": frame["x"].astype("float64"),
            "t_x": frame["t_x_days"].astype("float64") / BGNBD_UNIT_DAYS,
            "T": frame["age_days"].astype("float64") / BGNBD_UNIT_DAYS,
        }
    )


@dataclass(frozen=True)
class BookFit:
    """BG/NBD fitted on one snapshot's book: params, or the message key of why it failed."""

    params: bgnbd.BgNbdParams | None
    reason: str | None = None


def fit_book(summary: pd.DataFrame, start: BookFit | None = None) -> BookFit:
    """Fit BG/NBD to one snapshot's summary (a stable subset of at most MAX_BGNBD_CUSTOMERS);
    `start`: the fit of an earlier snapshot, where the optimiser starts."""
    from analytics import bgnbd

    if len(summary) > MAX_BGNBD_CUSTOMERS:
        summary = summary.iloc[np.linspace(0, len(summary) - 1, MAX_BGNBD_CUSTOMERS).astype(int)]
    if len(summary) < bgnbd.MIN_CUSTOMERS:
        return BookFit(None, "risk_reason_few_customers")
    if not (summary["x"] > 0).any():
        return BookFit(None, "risk_reason_no_repeat")
    try:
        first = start.params if start is not None else None
        return BookFit(bgnbd.fit(summary["x"], summary["t_x"], summary["T"], start=first))
    except bgnbd.BgNbdError:
        return BookFit(None, "risk_reason_no_fit")


def fit_books(summary: pd.DataFrame) -> dict[date, BookFit]:
    """BG/NBD fitted on each snapshot's summary, in date order, each starting from the last fit."""
    fits: dict[date, BookFit] = {}
    last: BookFit | None = None
    for snapshot, part in sorted(summary.groupby("snapshot", sort=False), key=lambda item: item[0]):
        fits[snapshot] = fit_book(part, last)
        last = fits[snapshot] if fits[snapshot].params is not None else last
    return fits


def bgnbd_outputs(params: bgnbd.BgNbdParams | None, summary: pd.DataFrame, horizon_days: int) -> pd.DataFrame:
    """p_alive and expected_orders in the horizon per customer of `summary` (NaN without params)."""
    from analytics import bgnbd

    out = summary[["snapshot", "customer_id"]].copy()
    if params is None or summary.empty:
        out["p_alive"] = np.nan
        out["expected_orders"] = np.nan
        return out
    x, t_x, T = (summary[c].to_numpy(dtype="float64") for c in ("x", "t_x", "T"))
    out["p_alive"] = bgnbd.probability_alive(params, x, t_x, T)
    out["expected_orders"] = bgnbd.expected_purchases(params, horizon_days / BGNBD_UNIT_DAYS, x, t_x, T)
    return out


def with_bgnbd(frame: pd.DataFrame, summary: pd.DataFrame, fits: dict, horizon_days: int) -> pd.DataFrame:
    """The features with p_alive and expected_orders of each snapshot's own fit (`fits`:
    snapshot -> BookFit)."""
    parts = [
        bgnbd_outputs(fits[s].params if s in fits else None, part, horizon_days)
        for s, part in summary.groupby("snapshot", sort=False)
    ]
    if not parts:
        return frame.assign(p_alive=np.nan, expected_orders=np.nan)
    outputs = pd.concat(parts, ignore_index=True)
    return frame.merge(outputs, on=["snapshot", "customer_id"], how="left")
