"""Risk score: the estimated probability that a customer places no order in the next 90 days.

The model learns from this database's own history and never looks past the date it scores:

- Snapshots: as-of dates s_k = d - h - 28k (h = risk_horizon_days, 90). For each snapshot the
  features of every customer with an order in the 365 days up to s_k are built in DuckDB SQL from
  order_days and visits dated on or before s_k, and the label is "no order in (s_k, s_k + h]".
  Every label window therefore ends on or before d.
- Backtest: a model trained only on snapshots whose label windows end on or before the latest
  snapshot s_0 (k >= ceil(h / 28)) is tested on s_0, i.e. on what really happened in (d - h, d].
  The test covers the customers still active at s_0 (an order within lost_after_days): one
  already lost is no prediction, and counting them would flatter both rankings.
  Reported: ROC AUC and precision in the top 10% of scores, beside the same figures for ranking
  by "days since last order" alone.
- Scoring: a model trained on every snapshot (s_0, s_1, …) scores the customers as of d.
- Too thin: fewer than MIN_ROWS labelled rows, or a single class, in training or test -> no model
  (trained=False with a reason); the warning list then ranks by its rules.

Training and scoring are separate: train() (the snapshots, the backtest and the fitted model: the
long part, once per data version) returns a TrainedModel; score() applies it to the customers as
of d (one pass over 455 days of order_days and 365 of visits, plus the prediction). assess() is
train() then score(). The warnings take the scores as a table (analytics.warnings.warning_list);
ranked_warnings() hands them over (the warnings never import this module).

Features (per customer and snapshot), all from the 455 days up to the snapshot: days since last
order, that relative to the customer's mean gap between order days over 365 days, order days in
the last 90/365 days and the trend of order days, value of the last 90 days against the 90 before
and the same 90 days a year earlier, basket trend, the mean gap over the last 90 days against the
365-day one, tenure (days since the first order day in the window, so at most 454), visits in the
last 90 days against the 90 before, days since the last visit relative to the class interval,
class and 档位 tier. Every feature is a plain aggregate of the window (no per-customer ordering of
order days), so all snapshots are built in one grouped pass (by customer_no: integer keys).

Large stores: training and backtest rows come from a stable hash sample of customers (at most
MAX_TRAIN_CUSTOMERS per snapshot), so training stays fast at 300,000 customers; scoring always
covers every customer. The model runs on one thread (see _fit).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics import config, db, sql, warnings
from analytics.domain import CLASSES
from analytics.filters import Filters
from analytics.settings import Settings

SNAPSHOT_STEP_DAYS = 28
SNAPSHOTS = 8  # training snapshots for the scoring model
MIN_ROWS = 200  # labelled rows needed to train (and to test)
MAX_TRAIN_CUSTOMERS = 6_000  # per snapshot; larger stores are sampled by customer
TOP_SHARE = 0.10
MAX_ITER = 20  # boosting rounds (see _fit)
LEARNING_RATE = 0.35
CLASS_CODES = {name: code for code, name in enumerate(CLASSES)}  # core 0 … assist 3

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


@dataclass
class Backtest:
    """What training found out: the as-of date, whether a model could be trained and, if so, its
    backtest. reason (when not trained): "no_data", "thin_data" or "single_class"."""

    as_of: date | None
    trained: bool
    reason: str | None = None
    horizon_days: int = 90
    test_snapshot: date | None = None
    train_rows: int = 0
    test_rows: int = 0
    test_positive_share: float | None = None
    auc: float | None = None
    top_precision: float | None = None
    baseline_auc: float | None = None
    baseline_top_precision: float | None = None
    seconds: float = 0.0


@dataclass
class TrainedModel(Backtest):
    """A trained risk model and its backtest (see train()); score() applies it.

    model: the fitted estimator (None when not trained). seconds: the time training took."""

    model: object | None = field(default=None, repr=False)


@dataclass
class RiskAssessment(Backtest):
    """The model's scores as of a date and its backtest.

    scores: customer_id, risk_score (probability of no order in the next horizon days) for every
    customer with an order in the 365 days up to as_of; empty when not trained."""

    scores: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {"customer_id": pd.Series(dtype=object), "risk_score": pd.Series(dtype="float64")}
        )
    )

    @property
    def beats_baseline(self) -> bool | None:
        if self.auc is None or self.baseline_auc is None:
            return None
        return self.auc > self.baseline_auc

    def backtest(self) -> pd.DataFrame:
        """The backtest as a small table: ranking (model / days_since_last_order), auc, top_precision."""
        return pd.DataFrame(
            {
                "ranking": ["model", "days_since_last_order"],
                "auc": [self.auc, self.baseline_auc],
                "top_precision": [self.top_precision, self.baseline_top_precision],
            }
        )


def snapshot_features(
    con: duckdb.DuckDBPyConnection,
    snapshots: list[date],
    as_of: date,
    settings: Settings | dict | None = None,
    sample: float = 1.0,
) -> pd.DataFrame:
    """Features (FEATURES) per customer and snapshot, and the label no_order_after (no order in
    the horizon after the snapshot; NULL when that window would end after as_of).

    Only order days and visits dated on or before each snapshot feed its features; `sample` is the
    share of customers kept (a stable hash sample). SQL: ``analytics/sql/risk/features.sql``."""
    settings = config.as_settings(settings)
    threshold = round(min(max(sample, 0.0), 1.0) * 1000003)
    values = {
        "snapshots": list(snapshots),
        "first": min(snapshots),
        "last": max(snapshots),
        "as_of": as_of,
        "horizon": settings.warnings.risk_horizon_days,
        "sample_threshold": threshold,
        **settings.interval_values(),
    }
    # The sample filters the big tables as they are read (with every customer kept, no filter).
    frame = sql.query(con, "risk/features", values, sampled=threshold < 1000003)
    frame["class_code"] = frame["customer_class"].map(CLASS_CODES).astype("float64")
    frame["tier"] = frame["tier"].astype("float64")
    return frame


def _auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    if len(np.unique(labels)) < 2:
        return None
    return float(roc_auc_score(labels, scores))


def _top_precision(labels: np.ndarray, scores: np.ndarray, share: float = TOP_SHARE) -> float | None:
    """Share of positives among the top `share` of scores (at least one row)."""
    if len(labels) == 0:
        return None
    k = max(1, math.ceil(share * len(labels)))
    order = np.argsort(-scores, kind="stable")[:k]
    return float(labels[order].mean())


def _fit(frame: pd.DataFrame) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    # 20 rounds at rate 0.35 and no early stopping: within the noise of 40 rounds at 0.2 (and of
    # 150 at 0.06) on the planted-churner test, the demo and the benchmark stores' backtests, and
    # half the trees to fit and to walk when scoring 300,000 customers.
    model = HistGradientBoostingClassifier(
        max_iter=MAX_ITER,
        learning_rate=LEARNING_RATE,
        max_leaf_nodes=15,
        min_samples_leaf=30,
        early_stopping=False,
        l2_regularization=1.0,
        categorical_features=[FEATURES.index("class_code")],
        random_state=0,
    )
    # One thread: on a shared dashboard server OpenMP threads fighting for cores are many times
    # slower than a single thread at these sizes.
    with threadpool_limits(1):
        model.fit(frame[FEATURES].to_numpy(dtype="float64"), frame["no_order_after"].to_numpy(dtype=bool))
    return model


def _predict(model: Any, frame: pd.DataFrame) -> np.ndarray:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return model.predict_proba(frame[FEATURES].to_numpy(dtype="float64"))[:, 1]


def _thin(frame: pd.DataFrame) -> str | None:
    if len(frame) < MIN_ROWS:
        return "thin_data"
    if frame["no_order_after"].nunique() < 2:
        return "single_class"
    return None


def _sample_share(con: duckdb.DuckDBPyConnection) -> float:
    customers = db.scalar(con, "SELECT count(*) FROM customers") or 0
    return 1.0 if customers <= MAX_TRAIN_CUSTOMERS else MAX_TRAIN_CUSTOMERS / customers


def _progress(progress: Callable[[float, str], None] | None, share: float, step: str) -> None:
    if progress is not None:
        progress(share, step)


def train(
    con: duckdb.DuckDBPyConnection,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> TrainedModel:
    """Train the risk model on the history up to `as_of` (default: the last data date) and
    backtest it on the latest snapshot whose outcome is known by as_of (see the module docstring).

    The long part of the risk score (seconds on a large store): run it once per data version.
    `progress(share, step)` is called as it goes (share 0..1; step "features", "backtest",
    "model", "done")."""
    began = time.perf_counter()
    settings = config.as_settings(settings)
    horizon = settings.warnings.risk_horizon_days
    as_of = as_of or db.last_data_date(con)
    if as_of is None:
        return TrainedModel(as_of=None, trained=False, reason="no_data", horizon_days=horizon)
    first = sql.scalar(con, "risk/first_order_day", {"as_of": as_of})
    if first is None:
        return TrainedModel(as_of=as_of, trained=False, reason="no_data", horizon_days=horizon)

    test_snapshot = as_of - timedelta(days=horizon)
    gap_steps = math.ceil(horizon / SNAPSHOT_STEP_DAYS)
    steps = [test_snapshot - timedelta(days=SNAPSHOT_STEP_DAYS * k) for k in range(SNAPSHOTS + gap_steps)]
    steps = [s for s in steps if s > first]
    result = TrainedModel(as_of=as_of, trained=False, horizon_days=horizon, test_snapshot=test_snapshot)
    _progress(progress, 0.0, "features")
    labelled = snapshot_features(con, steps, as_of, settings, _sample_share(con)) if steps else None
    if labelled is None or labelled.empty:
        result.reason = "thin_data"
        result.seconds = time.perf_counter() - began
        return result
    snap = labelled["snapshot"].to_numpy(dtype="datetime64[D]")
    test = labelled[snap == np.datetime64(test_snapshot, "D")]
    backtest_train = labelled[snap <= np.datetime64(test_snapshot - timedelta(days=horizon), "D")]
    train_rows = labelled[snap >= np.datetime64(steps[:SNAPSHOTS][-1], "D")]
    reason = _thin(backtest_train) or _thin(test) or _thin(train_rows)
    result.train_rows, result.test_rows = len(train_rows), len(test)
    if reason:
        result.reason = reason
        result.seconds = time.perf_counter() - began
        return result

    # A customer with no order for lost_after_days is already lost (domain §4): that it stays
    # away is no prediction, so the backtest scores the customers still active at s_0.
    test = test[test["days_since_last_order"] < settings.warnings.lost_after_days]
    if _thin(test):
        result.reason = _thin(test)
        result.seconds = time.perf_counter() - began
        return result
    _progress(progress, 0.4, "backtest")
    y_test = test["no_order_after"].to_numpy(dtype=bool)
    predicted = _predict(_fit(backtest_train), test)
    baseline = test["days_since_last_order"].to_numpy(dtype="float64")
    result.test_positive_share = float(y_test.mean())
    result.auc, result.top_precision = _auc(y_test, predicted), _top_precision(y_test, predicted)
    result.baseline_auc = _auc(y_test, baseline)
    result.baseline_top_precision = _top_precision(y_test, baseline)

    _progress(progress, 0.7, "model")
    result.model = _fit(train_rows)
    result.trained = True
    result.seconds = time.perf_counter() - began
    _progress(progress, 1.0, "done")
    return result


def score(
    con: duckdb.DuckDBPyConnection,
    model: TrainedModel,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
) -> RiskAssessment:
    """Score every customer with an order in the 365 days up to `as_of` (default: the model's
    as_of) with a trained model: the cheap part of the risk score.

    A model trained as of a later date than as_of would have seen as_of's future: refused."""
    began = time.perf_counter()
    as_of = as_of or model.as_of
    if as_of is not None and model.as_of is not None and as_of < model.as_of:
        raise ValueError(f"a model trained as of {model.as_of} cannot score {as_of}")
    backtest = {f.name: getattr(model, f.name) for f in fields(Backtest)}
    result = RiskAssessment(**{**backtest, "as_of": as_of})
    if model.trained and as_of is not None:
        current = snapshot_features(con, [as_of], as_of, settings)
        result.scores = pd.DataFrame(
            {
                "customer_id": current["customer_id"].astype(str),
                "risk_score": _predict(model.model, current) if len(current) else [],
            }
        )
    result.seconds = model.seconds + time.perf_counter() - began
    return result


def assess(
    con: duckdb.DuckDBPyConnection, as_of: date | None = None, settings: Settings | dict | None = None
) -> RiskAssessment:
    """Train the risk model on the history up to `as_of` (default: the last data date), backtest
    it on the latest snapshot whose outcome is known by as_of, and score every customer with an
    order in the 365 days up to as_of: train() then score(). See the module docstring."""
    settings = config.as_settings(settings)
    return score(con, train(con, as_of, settings), None, settings)


def ranked_warnings(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
    include_all: bool = False,
) -> tuple[pd.DataFrame, RiskAssessment]:
    """The loss-warning list as of a date ranked with this model's scores (warnings.warning_list
    given the scores of assess), and the assessment. The one place rules and model meet."""
    settings = config.as_settings(settings)
    as_of = as_of or db.last_data_date(con) or date.today()
    risk = assess(con, as_of, settings)
    return warnings.warning_list(con, filters, as_of, settings, risk.scores, include_all), risk
