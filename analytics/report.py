"""The meeting report: one period and scope (a team, a manager, or all) on a few pages.

What a supervisor brings to the monthly meeting: the KPI tiles with the change against the
previous period, the 12-month sales trend, the 80/20 figures with the top customers, the action
list of loss warnings and the managers' scorecard. This module gathers the figures (numbers, not
words); ``ui.report_files`` lays them out as a PDF or a workbook in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from analytics import config, db, overview, risk, scorecard, warnings
from analytics.filters import Filters, data_ends_before, filter_options
from analytics.overview import Tile
from analytics.pareto import concentration
from analytics.pareto.concentration import ParetoSummary
from analytics.settings import Settings

TOP_CUSTOMERS = 10
ACTIONS = 20
CURVE_POINTS = 200
TOP_COLUMNS = ["rank", "customer_id", "customer_name", "manager_name", "customer_class", "sales", "share"]
ACTION_COLUMNS = [
    "customer_id",
    "customer_name",
    "manager_name",
    "expected_loss",
    "revenue_at_risk",
    "days_since_last_order",
    "rules",
    "followup_status",
]
CARD_COLUMNS = [
    "rank",
    "manager_name",
    "team",
    "customers",
    "visits",
    "coverage",
    "sales",
    "growth_yoy",
    "target_attainment",
    "at_risk_customers",
    "score",
    "status",
]


@dataclass(frozen=True)
class MeetingReport:
    """The figures of one report. Tables hold raw values (fractions, yuan, codes); `data_end`
    is the data's last day when it stops before the period ends (None otherwise); `as_of` the
    day the warnings are counted on."""

    filters: Filters
    data_end: date | None
    as_of: date | None
    tiles: list[Tile]
    monthly: pd.DataFrame  # month, sales, active_customers, orders, visits, visited_share
    pareto: ParetoSummary
    curve: pd.DataFrame  # customer_share, cum_share (the 80/20 curve)
    top_customers: pd.DataFrame  # TOP_COLUMNS
    actions: pd.DataFrame  # ACTION_COLUMNS, the action list's first rows
    actions_total: int  # warnings on the action list (all of them, not only those shown)
    open_warnings: int
    scorecard: pd.DataFrame  # CARD_COLUMNS, by rank
    manager_names: dict[str, str]  # of the managers the filters name: id -> name

    @property
    def has_data(self) -> bool:
        return bool(self.pareto.buyers) or any(tile.value for tile in self.tiles)


def _curve(values: pd.DataFrame) -> pd.DataFrame:
    """The cumulative value share against the share of buyers, from (0, 0)."""
    if values.empty:
        return pd.DataFrame({"customer_share": [0.0], "cum_share": [0.0]})
    points = concentration.curve_points(values, CURVE_POINTS)
    frame = pd.DataFrame(
        {
            "customer_share": points["rank"].astype("float64") / len(values),
            "cum_share": points["cum_share"].astype("float64"),
        }
    )
    return pd.concat([pd.DataFrame({"customer_share": [0.0], "cum_share": [0.0]}), frame], ignore_index=True)


def _actions(
    con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date | None, settings: Settings
) -> tuple[pd.DataFrame, int, int]:
    """The action list's first ACTIONS rows, its length and the open warnings. The risk scores
    are the stored ranking's when the warnings page trained one for this data; without them
    the list is ranked by revenue at risk and the signals fired (see warnings.rank)."""
    if as_of is None:
        return pd.DataFrame(columns=ACTION_COLUMNS), 0, 0
    facts = warnings.warning_facts(con, filters, as_of, settings)
    stored = risk.find_stored(con, as_of, settings)
    scores = stored.scores if stored is not None and stored.trained else None
    view = warnings.warning_view(facts, scores, show_all=False, settings=settings)
    rows = view.rows.head(ACTIONS).reindex(columns=ACTION_COLUMNS)
    return rows.reset_index(drop=True), view.listed, view.open


def _manager_names(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, str]:
    if not filters.managers:
        return {}
    managers = filter_options(con)["managers"]
    return {m["manager_id"]: m["manager_name"] for m in managers if m["manager_id"] in filters.managers}


def meeting_report(
    con: duckdb.DuckDBPyConnection, filters: Filters, settings: Settings | dict | None = None
) -> MeetingReport:
    """The report of `filters` (period and scope); the period must have a start and an end."""
    if filters.start is None or filters.end is None:
        raise ValueError("a meeting report needs a period with a start and an end")
    s = config.as_settings(settings)
    as_of = warnings.as_of_date(con, filters)
    values = concentration.customer_values(con, filters, "amount", s)
    actions, listed, open_count = _actions(con, filters, as_of, s)
    card = scorecard.scorecard(con, filters, s)
    card = card.sort_values("rank").reindex(columns=CARD_COLUMNS).reset_index(drop=True)
    return MeetingReport(
        filters=filters,
        data_end=data_ends_before(filters.end, db.data_range(con)),
        as_of=as_of,
        tiles=overview.overview_tiles(con, filters),
        monthly=overview.monthly_figures(con, filters),
        pareto=concentration.pareto_summary(con, filters, "amount", s),
        curve=_curve(values),
        top_customers=overview.top_customers(con, filters, TOP_CUSTOMERS).reindex(columns=TOP_COLUMNS),
        actions=actions,
        actions_total=listed,
        open_warnings=open_count,
        scorecard=card,
        manager_names=_manager_names(con, filters),
    )
