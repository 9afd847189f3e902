"""Managers › Visits: compliance by class and team, then a tab each for the customers not seen,
the visits per day and the method mix (only the open tab is drawn)."""

from datetime import timedelta

import pandas as pd
import plotly.express as px
import streamlit as st

from analytics import visits
from analytics.filters import Filters
from ui import charts, drill, format
from ui.common import cached, current_filters, empty_state, lazy_tabs, page_header, settings, tr
from ui.tables import column_formats, common_headings, show_table


def draw_compliance_chart(bars: pd.DataFrame, teams: int) -> None:
    """Frequency compliance per class, a bar per team (all teams as one bar when there are too
    many to tell apart); a click filters every page by the class."""
    bars = bars.assign(
        class_label=format.labels(bars["customer_class"], "class"), pct=bars["frequency_compliance"] * 100
    )
    fig = charts.bars_by_group(
        bars,
        "team",
        "class_label",
        "pct",
        name=lambda team, _: tr("visits.all_teams") if pd.isna(team) else team,
        ids=lambda _, rows: rows[["customer_class"]],
        value_format=".1f",
    )
    fig.update_layout(barmode="group", showlegend=bool(bars["team"].notna().any()))
    fig.update_yaxes(range=[0, 100])
    charts.layout(
        fig,
        340,
        x_title=tr("common.customer_class"),
        y_title=tr("visits.axis_frequency"),
        legend_title=tr("common.team"),
    )
    drill.filter_chart(fig, "visits-compliance", "class")
    drill.click_hint("drill.click_filter_class")
    if bars["team"].isna().all():
        st.caption(tr("visits.all_teams_help", teams=format.number(teams)))


def draw_compliance(frame: pd.DataFrame, filters: Filters) -> None:
    st.subheader(tr("visits.compliance_title"))
    st.caption(tr("visits.compliance_help"))
    frame = frame.assign(class_label=format.labels(frame["customer_class"], "class"))
    bars = visits.compliance_chart_rows(frame)
    if not bars.empty:
        draw_compliance_chart(bars, frame["team"].nunique())
    columns = {
        "team": tr("common.team"),
        "class_label": tr("common.customer_class"),
        "customers": tr("visits.col_customers"),
        "compliant_customers": tr("visits.col_compliant"),
        "frequency_compliance": tr("visits.col_frequency"),
        "visits": tr("visits.col_visits"),
        "duration_compliance": tr("visits.col_duration"),
        "appointment_compliance": tr("visits.col_appointment"),
    }
    if frame["appointment_compliance"].isna().all():
        columns.pop("appointment_compliance")
    table = frame[list(columns)].rename(columns=columns)
    percent = st.column_config.NumberColumn(format="percent")
    show_table(
        table,
        "visit-compliance",
        "visits-compliance",
        filters,
        column_config={
            tr("visits.col_frequency"): percent,
            tr("visits.col_duration"): percent,
            tr("visits.col_appointment"): percent,
        },
    )


def draw_calendar(days: pd.DataFrame) -> None:
    """A calendar heatmap: one column per week, one row per weekday."""
    st.subheader(tr("visits.calendar_title"))
    matrix = visits.calendar_grid(days)
    matrix.index = [tr(f"standards.weekday_{d}") for d in matrix.index]
    fig = px.imshow(
        matrix,
        color_continuous_scale="Blues",
        aspect="auto",
        labels={
            "x": tr("visits.axis_week"),
            "y": tr("visits.axis_weekday"),
            "color": tr("visits.axis_visits"),
        },
    )
    # Weeks as ISO dates in both languages (a date axis would print English month names).
    fig.update_xaxes(type="category")
    charts.layout(fig, 320)
    st.plotly_chart(fig, width="stretch", key="visits-calendar")


MAX_CHART_MANAGERS = 40  # managers on the method chart (those least on site first)


def method_labels(mix: pd.DataFrame) -> pd.DataFrame:
    """The mix with "name (id)" and method labels, translated per distinct value."""
    return mix.assign(
        manager=[
            format.name_with_id(n, m) for n, m in zip(mix["manager_name"], mix["manager_id"], strict=True)
        ],
        method_label=format.labels(mix["method"], "method").where(
            mix["method"] != "unknown", tr("visits.method_unknown")
        ),
        pct=mix["share"] * 100,
    )


def draw_methods(mix: pd.DataFrame, filters: Filters) -> None:
    st.subheader(tr("visits.methods_title"))
    mix = method_labels(mix)
    chart = mix
    managers = mix["manager_id"].nunique()
    if managers > MAX_CHART_MANAGERS:
        st.caption(tr("display.least_on_site", shown=MAX_CHART_MANAGERS, managers=format.number(managers)))
        chart = visits.least_on_site(mix, MAX_CHART_MANAGERS)
    fig = px.bar(
        chart,
        x="manager",
        y="pct",
        color="method_label",
        custom_data=["manager_id"],
        labels={
            "manager": tr("visits.axis_manager"),
            "pct": tr("visits.axis_share"),
            "method_label": tr("visits.col_method"),
        },
    )
    fig.update_yaxes(range=[0, 100])
    charts.layout(fig, 360, barmode="stack")
    drill.manager_chart(fig, "visits-methods")
    drill.click_hint("drill.click_manager")
    shown = mix[["manager_id", "manager_name", "method_label", "visits", "share"]]
    table = common_headings(shown, "manager_id", "manager_name").rename(
        columns={
            "method_label": tr("visits.col_method"),
            "visits": tr("visits.col_visits"),
            "share": tr("visits.col_share"),
        }
    )
    drill.row_table(
        table,
        "visit-methods",
        "visits-methods",
        filters,
        column_config=column_formats(tr("visits.col_share")),
        kind="manager",
    )


def draw_never_visited(filters: Filters) -> None:
    st.subheader(tr("visits.never_title"))
    start, after = visits.coverage_window(filters.end, settings())
    st.caption(tr("visits.never_help", start=start, end=after - timedelta(days=1)))
    frame = cached(visits.never_visited, filters)
    if frame.empty:
        st.success(tr("visits.never_none"), icon=":material/check_circle:")
        return
    who = ("customer_id", "customer_name", "manager_id", "manager_name", "customer_class")
    table = common_headings(frame, *who).rename(
        columns={
            "last_visit": tr("visits.col_last_visit"),
            "sales": tr("visits.col_sales"),
        }
    )
    drill.row_table(
        table,
        "not-visited",
        "visits-never",
        filters,
        column_config={tr("visits.col_last_visit"): st.column_config.DateColumn(format="YYYY-MM-DD")},
    )


def draw_sections(per_day: pd.DataFrame, filters: Filters) -> None:
    """The customers not seen first, the calendar and the method mix each in its tab, drawn only
    when opened (a new tab of the browser shows the page with one chart, not three)."""
    draws = {
        "never": lambda: draw_never_visited(filters),
        "calendar": lambda: draw_calendar(per_day),
        "methods": lambda: draw_methods_if_any(filters),
    }
    lazy_tabs(draws, lambda name: tr(f"visits.tab_{name}"), "visits-section")


def draw_methods_if_any(filters: Filters) -> None:
    mix = cached(visits.method_mix, filters)
    if mix.empty:
        empty_state()
    else:
        draw_methods(mix, filters)


filters = current_filters()
page_header("visits.title", "visits.caption")
per_day = cached(visits.visits_per_day, filters)
if per_day.empty or per_day["visits"].sum() == 0:
    empty_state("visits.no_visits")
else:
    draw_compliance(cached(visits.compliance_by_class, filters), filters)
    draw_sections(per_day, filters)
