"""Scores: each scorecard item 0–100 against the standard, the weighted composite, the status
and the rank; the manager and team scorecards and the monthly trend built on them.

Every item is scored 0–100 as its ratio to the standard, capped at 100: coverage, frequency and
duration compliance and retention against 100 %, field days against `field_days_per_week`, visits
per field day against `customers_per_field_day`, target attainment against 100 %, and sales growth
as 100 when growth ≥ 0, else 100 × (1 + growth) (a 20 % fall scores 80), and complaints as the
mean of the in-time contact and reply rates of the period's complaints (analytics.complaints;
weight 0 by default, no data without the complaints table). Items without data (no
targets, no sales last year, no timed visits …) are dropped and the weights of the remaining items
renormalised. The composite is the weighted mean; its status is "on track" from `on_track` up,
"at risk" from `at_risk` up, else "behind". Rank 1 is the best composite (ties by manager_id).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from analytics import config
from analytics.complaints import manager_complaint_scores
from analytics.domain import SCORE_ITEMS, ScoreItem
from analytics.filters import Filters, add_months, month_end, month_start
from analytics.scorecard.figures import lost_customers, period_figures
from analytics.settings import Settings

ITEMS = SCORE_ITEMS
STATUSES = ("on_track", "at_risk", "behind")
CLI_COLUMNS = [
    "manager_id",
    "manager_name",
    "team",
    "customers",
    "visits",
    "coverage",
    "frequency_compliance",
    "duration_compliance",
    "field_days_per_week",
    "visits_per_field_day",
    "sales",
    "growth_yoy",
    "target_attainment",
    "active_customers",
    "at_risk_customers",
    "lost_customers",
    "score",
    "status",
    "rank",
]


@dataclass(frozen=True)
class ItemRule:
    """How one item is scored: the figure it reads and the standard that scores 100 (sales
    growth: 0, i.e. no fall)."""

    item: ScoreItem
    figure: str
    standard: float


def item_rules(settings: Settings | dict | None = None) -> list[ItemRule]:
    """The rule of every scorecard item, in the order of SCORE_ITEMS."""
    workload = config.as_settings(settings).workload
    return [
        ItemRule(ScoreItem.COVERAGE, "coverage", 1.0),
        ItemRule(ScoreItem.FREQUENCY_COMPLIANCE, "frequency_compliance", 1.0),
        ItemRule(ScoreItem.DURATION_COMPLIANCE, "duration_compliance", 1.0),
        ItemRule(ScoreItem.FIELD_DAYS, "field_days_per_week", float(workload.field_days_per_week)),
        ItemRule(
            ScoreItem.VISITS_PER_FIELD_DAY, "visits_per_field_day", float(workload.customers_per_field_day)
        ),
        ItemRule(ScoreItem.SALES_GROWTH, "growth_yoy", 0.0),
        ItemRule(ScoreItem.TARGET_ATTAINMENT, "target_attainment", 1.0),
        ItemRule(ScoreItem.RETENTION, "retention", 1.0),
        ItemRule(ScoreItem.COMPLAINTS, "complaint_score", 100.0),
    ]


def weights(settings: Settings | dict | None = None) -> pd.Series:
    """The configured weight of every item (0 for an item without one)."""
    configured = config.as_settings(settings).scorecard.weights
    return pd.Series({item: float(configured.get(item, 0)) for item in ITEMS})


def item_scores(figures: pd.DataFrame, settings: Settings | dict | None = None) -> pd.DataFrame:
    """Each item's score 0–100 (NaN where the item has no data), one column per item.

    Worked out on numpy arrays and made a frame once: column by column into a pandas frame cost
    ten times the arithmetic (about 10 ms a scorecard), whatever the number of managers."""
    scores: dict[str, np.ndarray] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for rule in item_rules(settings):
            if rule.figure not in figures:  # a figure not worked out for these periods: no data
                scores[rule.item.value] = np.full(len(figures), np.nan)
                continue
            value = figures[rule.figure].astype("float64").to_numpy()
            if rule.item == ScoreItem.SALES_GROWTH:
                score = np.where(value >= 0, 100.0, 100 * (1 + value))
            else:
                score = 100 * value / rule.standard
            # Capped at 0 and 100 as DataFrame.clip does: NaN (no data) and values inside kept.
            kept = np.isnan(score)
            score = np.where(kept | (score >= 0), score, 0.0)
            scores[rule.item.value] = np.where(kept | (score <= 100), score, 100.0)
    return pd.DataFrame(scores, index=figures.index, dtype="float64")


def composite(scores: pd.DataFrame, settings: Settings | dict | None = None) -> pd.Series:
    """Weighted mean of the item scores; items without data are left out and the remaining
    weights renormalised. NaN when no weighted item has data."""
    w = weights(settings)
    present = scores[list(ITEMS)].notna()
    weighted = scores[list(ITEMS)].fillna(0).mul(w, axis=1).sum(axis=1)
    total = present.mul(w, axis=1).sum(axis=1)
    return (weighted / total.where(total > 0)).astype("float64")


def status_of(score: pd.Series, settings: Settings | dict | None = None) -> pd.Series:
    """on_track / at_risk / behind from the status bands (empty where there is no score)."""
    bands = config.as_settings(settings).scorecard.status
    status = np.select(
        [score >= float(bands.on_track), score >= float(bands.at_risk), score.notna()],
        list(STATUSES),
        default="",
    )
    return pd.Series([value or None for value in status], index=score.index, dtype=object)


def rank(frame: pd.DataFrame, by: str, key: str) -> pd.Series:
    """1 = highest `by`; ties and missing values broken by `key`."""
    order = frame.sort_values([by, key], ascending=[False, True], na_position="last").index
    return pd.Series(range(1, len(order) + 1), index=order).reindex(frame.index)


def with_complaint_scores(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    figures: pd.DataFrame,
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """The figures of the filters' period with complaint_score per manager (0-100; NaN for a
    manager without a complaint due in the period, and for all without the complaints table)."""
    found = manager_complaint_scores(con, filters, settings)
    if found.empty:  # no complaints table, or none received in the period: no data for anyone
        return figures.assign(complaint_score=np.full(len(figures), np.nan))
    by_manager = found.set_index("manager_id")["complaint_score"].astype("float64")
    return figures.assign(complaint_score=figures["manager_id"].map(by_manager).astype("float64"))


def _monthly_complaint_scores(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    figures: pd.DataFrame,
    periods: tuple[tuple, ...],
    settings: Settings,
) -> pd.DataFrame:
    """with_complaint_scores per period (period_no in the order of `periods`); only when the item
    carries a weight, since the monthly trend shows nothing but the composite."""
    if weights(settings)[ScoreItem.COMPLAINTS.value] <= 0:
        return figures
    parts = [
        with_complaint_scores(
            con, replace(filters, start=start, end=end), figures[figures["period_no"] == no], settings
        )
        for no, (start, end) in enumerate(periods)
    ]
    return pd.concat(parts).reindex(figures.index) if parts else figures


def scored(figures: pd.DataFrame, settings: Settings | dict | None = None) -> pd.DataFrame:
    """The figures with each item's score (`score_<item>`), the composite `score` and `status`."""
    scores = item_scores(figures, settings)
    frame = figures.join(scores.add_prefix("score_"))
    frame["score"] = composite(scores, settings)
    frame["status"] = status_of(frame["score"], settings)
    return frame


# ------------------------------------------------------------------ scorecards


def scorecard(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    settings: Settings | dict | None = None,
    at_risk: bool = True,
) -> pd.DataFrame:
    """One row per manager for the period: the figures, each item's score (`score_<item>`), the
    composite `score`, `status` and `rank` (1 = best). See analytics.scorecard for definitions.

    at_risk_customers (open loss warnings as of the period's end) and lost_customers come from one
    pass of the warnings (warnings.warning_counts); with at_risk=False at_risk_customers is left
    empty and lost_customers is counted on its own (a cheaper query)."""
    s = config.as_settings(settings)
    if filters.start is None or filters.end is None:
        return pd.DataFrame(columns=[*CLI_COLUMNS])
    figures = period_figures(con, filters, ((filters.start, filters.end),), s)
    figures = with_complaint_scores(con, filters, figures.drop(columns=["period_no", "period_start"]), s)
    frame = scored(figures, s)
    counts = _warning_counts(con, filters, s) if at_risk else None
    lost = (counts if counts is not None else lost_customers(con, filters, s)).set_index("manager_id")
    frame["lost_customers"] = frame["manager_id"].map(lost["lost_customers"]).fillna(0).astype("int64")
    frame["at_risk_customers"] = (
        _open_per_manager(frame["manager_id"], counts)
        if counts is not None
        else pd.Series(pd.NA, index=frame.index, dtype="Int64")
    )
    frame["rank"] = rank(frame, "score", "manager_id")
    return frame.sort_values("rank").reset_index(drop=True)


def _warning_counts(
    con: duckdb.DuckDBPyConnection, filters: Filters, settings: Settings
) -> pd.DataFrame | None:
    """warnings.warning_counts as of the period's end (None while the module is unavailable)."""
    try:
        from analytics.warnings import warning_counts
    except ImportError:
        return None
    return warning_counts(con, filters, as_of=filters.end, settings=settings)


def _open_per_manager(managers: pd.Series, counts: pd.DataFrame) -> pd.Series:
    by_manager = counts.set_index("manager_id")["open_warnings"] if len(counts) else pd.Series(dtype="Int64")
    return managers.map(by_manager).fillna(0).astype("Int64")


def team_scorecard(
    con: duckdb.DuckDBPyConnection, filters: Filters, settings: Settings | dict | None = None
) -> pd.DataFrame:
    """Per team: managers, the average of each figure and of the scores over its managers, the
    status of the average score, and the team's rank (1 = best average score)."""
    return team_averages(scorecard(con, filters, settings), settings)


def team_averages(card: pd.DataFrame, settings: Settings | dict | None = None) -> pd.DataFrame:
    """Team rows from a manager scorecard (see team_scorecard)."""
    if card.empty:
        return pd.DataFrame(columns=["team", "managers", "score", "status", "rank"])
    numeric = [
        c
        for c in card.columns
        if c not in ("manager_id", "manager_name", "team", "status", "rank")
        and pd.api.types.is_numeric_dtype(card[c])
    ]
    grouped = card.assign(team=card["team"].fillna("")).groupby("team", sort=True)
    teams = grouped[numeric].mean()
    teams.insert(0, "managers", grouped.size())
    teams = teams.reset_index()
    teams["status"] = status_of(teams["score"], settings)
    teams["rank"] = rank(teams, "score", "team")
    return teams.sort_values("rank").reset_index(drop=True)


def monthly_scores(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    months: int = 12,
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """Each manager's composite score per calendar month, for the `months` months ending with the
    period's last month (that month counted up to the period's end): month, manager_id,
    manager_name, team, score, status, and each item's score (score_<item>)."""
    columns = ["month", "manager_id", "manager_name", "team", "score", "status"]
    columns += [f"score_{item}" for item in ITEMS]
    if filters.end is None:
        return pd.DataFrame(columns=columns)
    s = config.as_settings(settings)
    last = month_start(filters.end)
    firsts = [add_months(last, -k) for k in range(months - 1, -1, -1)]
    periods = tuple((m, min(month_end(m), filters.end)) for m in firsts)
    figures = _monthly_complaint_scores(con, filters, period_figures(con, filters, periods, s), periods, s)
    frame = scored(figures, s).rename(columns={"period_start": "month"})
    return frame[columns].reset_index(drop=True)


def score_matrix(card: pd.DataFrame) -> pd.DataFrame:
    """Each manager's item scores and composite (columns: the items, then `score`), one row per
    manager in the card's order, indexed by manager_id (for a heat map)."""
    columns = [f"score_{item}" for item in ITEMS] + ["score"]
    matrix = card[columns].astype("float64").set_axis([*ITEMS, "score"], axis=1)
    return matrix.set_axis(card["manager_id"].tolist(), axis=0)


def shown_figures(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """`columns` without appointment compliance or the complaint score when no row has it (no
    appointment data, no complaints)."""
    optional = ("appointment_compliance", "complaint_score")
    return [c for c in columns if c in frame.columns and (c not in optional or frame[c].notna().any())]


def team_trend(trend: pd.DataFrame) -> pd.DataFrame:
    """The monthly scores averaged over each team's managers (month, team, score, managers): the
    trend a person can read when there are more managers than lines on a chart."""
    if trend.empty:
        return pd.DataFrame(columns=["month", "team", "score", "managers"])
    grouped = trend.assign(team=trend["team"].fillna("")).groupby(["month", "team"], sort=True)["score"]
    frame = grouped.agg(score="mean", managers="count").reset_index()
    return frame[["month", "team", "score", "managers"]]


def lowest_scores(card: pd.DataFrame, count: int) -> pd.DataFrame:
    """The `count` managers with the lowest composite score (worst first); ties by rank."""
    return card.sort_values(["score", "rank"], ascending=[True, False], na_position="first").head(count)


def score_spread(trend: pd.DataFrame) -> pd.DataFrame:
    """The spread of the managers' monthly scores (month, p25, median, p75, managers): the trend
    of a province, where even the teams are too many for one line each."""
    if trend.empty:
        return pd.DataFrame(columns=["month", "p25", "median", "p75", "managers"])
    grouped = trend.groupby("month", sort=True)["score"]
    frame = pd.DataFrame(
        {
            "p25": grouped.quantile(0.25),
            "median": grouped.median(),
            "p75": grouped.quantile(0.75),
            "managers": grouped.count(),
        }
    )
    return frame.reset_index()
