"""ABC migration: each customer's ABC class in the previous period (`Filters.previous_period`)
and in this one, and the matrix of moves between the classes."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics import sql
from analytics.customer_value import FIRST_DAY, abc_params, check_metric, period, whole_months
from analytics.domain import ABC_CLASSES
from analytics.filters import Filters
from analytics.settings import Settings


def _moves(
    con: duckdb.DuckDBPyConnection,
    name: str,
    filters: Filters,
    metric: str,
    settings: Settings | dict | None,
) -> pd.DataFrame:
    check_metric(metric)
    current = period(filters.start, filters.end)
    before = filters.previous_period()
    previous = period(before.start, before.end)
    if filters.start is None or filters.end is None:
        previous = (FIRST_DAY, FIRST_DAY)  # an open period has no previous one
    params = {
        "previous_start": previous[0],
        "previous_end": previous[1],
        "start": current[0],
        "end": current[1],
        **abc_params(settings),
    }
    return sql.query(
        con,
        name,
        params,
        filters=filters,
        metric=metric,
        previous_months=whole_months(*previous),
        current_months=whole_months(*current),
    )


def abc_transitions(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    metric: str = "amount",
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """Each customer who was a buyer in the previous period (`Filters.previous_period`) or in this
    one, with its ABC class then and now ('none' = not a buyer): customer_id, customer_name,
    manager_id, manager_name, customer_class, previous_abc, current_abc, previous_value, value,
    change."""
    return _moves(con, "pareto/abc_transitions", filters, metric, settings)


def abc_migration(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    metric: str = "amount",
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """The ABC migration matrix from the previous period (`Filters.previous_period`) to this one:
    one row per non-empty cell (previous_abc, current_abc, customers, previous_value, value,
    lost_value). lost_value is previous minus current value of customers who fell from A (to B,
    C or none)."""
    return _moves(con, "pareto/abc_migration", filters, metric, settings)


def migration_counts(cells: pd.DataFrame) -> pd.DataFrame:
    """The migration matrix as a grid: customers by previous class (rows) and current class
    (columns), every ABC class in order, 0 for an empty cell."""
    return (
        cells.pivot(index="previous_abc", columns="current_abc", values="customers")
        .reindex(index=list(ABC_CLASSES), columns=list(ABC_CLASSES))
        .fillna(0)
        .astype(int)
    )


@dataclass(frozen=True)
class MigrationOverview:
    """The ABC migration block: the matrix's cells (`abc_migration`), its grid
    (`migration_counts`), the value lost by customers who fell from A and how many fell."""

    cells: pd.DataFrame
    counts: pd.DataFrame
    lost_value: float
    fell_from_a: int


def migration_overview(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    metric: str = "amount",
    settings: Settings | dict | None = None,
) -> MigrationOverview:
    """The ABC migration from the previous period to this one, with its totals."""
    cells = abc_migration(con, filters, metric, settings)
    fell = (cells["previous_abc"] == "A") & (cells["current_abc"] != "A")
    return MigrationOverview(
        cells=cells,
        counts=migration_counts(cells),
        lost_value=float(cells["lost_value"].sum()),
        fell_from_a=int(cells.loc[fell, "customers"].sum()),
    )


def cell_transitions(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    previous_abc: str,
    current_abc: str,
    metric: str = "amount",
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """The customers of one cell of the migration matrix (columns of `abc_transitions`)."""
    moves = abc_transitions(con, filters, metric, settings)
    keep = (moves["previous_abc"] == previous_abc) & (moves["current_abc"] == current_abc)
    return moves[keep].reset_index(drop=True)
