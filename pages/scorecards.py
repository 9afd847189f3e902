"""Managers › Scorecards: every manager against the service standard, the team averages, the
trend of the scores, and one manager in detail with the next visits due (with the products to
suggest and the orders to propose) and the cultivation of the newest products."""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from analytics import scorecard, trends
from analytics.filters import Filters
from ui import charts, drill, format
from ui.common import cached, current_filters, empty_state, lazy_tabs, page_header, settings, tr
from ui.tables import common_columns, show_table

FIGURE_COLUMNS = [
    "customers",
    "visits",
    "coverage",
    "frequency_compliance",
    "duration_compliance",
    "appointment_compliance",
    "field_days_per_week",
    "visits_per_field_day",
    "sales",
    "growth_yoy",
    "target_attainment",
    "complaint_score",
    "active_customers",
    "at_risk_customers",
    "lost_customers",
    "score",
    "status",
    "rank",
]
PERCENT_COLUMNS = {
    "coverage",
    "frequency_compliance",
    "duration_compliance",
    "appointment_compliance",
    "growth_yoy",
    "target_attainment",
}
MAX_COMPARED = 40  # managers in the comparison heat map (the lowest scores first)
MAX_TREND_LINES = 15  # above this many managers the trend shows team averages
# The tabs under the scorecard and their labels.
CHART_TABS = {
    "teams": "scorecard.tab_teams",
    "compare": "scorecard.compare",
    "status": "scorecard.col_score",
    "trend": "scorecard.trend",
}
CHART_TAB_KEY = "scorecard-chart-tab"
STATUS_COLOURS = {"on_track": "#2e7d32", "at_risk": "#ef6c00", "behind": "#c62828"}


def status_label(code: object) -> str:
    return tr(f"scorecard.status_{code}") if isinstance(code, str) and code else "—"


def status_labels(codes: pd.Series) -> pd.Series:
    """status_label of a column of status codes, translated once per distinct code."""
    mapping = {code: status_label(code) for code in pd.unique(codes.dropna())}
    return codes.map(mapping).astype(object).where(codes.notna(), status_label(None))


def column_formats(columns: list[str]) -> dict:
    """Streamlit column formats keyed by the translated column names."""
    formats = {}
    for column in columns:
        label = tr(f"scorecard.col_{column}")
        if column in PERCENT_COLUMNS:
            formats[label] = st.column_config.NumberColumn(format="percent")
        elif column in ("field_days_per_week", "visits_per_field_day", "score", "complaint_score"):
            formats[label] = st.column_config.NumberColumn(format="%.1f")
        elif column == "sales":
            formats[label] = st.column_config.NumberColumn(format="localized")
        elif column in ("customers", "visits", "managers") or column.endswith("_customers"):
            # Counts (a team's average too) as whole numbers: 122 customers, not 121.5.
            formats[label] = st.column_config.NumberColumn(format="%d")
    return formats


def figures_table(frame: pd.DataFrame, leading: dict[str, str], columns: list[str]) -> pd.DataFrame:
    """The figures with translated column names and status labels."""
    table = frame[list(leading) + columns].copy()
    if "status" in table:
        table["status"] = status_labels(table["status"])
    return table.rename(columns={**leading, **{c: tr(f"scorecard.col_{c}") for c in columns}})


def draw_scorecard(card: pd.DataFrame, filters: Filters) -> None:
    leading = {
        "manager_id": tr("common.manager_id"),
        "manager_name": tr("common.manager_name"),
        "team": tr("common.team"),
    }
    # What a supervisor reads first: rank, who, score and status; then the figures behind them.
    first = ["rank", "score", "status"]
    columns = first + [c for c in scorecard.shown_figures(card, FIGURE_COLUMNS) if c not in first]
    leading = {"rank": tr("scorecard.col_rank"), **leading}
    columns.remove("rank")
    drill.row_table(
        figures_table(card, leading, columns),
        "scorecards",
        "scorecard-main",
        filters,
        kind="manager",
        column_config=column_formats(columns),
    )
    st.caption(tr("drill.row_hint_manager"))


def draw_teams(card: pd.DataFrame, filters: Filters) -> None:
    st.markdown(f"**{tr('scorecard.team_averages')}**")
    st.caption(tr("scorecard.team_averages_help"))
    teams = scorecard.team_averages(card, settings())
    columns = scorecard.shown_figures(teams, ["managers", *FIGURE_COLUMNS])
    show_table(
        figures_table(teams, {"team": tr("common.team")}, columns),
        "team-scorecards",
        "scorecard-teams",
        filters,
        column_config=column_formats(columns),
    )


def draw_comparison(card: pd.DataFrame) -> None:
    if len(card) > MAX_COMPARED:
        st.caption(tr("display.compare_lowest", shown=MAX_COMPARED, managers=format.number(len(card))))
        card = scorecard.lowest_scores(card, MAX_COMPARED)
    labels = [tr(f"scorecard.item_{i}") for i in scorecard.ITEMS] + [tr("scorecard.item_composite")]
    names = [format.name_with_id(n, m) for n, m in zip(card["manager_name"], card["manager_id"], strict=True)]
    matrix = scorecard.score_matrix(card).set_axis(labels, axis=1).set_axis(names, axis=0)
    fig = px.imshow(
        matrix,
        zmin=0,
        zmax=100,
        color_continuous_scale="RdYlGn",
        aspect="auto",
        text_auto=".0f",
        labels={
            "x": tr("scorecard.axis_item"),
            "y": tr("scorecard.axis_manager"),
            "color": tr("scorecard.axis_score"),
        },
    )
    fig.data[0].customdata = [[m] * matrix.shape[1] for m in card["manager_id"]]
    charts.layout(fig, charts.rows_height(len(card), per_row=28, extra=140, minimum=320))
    drill.manager_chart(fig, "scorecard-compare")
    drill.click_hint()


def draw_trend(filters: Filters) -> None:
    trend = cached(scorecard.monthly_scores, filters)
    if trend.empty or trend["score"].isna().all():
        empty_state("scorecard.trend_empty")
        return
    managers, teams = trend["manager_id"].nunique(), trend["team"].nunique()
    if managers > MAX_TREND_LINES and teams > MAX_TREND_LINES:
        draw_spread(scorecard.score_spread(trend), managers)
    draw_trend_table(trend, filters)


def draw_trend_table(trend: pd.DataFrame, filters: Filters) -> None:
    """Every manager's score over the months as a sparkline, ranked by the latest month (one row
    per manager instead of a line each on one chart); a row opens the manager."""
    lines = trends.score_sparklines(trend)
    table = pd.DataFrame(
        {
            **common_columns(lines, "manager_id", "manager_name", "team"),
            tr("drill.trend_latest"): lines["latest"],
            tr("drill.trend_change"): lines["change"],
            tr("drill.trend_months"): lines["scores"],
        }
    )
    row = drill.sparkline_table(
        table,
        tr("drill.trend_months"),
        lines.attrs.get("months", []),
        "score-trend",
        "scorecard-trend",
        filters,
        column_config={
            tr("drill.trend_latest"): st.column_config.NumberColumn(format="%.1f"),
            tr("drill.trend_change"): st.column_config.NumberColumn(format="%+.1f"),
        },
        selectable=True,
        phone=[tr("common.manager_name"), tr("drill.trend_latest"), tr("drill.trend_months")],
    )
    drill.open_row(row, tr("common.manager_id"), "manager")


def draw_spread(spread: pd.DataFrame, managers: int) -> None:
    """The median score per month and the band of the middle half of the managers."""
    st.caption(tr("display.trend_spread", managers=format.number(managers)))
    fig = charts.band_figure(
        spread["month"], spread["p25"], spread["p75"], tr("display.trend_middle_half"), 0.2
    )
    fig.add_scatter(
        x=spread["month"], y=spread["median"], mode="lines+markers", name=tr("display.trend_median")
    )
    fig.update_xaxes(dtick="M1", tickformat="%Y-%m")
    fig.update_yaxes(range=[0, 100])
    charts.layout(fig, 400, x_title=tr("common.month"), y_title=tr("scorecard.axis_score"))
    st.plotly_chart(fig, width="stretch", key="scorecard-trend")


def draw_sections(card: pd.DataFrame, filters: Filters) -> None:
    """The team averages, the comparison, the scores by status and the trend, each in its tab:
    only the open one is drawn (the browser draws one chart of thousands of managers, not three,
    and a new tab of the browser shows the tables without first loading the charts' code)."""
    draws = {
        "teams": lambda: draw_teams(card, filters),
        "compare": lambda: draw_comparison(card),
        "status": lambda: status_bar(card),
        "trend": lambda: draw_trend(filters),
    }
    lazy_tabs(draws, lambda name: tr(CHART_TABS[name]), CHART_TAB_KEY)


def status_bar(card: pd.DataFrame) -> None:
    """Composite score per manager, coloured by status. With more managers than the comparison
    shows, the bars are too narrow to carry their status in words: it is in the colour and the
    hover text only (the browser does not fit thousands of labels into thin bars)."""
    names = [format.name_with_id(n, m) for n, m in zip(card["manager_name"], card["manager_id"], strict=True)]
    statuses = status_labels(card["status"]).tolist()
    words = {"text": statuses} if len(card) <= MAX_COMPARED else {"hovertext": statuses}
    fig = go.Figure(
        go.Bar(
            x=names,
            y=card["score"],
            marker_color=card["status"].map(STATUS_COLOURS).fillna("#9e9e9e").tolist(),
            hoverinfo="x+y+text",
            customdata=[[m] for m in card["manager_id"]],
            **words,
        )
    )
    charts.layout(
        fig,
        320,
        x_title=tr("scorecard.axis_manager"),
        y_title=tr("scorecard.axis_score"),
        yaxis_range=[0, 100],
    )
    drill.manager_chart(fig, "scorecard-status-bar")
    drill.click_hint("drill.click_manager")


filters = current_filters()
page_header("scorecard.title", "scorecard.caption")
card = pd.DataFrame()
if filters.start and filters.end:
    with st.spinner(tr("scorecard.computing")):  # seconds on a province-size store
        card = cached(scorecard.scorecard, filters)
if card.empty:
    empty_state("scorecard.no_managers")
else:
    draw_scorecard(card, filters)
    draw_sections(card, filters)
