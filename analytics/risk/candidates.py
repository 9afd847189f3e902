"""The candidate risk rankings, how each is fitted and scored, and the backtest's figures.

- ``days_since_last_order``: the longer the silence, the higher the risk.
- ``cadence_ratio``: days since the last order ÷ the customer's own median gap between order days
  in the 365 days up to the date (customers with one order day: days ÷ the book's typical gap).
- ``bgnbd_alive``: 1 − BG/NBD's probability that the customer is still buying.
- ``bgnbd_expected``: fewer expected orders in the horizon (BG/NBD) = higher risk.
- ``gbm``: a gradient-boosted model on the value, order, visit, class and tier features plus the
  other candidates' outputs.

The first four only rank; a ``Ranker`` turns their score into a probability of no order in the
horizon with an isotonic fit of the backtest's outcomes (so expected_loss is money).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analytics.risk.features import CANDIDATE_FEATURES, FEATURES

CANDIDATES = ("days_since_last_order", "cadence_ratio", "bgnbd_alive", "bgnbd_expected", "gbm")
SIMPLE = ("days_since_last_order", "cadence_ratio")
MIN_ROWS = 200  # labelled rows the gradient-boosted model needs to train
TOP_SHARE = 0.10
MAX_ITER = 20  # boosting rounds
LEARNING_RATE = 0.35


def candidate_score(name: str, frame: pd.DataFrame) -> tuple[np.ndarray | None, str | None]:
    """A rank-only candidate's score per row (higher = more at risk), or why it has none."""
    days = frame["days_since_last_order"].to_numpy(dtype="float64")
    if name == "days_since_last_order":
        return days, None
    if name == "cadence_ratio":
        gaps = frame["median_gap"].astype("float64")
        if gaps.notna().sum() == 0:
            return None, "risk_reason_no_repeat"
        typical = max(float(gaps.median()), 1.0)
        ratio = frame["cadence_ratio"].astype("float64").fillna(pd.Series(days / typical, index=frame.index))
        return ratio.to_numpy(dtype="float64"), None
    column = {"bgnbd_alive": "p_alive", "bgnbd_expected": "expected_orders"}[name]
    values = frame[column].to_numpy(dtype="float64") if column in frame else np.array([np.nan])
    if len(values) == 0 or np.isnan(values).all():
        return None, "risk_reason_no_fit"
    values = np.where(np.isnan(values), np.nanmedian(values), values)
    return -values, None


def auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    """ROC AUC (None when only one outcome is present)."""
    from sklearn.metrics import roc_auc_score

    if len(np.unique(labels)) < 2:
        return None
    return float(roc_auc_score(labels, scores))


def top_precision(labels: np.ndarray, scores: np.ndarray, share: float = TOP_SHARE) -> float | None:
    """Share of positives among the top `share` of scores (at least one row)."""
    if len(labels) == 0:
        return None
    k = max(1, math.ceil(share * len(labels)))
    order = np.argsort(-scores, kind="stable")[:k]
    return float(labels[order].mean())


def usable_features(frame: pd.DataFrame) -> list[str]:
    """The features that vary in the training rows: a column with no values or a single value
    (no visits, one class, no tier) is left out, as the model can learn nothing from it and
    scikit-learn's binner fails on a column with no values."""
    used = []
    for name in FEATURES + CANDIDATE_FEATURES:
        if name not in frame:
            continue
        values = frame[name].astype("float64")
        if values.notna().any() and values.nunique(dropna=True) > 1:
            used.append(name)
    return used


def fit_gbm(frame: pd.DataFrame) -> tuple[Any | None, list[str], str | None]:
    """The gradient-boosted model fitted on labelled rows: (model, features used, reason)."""
    if len(frame) < MIN_ROWS:
        return None, [], "risk_reason_thin"
    labels = frame["no_order_after"].to_numpy(dtype=bool)
    if len(np.unique(labels)) < 2:
        return None, [], "risk_reason_single_class"
    used = usable_features(frame)
    if not used:
        return None, [], "risk_reason_thin"
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    # 20 rounds at rate 0.35 and no early stopping: within the noise of longer fits on the
    # planted-churner test, the demo and the benchmark stores, and few trees to walk at scoring.
    model = HistGradientBoostingClassifier(
        max_iter=MAX_ITER,
        learning_rate=LEARNING_RATE,
        max_leaf_nodes=15,
        min_samples_leaf=min(30, max(5, len(frame) // 20)),
        early_stopping=False,
        l2_regularization=1.0,
        categorical_features=[used.index("class_code")] if "class_code" in used else None,
        random_state=0,
    )
    # One thread: on a shared dashboard server OpenMP threads fighting for cores are many times
    # slower than a single thread at these sizes.
    with threadpool_limits(1):
        model.fit(frame[used].to_numpy(dtype="float64"), labels)
    return model, used, None


def predict_gbm(model: Any, used: list[str], frame: pd.DataFrame) -> np.ndarray:
    from threadpoolctl import threadpool_limits

    if frame.empty:
        return np.array([], dtype="float64")
    with threadpool_limits(1):
        return model.predict_proba(frame[used].to_numpy(dtype="float64"))[:, 1]


@dataclass
class Ranker:
    """A fitted ranking: turns a frame of features into risk (probability of no order in the
    horizon). calibrator: an isotonic fit of the backtest's outcomes on a rank-only candidate's
    score (None: uncalibrated, days ÷ (days + horizon)); model/features: the gradient-boosted
    model; bgnbd: the book's BG/NBD parameters (for the features p_alive and expected_orders)."""

    name: str
    horizon_days: int
    calibrator: Any | None = None
    model: Any | None = field(default=None, repr=False)
    features: list[str] = field(default_factory=list)
    bgnbd: Any | None = None

    def risk(self, frame: pd.DataFrame) -> np.ndarray:
        if frame.empty:
            return np.array([], dtype="float64")
        if self.name == "gbm":
            return predict_gbm(self.model, self.features, frame)
        score, _ = candidate_score(self.name, frame)
        if score is None:  # the fitted candidate needs outputs this frame lacks
            score = frame["days_since_last_order"].to_numpy(dtype="float64")
        if self.calibrator is None:
            days = frame["days_since_last_order"].to_numpy(dtype="float64")
            return days / (days + self.horizon_days)
        return np.clip(self.calibrator.predict(score), 0.0, 1.0)


def calibrate(scores: np.ndarray, labels: np.ndarray) -> Any | None:
    """An isotonic map from a candidate's score to the observed share with no order (None when
    there is nothing to fit on)."""
    if len(scores) == 0:
        return None
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
    iso.fit(scores, labels.astype("float64"))
    return iso
