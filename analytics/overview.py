"""Overview: the handful of figures a supervisor looks at first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from analytics import sql
from analytics.domain import CHART_TEAMS
from analytics.filters import Filters, add_months, month_start

TILES = ("sales", "active_customers", "orders", "visits", "visited_share")
SHARE_TILES = frozenset({"visited_share"})  # tiles that are a share: compared in percentage points


@dataclass(frozen=True)
class Tile:
    """One KPI: its value in the period, in the previous period (the months before a
    whole-month period), and a monthly trend."""

    name: str
    value: float | None
    previous: float | None
    trend: tuple[float, ...]

    @property
    def change(self) -> float | None:
        """Relative change against the previous period (None when there is nothing to compare)."""
        if self.value is None or not self.previous:
            return None
        return self.value / self.previous - 1

    @property
    def is_share(self) -> bool:
        """A share (0..1), compared by the difference rather than the relative change."""
        return self.name in SHARE_TILES

    @property
    def share_change(self) -> float | None:
        """For a share: value - previous (None when either is missing or the tile is no share)."""
        if not self.is_share or self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def period_figures(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, float | None]:
    """Sales (yuan), active customers (ordered at least once), orders (customer order days),
    visits, and the share of open customers visited at least once, for the filters' period."""
    # Whole calendar months read the monthly table (about a fifth of the daily rows).
    frame = sql.query(con, "overview/period_figures", filters=filters, months=bool(filters.whole_months))
    row = frame.iloc[0]
    return {name: (None if pd.isna(row[name]) else float(row[name])) for name in TILES}


def monthly_figures(con: duckdb.DuckDBPyConnection, filters: Filters, months: int = 12) -> pd.DataFrame:
    """The tiles' figures per calendar month, for the `months` months ending with the period's
    last month: month, sales, active_customers, orders, visits, visited_share."""
    last = month_start(filters.end or date.today())
    first = add_months(last, -(months - 1))
    return sql.query(
        con,
        "overview/monthly_figures",
        {"first_month": first, "last_month": last, "visits_to": add_months(last, 1)},
        filters=filters,
    )


def overview_tiles(con: duckdb.DuckDBPyConnection, filters: Filters) -> list[Tile]:
    """Each KPI with its value, the previous period's value and a 12-month trend."""
    current = period_figures(con, filters)
    previous = period_figures(con, filters.previous_period())
    trend = monthly_figures(con, filters)
    return [
        Tile(name, current[name], previous[name], tuple(float(v) for v in trend[name].fillna(0).tolist()))
        for name in TILES
    ]


def monthly_sales_by_team(con: duckdb.DuckDBPyConnection, filters: Filters, months: int = 12) -> pd.DataFrame:
    """Sales (yuan) per calendar month and team, for the `months` months ending with the
    period's last month (at least the whole period)."""
    last = month_start(filters.end or date.today())
    span = months
    if filters.start:
        span = max(months, (last.year - filters.start.year) * 12 + last.month - filters.start.month + 1)
    first = add_months(last, -(span - 1))
    return sql.query(
        con, "overview/sales_by_team", {"first_month": first, "last_month": last}, filters=filters
    )


def fold_small_teams(by_team: pd.DataFrame, keep: int = CHART_TEAMS) -> pd.DataFrame:
    """`by_team` (monthly_sales_by_team) with only the `keep` teams of the most sales over its
    months; the other teams summed per month in one row whose team is None. Column `teams`: how
    many teams a row holds. Rows ordered by the team's total, largest first, the others last: a
    province's hundreds of teams cannot be told apart in one chart."""
    totals = by_team.groupby("team")["sales"].sum().sort_values(ascending=False, kind="stable")
    shown = totals.index[:keep]
    kept = by_team[by_team["team"].isin(shown)].assign(teams=1)
    rank = kept["team"].map({team: place for place, team in enumerate(shown)})
    kept = kept.assign(rank=rank).sort_values(["rank", "month"]).drop(columns="rank")
    rest = by_team[~by_team["team"].isin(shown)]
    if rest.empty:
        return kept.reset_index(drop=True)
    folded = rest.groupby("month", as_index=False)["sales"].sum()
    folded = folded.assign(team=None, teams=len(totals) - len(shown))
    return pd.concat([kept, folded[kept.columns]], ignore_index=True)


def top_customers(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 10) -> pd.DataFrame:
    """The customers with the highest sales in the period, with their share of all sales."""
    return sql.query(con, "overview/top_customers", {"limit": limit}, filters=filters)
