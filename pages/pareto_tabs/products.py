"""The products tab: the 80/20 view over products (brands)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import pareto
from analytics.filters import Filters
from pages.pareto_tabs.common import value_axis
from pages.pareto_tabs.curve import pareto_figure
from ui import format
from ui.common import cached, empty_state, tr
from ui.tables import column_formats, show_table


def draw(filters: Filters, metric: str) -> None:
    """The products' concentration tiles, their Pareto chart and their ranking."""
    summary = cached(pareto.product_summary, filters, metric)
    if summary.buyers == 0:
        empty_state()
        return
    tiles = [
        ("kpi_products", format.number(summary.buyers), "kpi_help_products"),
        ("kpi_products_top20", format.percent(summary.top20_share), "kpi_help_top20_share"),
        ("kpi_products_for_80", format.percent(summary.pct_customers_for_80), "kpi_help_pct_for_80"),
        ("kpi_gini", format.number(summary.gini, 2), "kpi_help_gini"),
    ]
    for column, (key, value, help_key) in zip(st.columns(len(tiles)), tiles, strict=True):
        column.metric(tr(f"pareto.{key}"), value, help=tr(f"pareto.{help_key}"), border=True)
    values = cached(pareto.product_values, filters, metric)
    values = values.assign(product=values["product"].fillna(tr("pareto.product_unknown")))
    fig = pareto_figure(
        values,
        "product",
        tr("pareto.axis_product_rank"),
        value_axis(metric),
        title=tr("pareto.products_chart"),
    )
    st.plotly_chart(fig, width="stretch", key="pareto-products-chart")
    table = pd.DataFrame(
        {
            tr("pareto.col_rank"): values["rank"],
            tr("pareto.col_product"): values["product"],
            tr("pareto.col_value"): values["value"],
            tr("pareto.col_share"): values["share"],
            tr("pareto.col_cum_share"): values["cum_share"],
            tr("pareto.col_abc"): values["abc"],
            tr("pareto.col_customers"): values["customers"],
        }
    )
    show_table(
        table,
        "product-value",
        "pareto-products",
        filters,
        column_config=column_formats(
            tr("pareto.col_share"), tr("pareto.col_cum_share"), values=(tr("pareto.col_value"),)
        ),
    )
