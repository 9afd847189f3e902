"""Risk ranking: the estimated probability that a customer places no order in the next 90 days,
by the candidate that ranked best in a rolling backtest on this database's own history.

- ``features``: what the candidates read per customer and snapshot (SQL in analytics/sql/risk/).
- ``candidates``: days since last order, cadence ratio, BG/NBD (alive, expected orders), the
  gradient-boosted model; AUC and top-10 % precision; the Ranker that turns a score into risk.
- ``train``: the rolling backtest, the choice and the refit (train()).
- ``store``: the ranking trained once per data version and settings, stored in the database.
- ``ranking``: RiskRanking, what the page and the command line read.

score() applies a trained ranking as of a later date; assess() is train() then score().
ranked_warnings() is the one place rules and risk meet.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date

import duckdb
import pandas as pd

from analytics import config, db, warnings
from analytics.filters import Filters
from analytics.risk import features as feat
from analytics.risk.candidates import CANDIDATES, MIN_ROWS, SIMPLE, TOP_SHARE, Ranker
from analytics.risk.features import FEATURES, snapshot_features
from analytics.risk.ranking import Backtest, CandidateResult, RiskAssessment, RiskRanking, TrainedModel
from analytics.risk.store import ensure_schema, find_stored, stored_ranking
from analytics.risk.train import train
from analytics.settings import Settings

__all__ = [
    "CANDIDATES",
    "FEATURES",
    "MIN_ROWS",
    "SIMPLE",
    "TOP_SHARE",
    "Backtest",
    "CandidateResult",
    "Ranker",
    "RiskAssessment",
    "RiskRanking",
    "TrainedModel",
    "assess",
    "ensure_schema",
    "find_stored",
    "ranked_warnings",
    "score",
    "snapshot_features",
    "stored_ranking",
    "train",
]


def score(
    con: duckdb.DuckDBPyConnection,
    model: RiskRanking,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
) -> RiskRanking:
    """Score every customer with an order in the 365 days up to `as_of` (default: the ranking's
    as_of) with a trained ranking: the cheap part. A ranking trained as of a later date than
    as_of would have seen as_of's future: refused."""
    began = time.perf_counter()
    settings = config.as_settings(settings)
    as_of = as_of or model.as_of
    if as_of is not None and model.as_of is not None and as_of < model.as_of:
        raise ValueError(f"a ranking trained as of {model.as_of} cannot score {as_of}")
    result = replace(model, as_of=as_of)
    if model.trained and as_of is not None and model.ranker is not None:
        now = feat.snapshot_features(con, [as_of], as_of, settings)
        summary = feat.history_summary(con, [as_of]) if model.ranker.bgnbd is not None else None
        if summary is not None:
            outputs = feat.bgnbd_outputs(model.ranker.bgnbd, summary, model.horizon_days)
            now = now.merge(outputs, on=["snapshot", "customer_id"], how="left")
        result.scores = pd.DataFrame(
            {"customer_id": now["customer_id"], "risk_score": model.ranker.risk(now)}
        )
    result.seconds = model.seconds + time.perf_counter() - began
    return result


def assess(
    con: duckdb.DuckDBPyConnection, as_of: date | None = None, settings: Settings | dict | None = None
) -> RiskRanking:
    """train() then score(): the ranking chosen by the backtest and the scores as of `as_of`."""
    settings = config.as_settings(settings)
    return score(con, train(con, as_of, settings), None, settings)


def ranked_warnings(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
    include_all: bool = False,
) -> tuple[pd.DataFrame, RiskRanking]:
    """The loss-warning list as of a date ranked with the stored ranking's risk (trained and
    stored on first need), and the ranking."""
    settings = config.as_settings(settings)
    as_of = as_of or db.last_data_date(con) or date.today()
    risk = stored_ranking(con, as_of, settings)
    return warnings.warning_list(con, filters, as_of, settings, risk.scores, include_all), risk
