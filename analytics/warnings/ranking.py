"""The loss-warning list: warned customers ranked by the money at stake and their risk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from analytics.domain import RULES
from analytics.filters import Filters
from analytics.settings import Settings
from analytics.warnings.followup import warning_facts


def warning_list(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
    scores: pd.DataFrame | None = None,
    include_all: bool = False,
) -> pd.DataFrame:
    """The loss-warning list as of a date: rule facts, fired rules, follow-up and risk score,
    sorted by revenue at risk x risk (see rank).

    `scores` is the risk model's table for the same as-of date (customer_id, risk_score; None or
    empty: no score). Without include_all only warned customers; with it every customer with an
    order on or before as_of."""
    return rank(warning_facts(con, filters, as_of, settings), scores, include_all)


def rank(frame: pd.DataFrame, scores: pd.DataFrame | None = None, include_all: bool = False) -> pd.DataFrame:
    """Join the risk scores (customer_id, risk_score) to rule facts and sort by revenue at risk x
    risk, then by revenue at risk. The risk is the model's score, or where there is none (no
    model could be trained) the share of rules fired."""
    if scores is not None and not scores.empty:
        out = frame.merge(scores[["customer_id", "risk_score"]], on="customer_id", how="left")
    else:
        out = frame.assign(risk_score=float("nan"))
    out["risk_score"] = out["risk_score"].astype("float64")
    fired = out[list(RULES)].sum(axis=1) if not out.empty else pd.Series([], dtype="float64")
    weight = out["risk_score"].fillna(fired / len(RULES))
    out["priority"] = out["revenue_at_risk"].astype("float64") * weight
    if not include_all:
        out = out[out["rules"] != ""]
    return out.sort_values(
        ["priority", "revenue_at_risk", "customer_id"], ascending=[False, False, True], ignore_index=True
    )


def filter_by_rules(frame: pd.DataFrame, rules: Sequence[str]) -> pd.DataFrame:
    """Rows where at least one of `rules` fired (all rows when none is given)."""
    if not rules:
        return frame
    return frame[frame[list(rules)].any(axis=1)].reset_index(drop=True)


@dataclass(frozen=True)
class WarningView:
    """The warning list as the page shows it, and its tiles.

    rows: the ranked warnings of the rules asked for, open ones only unless closed ones are
    asked for too. warned: the warnings of those rules, closed or not; open: those still open;
    revenue_at_risk: the revenue at risk of the open ones."""

    rows: pd.DataFrame
    warned: int
    open: int
    revenue_at_risk: float


def warning_view(
    facts: pd.DataFrame,
    scores: pd.DataFrame | None = None,
    rules: Sequence[str] = (),
    include_closed: bool = False,
) -> WarningView:
    """The ranked list of warning_facts (see rank) for the rules asked for (all when none), with
    the closed warnings only when include_closed, and the figures of its tiles."""
    warned = filter_by_rules(rank(facts, scores), tuple(rules))
    open_rows = warned[warned["open"]]
    return WarningView(
        rows=warned if include_closed else open_rows.reset_index(drop=True),
        warned=len(warned),
        open=len(open_rows),
        revenue_at_risk=float(open_rows["revenue_at_risk"].sum()),
    )
