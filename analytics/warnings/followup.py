"""A supervisor's follow-ups of loss warnings, and whether each warning is still open."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from analytics import config, db, sql
from analytics.domain import FOLLOWUP_STATUSES
from analytics.filters import Filters
from analytics.settings import Settings
from analytics.warnings.action import loss_signalled
from analytics.warnings.rules import rule_facts
from analytics.warnings.schema import ensure, ensure_schema


def record_followup(
    con: duckdb.DuckDBPyConnection,
    customer_id: str,
    status: str,
    note: str | None = None,
    warned_on: date | None = None,
    made_by: str | None = None,
    filters: Filters | None = None,
) -> None:
    """Store a supervisor's follow-up of a warning (a new history row; the latest is current).

    status is one of acknowledged, contacted, recovered, lost; warned_on is the as-of date of
    the warning that was followed up (default: today); made_by: who made it (the account, or
    the free "by" text until accounts exist). The time it was made is recorded with it.
    With `filters` (the page's, which hold the account's scope) a customer outside them is
    refused (PermissionError) and nothing is written; None = the whole book (the command line)."""
    if status not in FOLLOWUP_STATUSES:
        raise ValueError(
            f"unknown follow-up status {status!r}; expected one of {', '.join(FOLLOWUP_STATUSES)}"
        )
    note = (note or "").strip() or None
    made_by = (made_by or "").strip() or None
    with db.transaction(con, db.FOLLOWUP_VERSION) as cur:
        ensure_schema(cur)
        if filters is not None and not _in_scope(cur, str(customer_id), filters):
            raise PermissionError(f"customer {customer_id!r} is outside the filters")
        sql.execute(
            cur,
            "warnings/record_followup",
            {
                "customer_id": str(customer_id),
                "status": status,
                "note": note,
                "warned_on": warned_on or date.today(),
                "updated_at": datetime.now(),
                "made_by": made_by,
            },
        )


def _in_scope(cur: duckdb.DuckDBPyConnection, customer_id: str, filters: Filters) -> bool:
    found = sql.execute(cur, "warnings/in_scope", {"customer_id": customer_id}, filters=filters)
    return found.fetchone() is not None


def followups(
    con: duckdb.DuckDBPyConnection,
    customer_ids: tuple[str, ...] = (),
    as_of: date | None = None,
    history: bool = False,
    filters: Filters | None = None,
) -> pd.DataFrame:
    """Follow-ups of warnings recorded on or before the as-of date (default: all), of the
    customers in `filters` (None = every customer).

    By default the current one per customer (the latest row); with history=True every row,
    newest first. A customer who ordered again after the follow-up's warned_on date (and on or
    before the as-of date) shows as recovered by itself (recovered_by_order, reordered_on).
    Columns: customer_id, customer_name, manager_id, status, recorded_status, recovered_by_order,
    reordered_on, note, made_by, warned_on, updated_at, recovered_on, current."""
    ensure(con)
    ids = [str(c) for c in customer_ids]
    return sql.query(
        con,
        "warnings/followups",
        {"as_of": as_of or date.max, "customer_ids": ids},
        filters=filters or Filters(),
        by_customer=bool(ids),
        history=history,
    )


def warning_facts(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """rule_facts with each customer's current follow-up and whether a warning is open:
    adds followup_status, followup_note, followed_up_at, warned, open (see with_followups)."""
    settings = config.as_settings(settings)
    as_of = as_of or db.last_data_date(con) or date.today()
    return with_followups(con, rule_facts(con, filters, as_of, settings), as_of, settings)


def with_followups(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, as_of: date, settings: Settings | dict | None = None
) -> pd.DataFrame:
    """Add followup_status, followup_note, followed_up_at, warned and `open` to rule facts.

    A warning is open when at least one loss signal fired (service gaps alone open none) and it
    is not closed by its follow-up: a follow-up marked lost closes it; a recovery (marked, or by
    a new order) closes it for recovered_hold_days after the recovery, after which a
    still-firing rule opens it again."""
    hold = config.as_settings(settings).warnings.recovered_hold_days
    current = followups(con, as_of=as_of)
    current = current[["customer_id", "status", "note", "updated_at", "recovered_on"]].rename(
        columns={"status": "followup_status", "note": "followup_note", "updated_at": "followed_up_at"}
    )
    out = frame.merge(current, on="customer_id", how="left")
    recovered_on = pd.to_datetime(out["recovered_on"])
    still_held = (pd.Timestamp(as_of) - recovered_on).dt.days <= hold
    closed = (out["followup_status"] == "lost") | ((out["followup_status"] == "recovered") & still_held)
    out["warned"] = loss_signalled(out) if not out.empty else pd.Series([], dtype=bool)
    out["open"] = out["warned"] & ~closed.fillna(False).astype(bool)
    return out.drop(columns=["recovered_on"])
