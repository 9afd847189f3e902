"""The action list: per manager the few open warnings with the most money expected to be lost,
and how such a list did in the risk ranking's backtest.

Loss signals (the customer's own behaviour) open a warning; service gaps (the manager's side)
only add reasons to one (domain guide §4).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analytics import config
from analytics.domain import LOSS_SIGNALS
from analytics.settings import Settings


def loss_signalled(frame: pd.DataFrame) -> pd.Series:
    """True where at least one loss signal fired (a warning), per row of rule_facts."""
    if frame.empty:
        return pd.Series([], dtype=bool, index=frame.index)
    fired = np.logical_or.reduce([frame[rule].to_numpy(dtype=bool) for rule in LOSS_SIGNALS])
    return pd.Series(fired, index=frame.index)


def action_list(ranked: pd.DataFrame, settings: Settings | dict | None = None) -> pd.DataFrame:
    """The warnings a supervisor sees first: per manager the `action_list_per_manager` open
    warnings with the highest expected_loss (ties: revenue at risk, then customer id), plus any
    whose expected_loss is above `action_list_min_loss`; in the order of `ranked`.

    `ranked` is the ranked list of open warnings (warnings.rank / warning_view rows)."""
    ws = config.as_settings(settings).warnings
    if ranked.empty:
        return ranked
    loss = ranked["expected_loss"].astype("float64").fillna(-np.inf)
    order = pd.DataFrame(
        {
            "manager": ranked["manager_id"].fillna("\0none").astype(str),
            "loss": -loss,
            "revenue": -ranked["revenue_at_risk"].astype("float64"),
            "customer_id": ranked["customer_id"].astype(str),
        },
        index=ranked.index,
    ).sort_values(["manager", "loss", "revenue", "customer_id"])
    top = order.groupby("manager", sort=False).cumcount() < ws.action_list_per_manager
    keep = top.reindex(ranked.index) | (loss > ws.action_list_min_loss)
    return ranked[keep].reset_index(drop=True)


def list_backtest(
    facts: pd.DataFrame, scores: pd.DataFrame, outcome: pd.DataFrame, settings: Settings | dict | None = None
) -> dict[str, Any]:
    """How the action list as of a past date did: of its customers, the share who placed no
    order in the horizon after it (precision), and the share of the lost value they carried
    (value_recall: their revenue at risk over that of every warnable customer who placed none).

    facts: rule_facts as of the date; scores: customer_id, risk_score as of the date; outcome:
    customer_id, no_order_after. Only customers in all three are counted (a sampled backtest
    counts its sample). Follow-ups are left out: the list as the rules and the ranking made it."""
    frame = facts.merge(scores, on="customer_id").merge(outcome, on="customer_id")
    frame = frame[frame["eligible"].fillna(False).astype(bool)]
    warned = frame[loss_signalled(frame)].assign(
        expected_loss=lambda f: f["risk_score"].astype("float64") * f["revenue_at_risk"].astype("float64")
    )
    listed = action_list(warned.sort_values("expected_loss", ascending=False), settings)
    lost = frame["no_order_after"].astype(bool)
    lost_value = float(frame.loc[lost, "revenue_at_risk"].sum())
    listed_lost = listed["no_order_after"].astype(bool) if not listed.empty else pd.Series([], dtype=bool)
    return {
        "listed": len(listed),
        "precision": float(listed_lost.mean()) if len(listed) else None,
        "value_recall": float(listed.loc[listed_lost, "revenue_at_risk"].sum()) / lost_value
        if lost_value > 0
        else None,
    }
