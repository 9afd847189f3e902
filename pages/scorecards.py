"""Managers › Scorecards: every manager against the service standard, the team averages, the
trend of the scores, and one manager in detail with the next visits due."""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from analytics import scorecard
from ui.common import (
    cached,
    current_filters,
    empty_state,
    enum_label,
    export_control,
    page_header,
    settings,
    show_table,
    tr,
)

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
STATUS_COLOURS = {"on_track": "#2e7d32", "at_risk": "#ef6c00", "behind": "#c62828"}


def status_label(code) -> str:
    return tr(f"scorecard.status_{code}") if isinstance(code, str) and code else "—"


def column_formats(columns) -> dict:
    """Streamlit column formats keyed by the translated column names."""
    formats = {}
    for column in columns:
        label = tr(f"scorecard.col_{column}")
        if column in PERCENT_COLUMNS:
            formats[label] = st.column_config.NumberColumn(format="percent")
        elif column in ("field_days_per_week", "visits_per_field_day", "score"):
            formats[label] = st.column_config.NumberColumn(format="%.1f")
        elif column == "sales":
            formats[label] = st.column_config.NumberColumn(format="localized")
    return formats


def figures_table(frame: pd.DataFrame, leading: dict[str, str], columns: list[str]) -> pd.DataFrame:
    """The figures with translated column names and status labels."""
    table = frame[list(leading) + columns].copy()
    if "status" in table:
        table["status"] = table["status"].map(status_label)
    return table.rename(columns={**leading, **{c: tr(f"scorecard.col_{c}") for c in columns}})


def draw_scorecard(card: pd.DataFrame, filters) -> None:
    leading = {
        "manager_id": tr("common.manager_id"),
        "manager_name": tr("common.manager_name"),
        "team": tr("common.team"),
    }
    # What a supervisor reads first: rank, who, score and status; then the figures behind them.
    first = ["rank", "score", "status"]
    columns = [c for c in FIGURE_COLUMNS if c != "appointment_compliance" or card[c].notna().any()]
    columns = first + [c for c in columns if c not in first]
    card = card.sort_values(["rank", "manager_id"])
    leading = {"rank": tr("scorecard.col_rank"), **leading}
    columns.remove("rank")
    show_table(
        figures_table(card, leading, columns),
        "scorecards",
        "scorecard-main",
        filters,
        column_config=column_formats(columns),
    )


def draw_teams(card: pd.DataFrame, filters) -> None:
    st.subheader(tr("scorecard.team_averages"))
    st.caption(tr("scorecard.team_averages_help"))
    teams = scorecard.team_averages(card, settings())
    columns = [c for c in ["managers", *FIGURE_COLUMNS] if c in teams.columns]
    columns = [c for c in columns if c != "appointment_compliance" or teams[c].notna().any()]
    show_table(
        figures_table(teams, {"team": tr("common.team")}, columns),
        "team-scorecards",
        "scorecard-teams",
        filters,
        column_config=column_formats(columns),
    )


def draw_comparison(card: pd.DataFrame) -> None:
    st.subheader(tr("scorecard.compare"))
    items = [f"score_{i}" for i in scorecard.ITEMS] + ["score"]
    labels = [tr(f"scorecard.item_{i}") for i in scorecard.ITEMS] + [tr("scorecard.item_composite")]
    names = card["manager_name"].astype(str) + " (" + card["manager_id"].astype(str) + ")"
    matrix = card[items].astype("float64").set_axis(labels, axis=1).set_axis(names, axis=0)
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
    fig.update_layout(height=max(320, 28 * len(card) + 140), margin=dict(l=10, r=10, t=10, b=10))
    st.plotly_chart(fig, width="stretch", key="scorecard-compare")


def draw_trend(filters) -> None:
    st.subheader(tr("scorecard.trend"))
    trend = cached(scorecard.monthly_scores, filters)
    if trend.empty or trend["score"].isna().all():
        empty_state("scorecard.trend_empty")
        return
    trend = trend.assign(manager=trend["manager_name"].astype(str) + " (" + trend["manager_id"] + ")")
    fig = px.line(
        trend,
        x="month",
        y="score",
        color="manager",
        markers=True,
        labels={
            "month": tr("common.month"),
            "score": tr("scorecard.axis_score"),
            "manager": tr("scorecard.axis_manager"),
        },
    )
    fig.update_xaxes(dtick="M1", tickformat="%Y-%m")
    fig.update_yaxes(range=[0, 100])
    fig.update_layout(height=400, margin=dict(l=10, r=10, t=10, b=10))
    st.plotly_chart(fig, width="stretch", key="scorecard-trend")


# ------------------------------------------------------------------ one manager


def draw_items(filters, manager_id: str) -> None:
    st.markdown(f"**{tr('scorecard.items_title')}**")
    items = cached(scorecard.manager_items, filters, manager_id)
    percent = {
        "coverage",
        "frequency_compliance",
        "duration_compliance",
        "sales_growth",
        "target_attainment",
        "retention",
    }

    def shown(item, value):
        if pd.isna(value):
            return "—"
        return f"{value:.1%}" if item in percent else f"{value:.1f}"

    table = pd.DataFrame(
        {
            tr("scorecard.col_item"): [tr(f"scorecard.item_{i}") for i in items["item"]],
            tr("scorecard.col_value"): [
                shown(i, v) for i, v in zip(items["item"], items["value"], strict=True)
            ],
            tr("scorecard.col_standard"): [
                tr("scorecard.standard_growth") if i == "sales_growth" else shown(i, v)
                for i, v in zip(items["item"], items["standard"], strict=True)
            ],
            tr("scorecard.col_item_score"): items["score"].round(1),
            tr("scorecard.col_weight"): items["weight"].round(1),
        }
    )
    show_table(table, f"scorecard-{manager_id}", "scorecard-items", filters)


def draw_weekdays(filters, manager_id: str) -> None:
    days = cached(scorecard.weekday_pattern, filters, manager_id)
    days = days.assign(
        weekday_name=days["weekday"].map(lambda d: tr(f"standards.weekday_{d}")),
        kind=days["suggested"].map(lambda s: tr("scorecard.suggested") if s else tr("scorecard.other_day")),
    )
    fig = px.bar(
        days,
        x="weekday_name",
        y="visits",
        color="kind",
        color_discrete_map={tr("scorecard.suggested"): "#1565c0", tr("scorecard.other_day"): "#90caf9"},
        labels={
            "weekday_name": tr("scorecard.axis_weekday"),
            "visits": tr("scorecard.axis_visits"),
            "kind": "",
        },
    )
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=30, b=10), title=tr("scorecard.weekdays_title"))
    st.plotly_chart(fig, width="stretch", key="scorecard-weekdays")


def draw_lengths(filters, manager_id: str) -> None:
    lengths = cached(scorecard.visit_lengths, filters, manager_id)
    if lengths.empty:
        empty_state("scorecard.lengths_empty")
        return
    order = [c for c in ("core", "potential", "regular", "assist") if c in set(lengths["customer_class"])]
    lengths = lengths.assign(class_label=lengths["customer_class"].map(lambda c: enum_label("class", c)))
    labels = [enum_label("class", c) for c in order]
    fig = px.box(
        lengths,
        x="class_label",
        y="duration_min",
        category_orders={"class_label": labels},
        labels={"class_label": tr("scorecard.axis_class"), "duration_min": tr("scorecard.axis_minutes")},
    )
    ranges = lengths.drop_duplicates("customer_class").set_index("customer_class")
    for i, code in enumerate(order):
        for bound in ("min_minutes", "max_minutes"):
            fig.add_shape(
                type="line",
                xref="x",
                yref="y",
                x0=i - 0.4,
                x1=i + 0.4,
                y0=ranges.loc[code, bound],
                y1=ranges.loc[code, bound],
                line=dict(dash="dash", color="#c62828", width=1.5),
            )
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=30, b=10), title=tr("scorecard.lengths_title"))
    st.plotly_chart(fig, width="stretch", key="scorecard-lengths")


def overdue_table(frame: pd.DataFrame) -> pd.DataFrame:
    table = frame.assign(customer_class=frame["customer_class"].map(lambda c: enum_label("class", c)))
    return table.rename(
        columns={
            "customer_id": tr("common.customer_id"),
            "customer_name": tr("common.customer_name"),
            "customer_class": tr("common.customer_class"),
            "interval_days": tr("scorecard.col_interval_days"),
            "last_visit": tr("scorecard.col_last_visit"),
            "due_date": tr("scorecard.col_due_date"),
            "days_overdue": tr("scorecard.col_days_overdue"),
            "sales": tr("scorecard.col_sales_12m"),
            "open_warnings": tr("scorecard.col_open_warnings"),
        }
    )


def draw_overdue(filters, manager_id: str) -> None:
    as_of = filters.end
    st.markdown(f"**{tr('scorecard.overdue_title')}**")
    st.caption(tr("scorecard.overdue_help", as_of=as_of))
    overdue = cached(scorecard.overdue_list, manager_id, as_of)
    dates = {
        tr("scorecard.col_last_visit"): st.column_config.DateColumn(format="YYYY-MM-DD"),
        tr("scorecard.col_due_date"): st.column_config.DateColumn(format="YYYY-MM-DD"),
    }
    show_table(
        overdue_table(overdue), f"overdue-{manager_id}", "scorecard-overdue", filters, column_config=dates
    )
    st.markdown(f"**{tr('scorecard.plan_title')}**")
    st.caption(tr("scorecard.plan_help", as_of=as_of))
    plan = scorecard.due_within(overdue, as_of)
    if plan.empty:
        empty_state("scorecard.plan_empty")
    else:
        export_control(overdue_table(plan), f"visit-plan-{manager_id}", "scorecard-plan", filters)


def draw_manager(card: pd.DataFrame, filters) -> None:
    names = dict(zip(card["manager_id"], card["manager_name"], strict=True))
    manager_id = st.selectbox(
        tr("scorecard.choose_manager"),
        list(names),
        index=None,
        format_func=lambda m: f"{names[m]} ({m})",
        placeholder=tr("scorecard.choose_placeholder"),
        key="scorecard-manager",
    )
    if manager_id is None:
        return
    row = card[card["manager_id"] == manager_id].iloc[0]
    st.subheader(tr("scorecard.manager_view", name=f"{names[manager_id]} ({manager_id})"))
    score = "—" if pd.isna(row["score"]) else f"{row['score']:.1f}"
    left, middle, right = st.columns(3)
    left.metric(tr("scorecard.col_score"), score, border=True)
    middle.metric(tr("scorecard.col_status"), status_label(row["status"]), border=True)
    right.metric(tr("scorecard.col_rank"), f"{int(row['rank'])} / {len(card)}", border=True)
    draw_items(filters, manager_id)
    left, right = st.columns(2)
    with left:
        draw_weekdays(filters, manager_id)
    with right:
        draw_lengths(filters, manager_id)
    draw_overdue(filters, manager_id)


def status_bar(card: pd.DataFrame) -> None:
    """Composite score per manager, coloured by status."""
    names = card["manager_name"].astype(str) + " (" + card["manager_id"].astype(str) + ")"
    fig = go.Figure(
        go.Bar(
            x=names,
            y=card["score"],
            marker_color=[STATUS_COLOURS.get(s, "#9e9e9e") for s in card["status"]],
            text=[status_label(s) for s in card["status"]],
            hoverinfo="x+y+text",
        )
    )
    fig.update_layout(
        height=320,
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis_title=tr("scorecard.axis_manager"),
        yaxis_title=tr("scorecard.axis_score"),
        yaxis_range=[0, 100],
    )
    st.plotly_chart(fig, width="stretch", key="scorecard-status-bar")


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
    draw_teams(card, filters)
    draw_comparison(card)
    status_bar(card)
    draw_trend(filters)
    draw_manager(card, filters)
