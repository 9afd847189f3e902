"""The loss-warning list: warned customers ranked by the money at stake and their risk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from analytics.domain import LOSS_SIGNALS
from analytics.filters import Filters
from analytics.settings import Settings
from analytics.warnings.action import action_list, loss_signalled
from analytics.warnings.followup import warning_facts


def warning_list(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
    scores: pd.DataFrame | None = None,
    include_all: bool = False,
) -> pd.DataFrame:
    """The loss-warning list as of a date: rule facts, fired rules, follow-up, risk score and
    expected_loss, sorted by expected loss (see rank).

    `scores` is the risk model's table for the same as-of date (customer_id, risk_score; None or
    empty: no score). Without include_all only warned customers (a loss signal fired); with it
    every customer with an order on or before as_of."""
    return rank(warning_facts(con, filters, as_of, settings), scores, include_all)


def rank(frame: pd.DataFrame, scores: pd.DataFrame | None = None, include_all: bool = False) -> pd.DataFrame:
    """Join the risk scores (customer_id, risk_score) to rule facts, add expected_loss = risk x
    revenue at risk, and sort by `priority` (the expected loss), then by revenue at risk. Where
    there is no risk score (no ranking: an empty backtest) the priority is revenue at risk x the
    share of loss signals fired, and expected_loss is empty. Without include_all only warnings
    (a loss signal fired)."""
    if scores is not None and not scores.empty:
        out = frame.merge(scores[["customer_id", "risk_score"]], on="customer_id", how="left")
    else:
        out = frame.assign(risk_score=float("nan"))
    out["risk_score"] = out["risk_score"].astype("float64")
    revenue = out["revenue_at_risk"].astype("float64")
    out["expected_loss"] = out["risk_score"] * revenue
    fired = pd.Series(sum(out[rule].to_numpy(dtype="float64") for rule in LOSS_SIGNALS), index=out.index)
    out["priority"] = out["expected_loss"].fillna(revenue * fired / len(LOSS_SIGNALS))
    if not include_all:
        out = out[loss_signalled(out)] if not out.empty else out
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

    rows: the action list of the rules asked for (or, with show_all, every open warning; with
    include_closed the closed ones too). warned: the warnings of those rules, closed or not;
    open: those still open; listed: those on the action list; revenue_at_risk and expected_loss:
    of the open ones."""

    rows: pd.DataFrame
    warned: int
    open: int
    revenue_at_risk: float
    listed: int = 0
    expected_loss: float = 0.0


def warning_view(
    facts: pd.DataFrame,
    scores: pd.DataFrame | None = None,
    rules: Sequence[str] = (),
    include_closed: bool = False,
    show_all: bool = True,
    settings: Settings | dict | None = None,
) -> WarningView:
    """The ranked list of warning_facts (see rank) for the rules asked for (all when none): the
    action list (see action.action_list) unless show_all, the closed warnings only when
    include_closed, and the figures of its tiles."""
    warned = filter_by_rules(rank(facts, scores), tuple(rules))
    open_rows = warned[warned["open"]].reset_index(drop=True)
    listed = action_list(open_rows, settings)
    rows = listed if not show_all else warned if include_closed else open_rows
    return WarningView(
        rows=rows,
        warned=len(warned),
        open=len(open_rows),
        revenue_at_risk=float(open_rows["revenue_at_risk"].sum()),
        listed=len(listed),
        expected_loss=float(open_rows["expected_loss"].sum()) if len(open_rows) else 0.0,
    )
