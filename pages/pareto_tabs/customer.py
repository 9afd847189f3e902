"""One customer opened from the ranking: profile, monthly value coloured by ABC class, the ABC
history, and its orders and visits in the period."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import customer
from analytics.domain import ABC_CLASSES
from analytics.filters import Filters
from pages.pareto_tabs.common import ABC_COLORS, LEGEND, abc_label, abc_labels, column_formats, value_axis
from ui import charts, format
from ui.common import cached, show_table, tr


def draw(filters: Filters, metric: str, customer_id: str) -> None:
    """The detail of `customer_id` (nothing when it is unknown)."""
    profile = cached(customer.customer_profile, customer_id)
    if profile.empty:
        return
    row = profile.iloc[0]
    st.subheader(tr("pareto.detail_title", name=row["customer_name"] or customer_id))
    st.caption(
        tr(
            "pareto.detail_profile",
            manager=format.name_with_id(row["manager_name"], row["manager_id"]),
            team=row["team"] or format.MISSING,
            region=row["region"] or format.MISSING,
            cls=format.label("class", row["customer_class"]),
            status=format.label("status", row["status"] or "active"),
        )
    )
    history = cached(customer.customer_history, filters, customer_id, metric)
    draw_history(filters, metric, history)
    left, right = st.columns(2)
    with left:
        draw_orders(filters, customer_id)
    with right:
        draw_visits(filters, customer_id)


def draw_history(filters: Filters, metric: str, history: pd.DataFrame) -> None:
    """Monthly value in the colour of the month's ABC class, and the same months as a table."""
    st.markdown(f"**{tr('pareto.detail_monthly')}**")
    fig = go.Figure()
    for code in ABC_CLASSES:
        part = history[history["abc"] == code]
        if not part.empty:
            fig.add_bar(
                x=part["month"],
                y=part["value"],
                name=abc_label(code),
                marker_color=ABC_COLORS[code],
                hovertemplate="%{x|%Y-%m}: %{y:,.0f}<extra>" + abc_label(code) + "</extra>",
            )
    charts.layout(fig, 320, x_title=tr("common.month"), y_title=value_axis(metric), legend=LEGEND)
    fig.update_xaxes(dtick="M1", tickformat="%Y-%m")
    st.plotly_chart(fig, width="stretch", key="pareto-detail-chart")
    table = pd.DataFrame(
        {
            tr("common.month"): history["month"].dt.strftime("%Y-%m"),
            tr("pareto.col_value"): history["value"],
            tr("pareto.col_rank"): history["rank"],
            tr("pareto.col_buyers_month"): history["buyers"],
            tr("pareto.col_abc"): abc_labels(history["abc"]),
        }
    )
    st.markdown(f"**{tr('pareto.detail_abc_history')}**")
    show_table(
        table,
        "abc-history",
        "pareto-detail-abc",
        filters,
        column_config=column_formats(values=(tr("pareto.col_value"),)),
    )


def draw_orders(filters: Filters, customer_id: str) -> None:
    """The customer's order lines in the period."""
    orders = cached(customer.customer_orders, filters, customer_id)
    columns = {
        "order_date": tr("common.date"),
        "order_id": tr("pareto.col_order_id"),
        "product": tr("pareto.col_product"),
        "quantity": tr("pareto.col_quantity"),
        "amount": tr("pareto.col_amount"),
        "cost": tr("pareto.col_cost"),
    }
    _draw_lines(filters, "pareto.detail_orders", orders, columns, "customer-orders")


def draw_visits(filters: Filters, customer_id: str) -> None:
    """The customer's visits in the period."""
    visits = cached(customer.customer_visits, filters, customer_id)
    visits = visits.assign(method=format.labels(visits["method"], "method"))
    columns = {
        "visit_date": tr("pareto.col_visit_date"),
        "manager_id": tr("common.manager_id"),
        "method": tr("pareto.col_method"),
        "duration_min": tr("pareto.col_duration"),
        "notes": tr("pareto.col_notes"),
    }
    _draw_lines(filters, "pareto.detail_visits", visits, columns, "customer-visits")


def _draw_lines(filters: Filters, title_key: str, frame: pd.DataFrame, columns: dict, name: str) -> None:
    st.markdown(f"**{tr(title_key)}**")
    if frame.empty:
        st.caption(tr("pareto.detail_none"))
        return
    key = "pareto-detail-" + name.removeprefix("customer-")
    show_table(frame.rename(columns=columns), name, key, filters)
