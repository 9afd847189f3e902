"""Warned and open loss warnings counted per manager and per team."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

from analytics import config, db, sql
from analytics.filters import Filters
from analytics.settings import Settings
from analytics.warnings.rules import overdue_values, rule_parameters
from analytics.warnings.schema import ensure


def open_warnings_by_manager(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """Open loss warnings per manager as of a date (rules only, no model): warned customers whose
    follow-up has not closed the warning (not lost, not recently recovered).

    Every manager with a customer in scope appears, with 0 when none is open.
    Columns: manager_id, open_warnings."""
    counts = warning_counts(con, filters, as_of, settings)
    return counts[["manager_id", "open_warnings"]]


def warning_counts(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """Warned and open warnings per manager (with the manager's name and team), as of a date.

    Columns: manager_id, manager_name, team, customers (with an order up to as_of), warned,
    open_warnings, and lost_customers: customers in scope who are closed, or whose last order up
    to as_of is more than lost_after_days days old (the scorecard's lost customers, from the same
    pass). Sorted by open warnings, most first. warned and open_warnings are the figures of
    count_by_manager(warning_facts(...)), counted in the database (no row per customer leaves it)."""
    settings = config.as_settings(settings)
    as_of = as_of or db.last_data_date(con) or date.today()
    ensure(con)
    values, cut_months = rule_parameters(as_of, settings)
    ws = settings.warnings
    values.update(overdue_values(con, filters, as_of, settings))
    values["recovered_hold_days"] = ws.recovered_hold_days
    values["lost_before"] = as_of - timedelta(days=ws.lost_after_days - 1)
    return sql.query(con, "warnings/counts", values, filters=filters, cut_months=cut_months)


def count_by_manager(facts: pd.DataFrame) -> pd.DataFrame:
    """warning_counts from warning_facts the caller already has (the warnings page)."""
    if facts.empty:
        return pd.DataFrame(
            {
                "manager_id": pd.Series(dtype=object),
                "manager_name": pd.Series(dtype=object),
                "team": pd.Series(dtype=object),
                "customers": pd.Series(dtype="int64"),
                "warned": pd.Series(dtype="int64"),
                "open_warnings": pd.Series(dtype="int64"),
            }
        )
    frame = facts[facts["manager_id"].notna()]
    grouped = frame.groupby("manager_id", as_index=False).agg(
        manager_name=("manager_name", "first"),
        team=("team", "first"),
        customers=("customer_id", "size"),
        warned=("warned", "sum"),
        open_warnings=("open", "sum"),
    )
    grouped[["warned", "open_warnings"]] = grouped[["warned", "open_warnings"]].astype("int64")
    return grouped.sort_values(["open_warnings", "manager_id"], ascending=[False, True], ignore_index=True)


def open_warnings_by_team(counts: pd.DataFrame) -> pd.DataFrame:
    """Sum of warning_counts per team: team, managers, warned, open_warnings."""
    return (
        counts.assign(team=counts["team"].fillna("—"))
        .groupby("team", as_index=False)
        .agg(
            managers=("manager_id", "size"), warned=("warned", "sum"), open_warnings=("open_warnings", "sum")
        )
        .sort_values(["open_warnings", "team"], ascending=[False, True], ignore_index=True)
    )


def top_open_managers(counts: pd.DataFrame, limit: int = 30) -> pd.DataFrame:
    """The first `limit` managers of warning_counts (most open warnings first) with an open
    warning, with `manager`: the manager's name, or the id when the name is missing."""
    named = counts.assign(manager=counts["manager_name"].fillna(counts["manager_id"]))
    return named[named["open_warnings"] > 0].head(limit).reset_index(drop=True)
