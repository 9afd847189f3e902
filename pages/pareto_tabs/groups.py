"""The groups tab: the 80/20 figures of each team, manager, region, market type, retail format
or customer class, each ranked on its own."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import pareto
from analytics.filters import Filters
from pages.pareto_tabs.common import LEGEND, group_labels
from ui import charts, drill
from ui.common import cached, empty_state, tr
from ui.tables import column_formats, show_table

# What a click on a group's bars does: open the manager, or filter every page by the group.
CLICK_OPENS = {
    "manager": drill.open_manager,
    "team": lambda value: drill.filter_by("team", value),
    "region": lambda value: drill.filter_by("region", value),
    "customer_class": lambda value: drill.filter_by("class", value),
}


def group_name(group_by: str) -> str:
    """The word for a grouping in the picker."""
    if group_by in ("market_type", "retail_format"):
        return tr(f"pareto.group_{group_by}")
    return tr(f"common.{group_by}")


def draw(filters: Filters, metric: str) -> None:
    """The grouping picker, the ratios by group and the figures as a table."""
    names = {g: group_name(g) for g in pareto.GROUPS}
    group_by = st.selectbox(
        tr("pareto.group_by"), pareto.GROUPS, key="pareto-group-by", format_func=names.get
    )
    frame = cached(pareto.concentration_by_group, filters, group_by, metric)
    if frame.empty:
        empty_state()
        return
    labels = group_labels(group_by, frame["group"], frame["group_name"]).tolist()
    fig = go.Figure()
    fig.add_bar(
        x=labels,
        y=frame["top20_share"] * 100,
        name=tr("pareto.kpi_top20_share"),
        hovertemplate="%{x}: %{y:.1f}%<extra></extra>",
    )
    fig.add_bar(
        x=labels,
        y=frame["pct_customers_for_80"] * 100,
        name=tr("pareto.kpi_pct_for_80"),
        hovertemplate="%{x}: %{y:.1f}%<extra></extra>",
    )
    fig.add_bar(
        x=labels,
        y=frame["gini"] * 100,
        name=tr("pareto.kpi_gini") + " ×100",
        hovertemplate="%{x}: %{y:.1f}<extra></extra>",
    )
    charts.layout(
        fig,
        title=tr("pareto.groups_chart"),
        x_title=tr("pareto.col_group"),
        y_title=tr("pareto.axis_ratio"),
        legend=LEGEND,
        barmode="group",
    )
    clicked = drill.chart(drill.with_ids(fig, [frame["group"]] * 3), "pareto-groups-chart")
    if group_by in CLICK_OPENS:
        CLICK_OPENS[group_by](clicked)
        drill.click_hint("drill.click_manager" if group_by == "manager" else "drill.click_filter_group")
    table = pd.DataFrame(
        {
            tr("pareto.col_group"): labels,
            tr("pareto.kpi_buyers"): frame["buyers"],
            tr("pareto.col_total_value"): frame["total_value"],
            tr("pareto.kpi_top20_share"): frame["top20_share"],
            tr("pareto.kpi_pct_for_80"): frame["pct_customers_for_80"],
            tr("pareto.kpi_gini"): frame["gini"].round(3),
            tr("pareto.col_a"): frame["a_count"],
            tr("pareto.col_b"): frame["b_count"],
            tr("pareto.col_c"): frame["c_count"],
            tr("pareto.kpi_non_buyers"): frame["non_buyers"],
        }
    )
    show_table(
        table,
        "concentration-by-group",
        "pareto-groups",
        filters,
        column_config=column_formats(
            tr("pareto.kpi_top20_share"), tr("pareto.kpi_pct_for_80"), values=(tr("pareto.col_total_value"),)
        ),
    )
