"""The risk ranking trained once and stored in the database (tables risk_models, risk_scores;
DDL ``analytics/sql/risk/schema.sql``), keyed by the data version, the as-of date and the
settings that shape it. The page and the command line read it; it is trained on first need."""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable
from datetime import date, datetime

import duckdb
import pandas as pd

from analytics import config, db, sql
from analytics.risk.ranking import RiskRanking
from analytics.settings import Settings
from analytics.warnings.schema import STORE_VERSION, ensure, ensure_schema

MODEL_VERSION = 1  # bump when a stored ranking can no longer be read or means something else


def model_key(con: duckdb.DuckDBPyConnection, as_of: date, settings: Settings) -> str:
    """The key of a ranking: the data version, the as-of date and the settings it depends on
    (the warning thresholds, the action list, class intervals and ABC shares)."""
    shaping = {
        "model": MODEL_VERSION,
        "data": db.data_version(con),
        "as_of": as_of.isoformat(),
        "warnings": settings.warnings.model_dump(mode="json"),
        "intervals": settings.interval_values(),
        "abc": settings.abc.model_dump(mode="json"),
    }
    text = json.dumps(shaping, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def load(con: duckdb.DuckDBPyConnection, key: str, with_ranker: bool = False) -> RiskRanking | None:
    """The stored ranking of `key`, or None. The fitted ranker only with_ranker (unpickling a
    model imports scikit-learn: half a second the list does not need, its scores are stored)."""
    found = sql.query(con, "risk/stored_model", {"model_key": key})
    if found.empty:
        return None
    row = found.iloc[0]
    scores = sql.query(con, "risk/stored_scores", {"model_key": key})
    scores["customer_id"] = scores["customer_id"].astype(str)
    scores["risk_score"] = scores["risk_score"].astype("float64")
    ranker = pickle.loads(bytes(row["ranker"])) if with_ranker and row["ranker"] is not None else None
    return RiskRanking.from_json(json.loads(row["backtest"]), ranker, scores)


def save(con: duckdb.DuckDBPyConnection, key: str, ranking: RiskRanking) -> None:
    """Store a ranking under `key` (older data versions' rankings are dropped)."""
    version = db.data_version(con)
    with db.transaction(con, STORE_VERSION) as cur:
        ensure_schema(cur)
        values = {"model_key": key, "data_version": version}
        sql.execute(cur, "risk/drop_stale", values)
        sql.execute(cur, "risk/drop_stale_models", values)
        sql.execute(
            cur,
            "risk/save_model",
            {
                **values,
                "as_of": ranking.as_of,
                "chosen": ranking.chosen,
                "ranker": pickle.dumps(ranking.ranker) if ranking.ranker is not None else None,
                "backtest": json.dumps(ranking.to_json()),
                "seconds": ranking.seconds,
                "created_at": datetime.now(),
            },
        )
        if not ranking.scores.empty:
            cur.register("incoming_scores", ranking.scores[["customer_id", "risk_score"]])
            sql.execute(cur, "risk/save_scores", {"model_key": key})
            cur.unregister("incoming_scores")


def find_stored(
    con: duckdb.DuckDBPyConnection, as_of: date | None, settings: Settings | dict | None = None
) -> RiskRanking | None:
    """The stored ranking as of `as_of` for this data version and these settings, or None when
    it still has to be trained (the page then shows the training's progress)."""
    settings = config.as_settings(settings)
    as_of = as_of or db.last_data_date(con)
    if as_of is None:
        return RiskRanking(as_of=None, trained=False, reason="no_data")
    ensure(con)
    return load(con, model_key(con, as_of, settings))


def stored_ranking(
    con: duckdb.DuckDBPyConnection,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
    progress: Callable[[float, str], None] | None = None,
    with_ranker: bool = False,
) -> RiskRanking:
    """The risk ranking as of `as_of` (default: the last data date): read from the database
    when it was trained for this data version and these settings, else trained (with
    `progress`) and stored. An empty store gives an untrained ranking (nothing stored). A stored
    ranking comes without its fitted ranker unless with_ranker (see load)."""
    from analytics.risk.train import train

    settings = config.as_settings(settings)
    as_of = as_of or db.last_data_date(con)
    if as_of is None:
        return RiskRanking(as_of=None, trained=False, reason="no_data")
    ensure(con)
    key = model_key(con, as_of, settings)
    found = load(con, key, with_ranker)
    if found is not None:
        return found
    ranking = train(con, as_of, settings, progress)
    if ranking.trained:
        save(con, key, ranking)
    return ranking


def scores_frame(ranking: RiskRanking) -> pd.DataFrame:
    """customer_id, risk_score of a ranking (the table the warnings take)."""
    return ranking.scores
