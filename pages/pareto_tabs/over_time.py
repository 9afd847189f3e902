"""The over-time tab: top-20% share and Gini of each calendar month."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from plotly.subplots import make_subplots

from analytics import pareto
from analytics.filters import Filters
from pages.pareto_tabs.common import LEGEND
from ui import charts
from ui.common import cached, empty_state, tr
from ui.tables import column_formats, show_table


def draw(filters: Filters, metric: str) -> None:
    """The months' concentration as two lines and as a table."""
    frame = cached(pareto.monthly_concentration, filters, metric)
    if not frame["buyers"].any():
        empty_state()
        return
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_scatter(
        x=frame["month"],
        y=frame["top20_share"] * 100,
        name=tr("pareto.kpi_top20_share"),
        mode="lines+markers",
        hovertemplate="%{x|%Y-%m}: %{y:.1f}%<extra></extra>",
    )
    fig.add_scatter(
        x=frame["month"],
        y=frame["gini"],
        name=tr("pareto.kpi_gini"),
        mode="lines+markers",
        hovertemplate="%{x|%Y-%m}: %{y:.3f}<extra></extra>",
        secondary_y=True,
    )
    charts.layout(fig, title=tr("pareto.time_chart"), x_title=tr("common.month"), legend=LEGEND)
    fig.update_xaxes(dtick="M1", tickformat="%Y-%m")
    fig.update_yaxes(title_text=tr("pareto.axis_top20_share"), range=[0, 100], secondary_y=False)
    fig.update_yaxes(title_text=tr("pareto.axis_gini"), range=[0, 1], secondary_y=True)
    st.plotly_chart(fig, width="stretch", key="pareto-time-chart")
    table = pd.DataFrame(
        {
            tr("common.month"): frame["month"].dt.strftime("%Y-%m"),
            tr("pareto.kpi_buyers"): frame["buyers"],
            tr("pareto.col_total_value"): frame["total_value"],
            tr("pareto.kpi_top20_share"): frame["top20_share"],
            tr("pareto.kpi_pct_for_80"): frame["pct_customers_for_80"],
            tr("pareto.kpi_gini"): frame["gini"].round(3),
        }
    )
    show_table(
        table,
        "monthly-concentration",
        "pareto-time",
        filters,
        column_config=column_formats(
            tr("pareto.kpi_top20_share"), tr("pareto.kpi_pct_for_80"), values=(tr("pareto.col_total_value"),)
        ),
    )
