"""Managers › Scorecards: every manager against the service standard, the team averages, the
trend of the scores, and one manager in detail with the next visits due (with the products to
suggest and the orders to propose) and the cultivation of the newest products."""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from analytics import products, scorecard
from analytics.filters import Filters
from ui import charts, format
from ui.common import cached, current_filters, empty_state, page_header, settings, tr
from ui.tables import export_control, show_table

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
CHART_TABS = ("compare", "status", "trend")
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
    show_table(
        figures_table(card, leading, columns),
        "scorecards",
        "scorecard-main",
        filters,
        column_config=column_formats(columns),
    )


def draw_teams(card: pd.DataFrame, filters: Filters) -> None:
    st.subheader(tr("scorecard.team_averages"))
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
    charts.layout(fig, charts.rows_height(len(card), per_row=28, extra=140, minimum=320))
    st.plotly_chart(fig, width="stretch", key="scorecard-compare")


def draw_trend(filters: Filters) -> None:
    trend = cached(scorecard.monthly_scores, filters)
    if trend.empty or trend["score"].isna().all():
        empty_state("scorecard.trend_empty")
        return
    managers, teams = trend["manager_id"].nunique(), trend["team"].nunique()
    if managers > MAX_TREND_LINES and teams > MAX_TREND_LINES:
        draw_spread(scorecard.score_spread(trend), managers)
        return
    if managers > MAX_TREND_LINES:
        st.caption(tr("display.trend_by_team", managers=format.number(managers)))
        trend = scorecard.team_trend(trend).rename(columns={"team": "line"})
        legend = tr("common.team")
    else:
        names = zip(trend["manager_name"], trend["manager_id"], strict=True)
        trend = trend.assign(line=[format.name_with_id(n, m) for n, m in names])
        legend = tr("scorecard.axis_manager")
    fig = px.line(
        trend,
        x="month",
        y="score",
        color="line",
        markers=True,
        labels={"month": tr("common.month"), "score": tr("scorecard.axis_score"), "line": legend},
    )
    fig.update_xaxes(dtick="M1", tickformat="%Y-%m")
    fig.update_yaxes(range=[0, 100])
    charts.layout(fig, 400)
    st.plotly_chart(fig, width="stretch", key="scorecard-trend")


def draw_spread(spread: pd.DataFrame, managers: int) -> None:
    """The median score per month and the band of the middle half of the managers."""
    st.caption(tr("display.trend_spread", managers=format.number(managers)))
    fig = go.Figure()
    fig.add_scatter(x=spread["month"], y=spread["p75"], mode="lines", line={"width": 0}, showlegend=False)
    fig.add_scatter(
        x=spread["month"],
        y=spread["p25"],
        mode="lines",
        line={"width": 0},
        fill="tonexty",
        fillcolor="rgba(21, 101, 192, 0.2)",
        name=tr("display.trend_middle_half"),
    )
    fig.add_scatter(
        x=spread["month"], y=spread["median"], mode="lines+markers", name=tr("display.trend_median")
    )
    fig.update_xaxes(dtick="M1", tickformat="%Y-%m")
    fig.update_yaxes(range=[0, 100])
    charts.layout(fig, 400, x_title=tr("common.month"), y_title=tr("scorecard.axis_score"))
    st.plotly_chart(fig, width="stretch", key="scorecard-trend")


def draw_charts(card: pd.DataFrame, filters: Filters) -> None:
    """The comparison, the scores by status and the trend, each in its tab: only the open one is
    drawn (the browser draws one chart of thousands of managers, not three)."""
    draws = {
        "compare": lambda: draw_comparison(card),
        "status": lambda: status_bar(card),
        "trend": lambda: draw_trend(filters),
    }
    labels = [tr("scorecard.compare"), tr("scorecard.col_score"), tr("scorecard.trend")]
    for name, tab in zip(CHART_TABS, st.tabs(labels, key=CHART_TAB_KEY, on_change="rerun"), strict=True):
        if tab.open:
            with tab:
                draws[name]()


# ------------------------------------------------------------------ one manager


def draw_items(filters: Filters, manager_id: str) -> None:
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

    def shown(item: str, value: float) -> str:
        return format.percent(value, 1) if item in percent else format.number(value, 1)

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


def draw_weekdays(filters: Filters, manager_id: str) -> None:
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
    charts.layout(fig, 320, title=tr("scorecard.weekdays_title"), top=30)
    st.plotly_chart(fig, width="stretch", key="scorecard-weekdays")


def draw_lengths(filters: Filters, manager_id: str) -> None:
    lengths = cached(scorecard.visit_lengths, filters, manager_id)
    if lengths.empty:
        empty_state("scorecard.lengths_empty")
        return
    ranges = scorecard.length_ranges(lengths)
    lengths = lengths.assign(class_label=format.labels(lengths["customer_class"], "class"))
    labels = [format.label("class", r.customer_class) for r in ranges]
    fig = px.box(
        lengths,
        x="class_label",
        y="duration_min",
        category_orders={"class_label": labels},
        labels={"class_label": tr("scorecard.axis_class"), "duration_min": tr("scorecard.axis_minutes")},
    )
    for r in ranges:
        for bound in (r.min_minutes, r.max_minutes):
            fig.add_shape(
                type="line",
                xref="x",
                yref="y",
                x0=r.position - 0.4,
                x1=r.position + 0.4,
                y0=bound,
                y1=bound,
                line=dict(dash="dash", color="#c62828", width=1.5),
            )
    charts.layout(fig, 320, title=tr("scorecard.lengths_title"), top=30)
    st.plotly_chart(fig, width="stretch", key="scorecard-lengths")


def overdue_table(frame: pd.DataFrame) -> pd.DataFrame:
    table = frame.assign(customer_class=format.labels(frame["customer_class"], "class"))
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
            "suggested_products": tr("standard.col_suggested_products"),
            "suggested_orders": tr("standard.col_suggested_orders"),
        }
    )


def draw_overdue(filters: Filters, manager_id: str) -> None:
    as_of = filters.end
    st.markdown(f"**{tr('scorecard.overdue_title')}**")
    st.caption(tr("scorecard.overdue_help", as_of=as_of))
    overdue = cached(scorecard.overdue_list, manager_id, as_of, None, filters)
    guidance = cached(scorecard.plan_columns, manager_id, as_of, None, filters)
    overdue = scorecard.with_plan_columns(overdue, guidance)
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


def draw_manager(card: pd.DataFrame, filters: Filters) -> None:
    names = dict(zip(card["manager_id"], card["manager_name"], strict=True))
    # Thousands of managers at province scale: each label made once, not per option and run.
    shown = {m: format.name_with_id(n, m) for m, n in names.items()}
    manager_id = st.selectbox(
        tr("scorecard.choose_manager"),
        list(names),
        index=None,
        format_func=shown.__getitem__,
        placeholder=tr("scorecard.choose_placeholder"),
        key="scorecard-manager",
    )
    if manager_id is None:
        return
    row = card[card["manager_id"] == manager_id].iloc[0]
    st.subheader(tr("scorecard.manager_view", name=shown[manager_id]))
    score = format.number(row["score"], 1)
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
    draw_new_products(filters, manager_id)


def draw_new_products(filters: Filters, manager_id: str) -> None:
    """The manager's cultivation of a product launched lately: listing and repurchase rate of
    their target customers, and those who have not listed it (the promotion visit list)."""
    st.markdown(f"**{tr('scorecard.new_products_title')}**")
    as_of = filters.end
    launches = cached(products.recent_launches, as_of)
    if launches.empty:
        st.caption(tr("standard.product_none_recent", months=settings().products.launch_window_months))
        return
    product = st.selectbox(
        tr("standard.product_pick"), list(launches["product"]), key="scorecard-new-product"
    )
    view = cached(
        products.cultivation_view, scorecard.manager_scope(filters, manager_id, as_of), product, None, as_of
    )
    if view.uptake.empty:
        st.caption(tr("standard.no_targets"))
        return
    total = products.summarise_with_total(view.uptake).iloc[-1]
    cells = st.columns(3)
    cells[0].metric(
        tr("standard.col_target_customers"), format.number(total["target_customers"]), border=True
    )
    cells[1].metric(tr("standard.col_listing_rate"), format.percent(total["listing_rate"]), border=True)
    cells[2].metric(tr("standard.col_repurchase_rate"), format.percent(total["repurchase_rate"]), border=True)
    promotion = products.promotion_list(view.uptake)
    st.caption(
        tr("scorecard.new_products_promotion", product=product, customers=format.number(len(promotion)))
    )
    if promotion.empty:
        return
    table = pd.DataFrame(
        {
            tr("common.customer_id"): promotion["customer_id"],
            tr("common.customer_name"): promotion["customer_name"],
            tr("common.customer_class"): format.labels(promotion["customer_class"], "class"),
            tr("standard.col_tier"): promotion["tier"],
            tr("standard.col_format"): promotion["retail_format"],
        }
    )
    show_table(table, f"promotion-{manager_id}", "scorecard-promotion", filters)


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
    draw_charts(card, filters)
    draw_manager(card, filters)
