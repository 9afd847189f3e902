"""Training the risk ranking: a rolling backtest of every candidate, the choice, and the refit.

Test dates t_j = d - h - 28j (j = 0, 1, 2; h = risk_horizon_days, d the as-of date), so every
label window (t_j, t_j + h] ends on or before d. At each test date the population is the
customers with an order in the lost_after_days (90) days up to it; the label is "no order in the
next h days". Every candidate learns only from data dated on or before its test date: BG/NBD is
fitted on the order days up to it (weeks as the unit), the gradient-boosted model on snapshots
t_j - h - 28k whose label windows end on or before t_j. The ranking used is the candidate with the
best mean ROC AUC over the test dates (ties: the simpler one), so on its own backtest the product
never ranks worse than the best simple rule. The chosen candidate is then refitted on everything
up to d (the model on snapshots d - h - 28k; BG/NBD on the order days up to d; a rank-only
candidate's isotonic calibration on the backtest's outcomes) and scores every customer with an
order in the 365 days up to d.

Large stores: the backtest (features, BG/NBD, the rules of the action list) reads a stable hash
sample of managers' books (features.backtest_sample, about MAX_TRAIN_CUSTOMERS customers); the
scores cover every customer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics import config, db, sql
from analytics.risk import candidates as cand
from analytics.risk import features as feat
from analytics.risk.ranking import CandidateResult, RiskRanking
from analytics.settings import Settings

STEP_DAYS = 28
TEST_DATES = 3
TRAIN_SNAPSHOTS = 6  # per test date, for the gradient-boosted model
FINAL_SNAPSHOTS = 8  # for the refitted model


def _progress(progress: Callable[[float, str], None] | None, share: float, step: str) -> None:
    if progress is not None:
        progress(share, step)


def _notes(current: pd.DataFrame, first: date, as_of: date) -> list[str]:
    """What the book lacks, as message keys (shown beside the ranking)."""
    notes = []
    if current.empty or not (current["visits_90"] > 0).any():
        notes.append("risk_note_no_visits")
    if current["customer_class"].nunique(dropna=True) <= 1:
        notes.append("risk_note_one_class")
    if current["tier"].isna().all():
        notes.append("risk_note_no_tier")
    if (as_of - first).days < 365:
        notes.append("risk_note_short_history")
    return notes


def _at(frame: pd.DataFrame, snapshot: date) -> pd.DataFrame:
    return frame[frame["snapshot"].to_numpy(dtype="datetime64[D]") == np.datetime64(snapshot, "D")]


def _labelled(frame: pd.DataFrame, snapshots: list[date]) -> pd.DataFrame:
    days = frame["snapshot"].to_numpy(dtype="datetime64[D]")
    keep = (
        np.isin(days, np.array(snapshots, dtype="datetime64[D]")) & frame["no_order_after"].notna().to_numpy()
    )
    out = frame[keep].copy()
    out["no_order_after"] = out["no_order_after"].astype(bool)
    return out


def _evaluate(
    features: pd.DataFrame, test_dates: list[date], horizon: int, lost_after: int
) -> tuple[list[CandidateResult], dict[str, dict[date, np.ndarray]], dict[date, Any], int, list[bool]]:
    """Every candidate at every test date: results, each candidate's scores of all rows at each
    date, the gradient-boosted model of each date, the test rows and their labels."""
    results = {name: CandidateResult(name) for name in cand.CANDIDATES}
    tops: dict[str, list[float]] = {name: [] for name in cand.CANDIDATES}
    all_scores: dict[str, dict[date, np.ndarray]] = {name: {} for name in cand.CANDIDATES}
    models: dict[date, Any] = {}
    test_rows, labels_seen = 0, []
    for t in test_dates:
        rows = _at(features, t)
        rows = rows[rows["no_order_after"].notna()]
        population = (rows["days_since_last_order"] < lost_after).to_numpy()
        labels = rows["no_order_after"].to_numpy(dtype=bool)[population]
        test_rows += int(population.sum())
        labels_seen.extend(labels.tolist())
        grid = [t - timedelta(days=horizon + STEP_DAYS * k) for k in range(TRAIN_SNAPSHOTS)]
        model, used, gbm_reason = cand.fit_gbm(_labelled(features, grid))
        models[t] = (model, used)
        for name in cand.CANDIDATES:
            if name == "gbm":
                score, reason = (cand.predict_gbm(model, used, rows), None) if model else (None, gbm_reason)
            else:
                score, reason = cand.candidate_score(name, rows)
            if score is None:
                results[name].aucs.append(None)
                results[name].reason = results[name].reason or reason
                continue
            all_scores[name][t] = score
            results[name].aucs.append(cand.auc(labels, score[population]) if population.any() else None)
            top = cand.top_precision(labels, score[population]) if population.any() else None
            if top is not None:
                tops[name].append(top)
    for name, result in results.items():
        measured = [a for a in result.aucs if a is not None]
        result.mean_auc = float(np.mean(measured)) if measured else None
        result.top_precision = float(np.mean(tops[name])) if tops[name] else None
        if result.mean_auc is None and result.reason is None:
            result.reason = "risk_reason_single_class" if test_rows else "risk_reason_no_test_dates"
    return list(results.values()), all_scores, models, test_rows, labels_seen


def _choose(results: list[CandidateResult]) -> tuple[str, str]:
    """The best mean AUC (strictly better to replace a simpler candidate), or days since the last
    order when no candidate could be measured."""
    best = None
    for result in results:
        if result.mean_auc is not None and (best is None or result.mean_auc > best.mean_auc):
            best = result
    if best is None:
        return "days_since_last_order", "risk_chosen_fallback"
    return best.name, "risk_chosen_best"


def train(
    con: duckdb.DuckDBPyConnection,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> RiskRanking:
    """Backtest every candidate, choose the ranking and refit it on the history up to `as_of`
    (default: the last data date), with the scores of every customer as of then (see the module
    docstring). `progress(share, step)` is called as it goes (steps "features", "backtest",
    "model", "scores", "list", "done")."""
    began = time.perf_counter()
    settings = config.as_settings(settings)
    ws = settings.warnings
    horizon, lost_after = ws.risk_horizon_days, ws.lost_after_days
    as_of = as_of or db.last_data_date(con)
    first = sql.scalar(con, "risk/first_order_day", {"as_of": as_of}) if as_of else None
    if as_of is None or first is None:
        return RiskRanking(as_of=as_of, trained=False, reason="no_data", horizon_days=horizon)
    _progress(progress, 0.0, "features")
    t0 = as_of - timedelta(days=horizon)
    test_dates = [t0 - timedelta(days=STEP_DAYS * j) for j in range(TEST_DATES)]
    test_dates = [t for t in test_dates if t > first]
    grid = {t - timedelta(days=horizon + STEP_DAYS * k) for t in test_dates for k in range(TRAIN_SNAPSHOTS)}
    final = [t0 - timedelta(days=STEP_DAYS * k) for k in range(FINAL_SNAPSHOTS)]
    snapshots = sorted(s for s in grid | set(test_dates) | set(final) if s > first)
    sample = feat.backtest_sample(con)
    features, fits = pd.DataFrame(), {}
    if snapshots:
        features = feat.snapshot_features(con, snapshots, as_of, settings, sample)
        summary = feat.history_summary(con, snapshots, sample)
        fits = feat.fit_books(summary)
        features = feat.with_bgnbd(features, summary, fits, horizon)
    _progress(progress, 0.3, "backtest")
    if features.empty:
        results = [CandidateResult(n, reason="risk_reason_no_test_dates") for n in cand.CANDIDATES]
        all_scores, models, test_rows, labels = {}, {}, 0, []
    else:
        results, all_scores, models, test_rows, labels = _evaluate(features, test_dates, horizon, lost_after)
    chosen, chosen_reason = _choose(results)
    ranking = RiskRanking(
        as_of=as_of,
        trained=True,
        horizon_days=horizon,
        chosen=chosen,
        chosen_reason=chosen_reason,
        test_dates=test_dates,
        candidates=results,
        test_rows=test_rows,
        test_positive_share=float(np.mean(labels)) if labels else None,
    )
    _progress(progress, 0.5, "model")
    ranking.ranker = _refit(ranking, features, all_scores, models, fits, t0, lost_after)
    _progress(progress, 0.7, "scores")
    now = feat.snapshot_features(con, [as_of], as_of, settings)
    now_summary = feat.history_summary(con, [as_of])
    latest = fits[max(fits)] if fits else None
    book = feat.fit_book(now_summary, latest)
    ranking.ranker.bgnbd = book.params
    now = now.merge(
        feat.bgnbd_outputs(book.params, now_summary, horizon), on=["snapshot", "customer_id"], how="left"
    )
    ranking.scores = pd.DataFrame({"customer_id": now["customer_id"], "risk_score": ranking.ranker.risk(now)})
    ranking.messages = _notes(now, first, as_of) + sorted({r.reason for r in results if r.reason})
    ranking.train_rows = len(features)
    _progress(progress, 0.85, "list")
    ranking.list_backtest = _list_backtest(con, ranking, features, all_scores, sample, settings)
    ranking.seconds = time.perf_counter() - began
    _progress(progress, 1.0, "done")
    return ranking


def _population(frame: pd.DataFrame, lost_after: int) -> pd.DataFrame:
    return frame[frame["no_order_after"].notna() & (frame["days_since_last_order"] < lost_after)]


def _refit(
    ranking: RiskRanking,
    features: pd.DataFrame,
    all_scores: dict[str, dict[date, np.ndarray]],
    models: dict[date, Any],
    fits: dict,
    t0: date,
    lost_after: int,
) -> cand.Ranker:
    """The chosen candidate fitted on everything up to the as-of date (a rank-only one
    calibrated on the backtest's outcomes); the model falls back to the best rank-only candidate
    when it cannot be refitted."""
    horizon = ranking.horizon_days
    if ranking.chosen == "gbm":
        final = [t0 - timedelta(days=STEP_DAYS * k) for k in range(FINAL_SNAPSHOTS)]
        model, used, reason = cand.fit_gbm(_labelled(features, final))
        if model is not None:
            return cand.Ranker("gbm", horizon, model=model, features=used)
        ranking.messages.append(reason or "risk_reason_thin")
        simple = [c for c in ranking.candidates if c.name != "gbm" and c.mean_auc is not None]
        ranking.chosen = max(simple, key=lambda c: c.mean_auc).name if simple else "days_since_last_order"
    scores, labels = [], []
    for t, score in all_scores.get(ranking.chosen, {}).items():
        rows = _at(features, t)
        rows = rows[rows["no_order_after"].notna()]
        keep = (rows["days_since_last_order"] < lost_after).to_numpy()
        scores.append(score[keep])
        labels.append(rows["no_order_after"].to_numpy(dtype=bool)[keep])
    calibrator = cand.calibrate(np.concatenate(scores), np.concatenate(labels)) if scores else None
    return cand.Ranker(ranking.chosen or "days_since_last_order", horizon, calibrator=calibrator)


def _list_backtest(
    con: duckdb.DuckDBPyConnection,
    ranking: RiskRanking,
    features: pd.DataFrame,
    all_scores: dict[str, dict[date, np.ndarray]],
    sample: feat.Sample,
    settings: Settings,
) -> list[dict[str, Any]]:
    """The action list at each test date, ranked by the chosen candidate as it stood then (the
    date's own model; a rank-only score through the final calibration), on the backtest's
    sample: whole managers' books, or (sampled by customer) that share of each manager's list."""
    from analytics import warnings
    from analytics.filters import Filters

    sampled = sample.values() if sample.sampled else None
    if sample.sampled and not sample.by_manager:
        ws = settings.warnings
        per_manager = max(1, round(ws.action_list_per_manager * sample.share))
        update = {"warnings": ws.model_copy(update={"action_list_per_manager": per_manager})}
        settings = settings.model_copy(update=update)
    out = []
    for t in ranking.test_dates:
        rows = _at(features, t)
        rows = rows[rows["no_order_after"].notna()]
        if rows.empty or t not in all_scores.get(ranking.chosen or "", {}):
            continue
        score = all_scores[ranking.chosen][t]
        risk = score if ranking.chosen == "gbm" else ranking.ranker.risk(rows) if len(rows) else score
        scores = pd.DataFrame({"customer_id": rows["customer_id"], "risk_score": risk})
        outcome = rows[["customer_id"]].assign(no_order_after=rows["no_order_after"].astype(bool))
        facts = warnings.rule_facts(con, Filters(), t, settings, sampled)
        out.append({"test_date": t, **warnings.list_backtest(facts, scores, outcome, settings)})
    return out
