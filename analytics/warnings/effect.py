"""Follow-up effect: of the warnings opened in a period, the share that came back (an order
within 90 days) among those followed up and among those not, per manager. Counts, never a
causal claim: a supervisor follows up the customers they choose."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

from analytics import config, db, sql
from analytics.filters import Filters
from analytics.settings import Settings
from analytics.warnings.action import loss_signalled
from analytics.warnings.rules import rule_facts
from analytics.warnings.schema import ensure

CHECK_DAYS = 28

COLUMNS = [
    "manager_id",
    "manager_name",
    "opened",
    "followed_up",
    "followed_up_back",
    "not_followed_up",
    "not_followed_up_back",
    "pending",
    "back_share_followed_up",
    "back_share_not_followed_up",
]


def check_dates(start: date, end: date) -> list[date]:
    """The dates the rules are checked at: the period's end and every 28 days before it, down to
    its start (oldest first)."""
    dates, d = [], end
    while d >= start:
        dates.append(d)
        d -= timedelta(days=CHECK_DAYS)
    return sorted(dates)


def opened_warnings(
    con: duckdb.DuckDBPyConnection, filters: Filters, start: date, end: date, settings: Settings
) -> pd.DataFrame:
    """Warnings opened in [start, end]: per customer the first check date at which a loss signal
    fired. Columns: customer_id, manager_id, manager_name, opened_on."""
    frames = []
    for d in check_dates(start, end):
        facts = rule_facts(con, filters, d, settings)
        if facts.empty:
            continue
        warned = facts[loss_signalled(facts) & facts["eligible"].fillna(False).astype(bool)]
        frames.append(warned[["customer_id", "manager_id", "manager_name"]].assign(opened_on=d))
    if not frames:
        return pd.DataFrame(columns=["customer_id", "manager_id", "manager_name", "opened_on"])
    opened = pd.concat(frames, ignore_index=True).sort_values(["customer_id", "opened_on"])
    return opened.drop_duplicates("customer_id").reset_index(drop=True)


def followup_effect(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """Per manager, for the warnings opened in the filters' period (default: the 180 days up to
    as_of; checked every 28 days): opened; followed_up (a follow-up marked contacted or
    recovered within the horizon after opening) and how many of those came back (an order in
    the horizon after opening); the same for those not followed up; pending (no order yet and
    the horizon not over by as_of, left out of the shares); and the two shares that came back.
    Columns: COLUMNS, plus a last row with manager_id None for every manager together."""
    settings = config.as_settings(settings)
    as_of = as_of or db.last_data_date(con)
    if as_of is None:
        return pd.DataFrame(columns=COLUMNS)
    end = min(filters.end or as_of, as_of)
    start = filters.start or end - timedelta(days=179)
    opened = opened_warnings(con, filters, start, end, settings)
    if opened.empty:
        return pd.DataFrame(columns=COLUMNS)
    ensure(con)
    values = {
        "customer_ids": opened["customer_id"].astype(str).tolist(),
        "opened_dates": opened["opened_on"].tolist(),
        "as_of": as_of,
        "horizon": settings.warnings.risk_horizon_days,
    }
    outcome = sql.query(con, "warnings/effect", values)
    outcome["opened_on"] = pd.to_datetime(outcome["opened_on"]).dt.date
    frame = opened.merge(outcome, on=["customer_id", "opened_on"])
    return summarise(frame)


def summarise(frame: pd.DataFrame) -> pd.DataFrame:
    """The per-manager counts and shares of followup_effect from one row per opened warning
    (manager_id, manager_name, came_back, window_ended, followed_up)."""
    f = frame.assign(
        known=frame["came_back"] | frame["window_ended"],
        fu=frame["followed_up"].astype(bool),
        back=frame["came_back"].astype(bool),
    )
    f = f.assign(
        fu_known=f["fu"] & f["known"],
        fu_back=f["fu"] & f["back"],
        nf_known=~f["fu"] & f["known"],
        nf_back=~f["fu"] & f["back"],
        pending=~f["known"],
    )

    def counted(group: pd.DataFrame) -> dict:
        fu, nf = int(group["fu_known"].sum()), int(group["nf_known"].sum())
        fu_back, nf_back = int(group["fu_back"].sum()), int(group["nf_back"].sum())
        return {
            "opened": len(group),
            "followed_up": fu,
            "followed_up_back": fu_back,
            "not_followed_up": nf,
            "not_followed_up_back": nf_back,
            "pending": int(group["pending"].sum()),
            "back_share_followed_up": fu_back / fu if fu else None,
            "back_share_not_followed_up": nf_back / nf if nf else None,
        }

    rows = []
    keyed = f.assign(manager_id=f["manager_id"].fillna(""))
    for manager, group in keyed.groupby("manager_id", sort=True):
        rows.append(
            {"manager_id": manager or None, "manager_name": group["manager_name"].iloc[0], **counted(group)}
        )
    rows.append({"manager_id": None, "manager_name": None, **counted(f)})
    return pd.DataFrame(rows, columns=COLUMNS)
