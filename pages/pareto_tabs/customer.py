"""The parts of the Customer page (pages/customer.py) about the customer's value: the profile line,
monthly value coloured by ABC class, the ABC history, its orders and visits in the period, the
products its peers buy (product-mix suggestions) and, where stock checks exist, how much to order
(inventory guidance). The 80/20 ranking opens that page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import customer, inventory, optional_tables, suggestions
from analytics.domain import ABC_CLASSES
from analytics.filters import Filters
from pages.pareto_tabs.common import ABC_COLORS, LEGEND, abc_label, abc_labels, value_axis
from ui import charts, format
from ui.common import cached, tr
from ui.tables import column_formats, show_table


def profile_line(row: pd.Series) -> str:
    """The customer's profile in one line: manager, team, region, class, status."""
    return tr(
        "pareto.detail_profile",
        manager=format.name_with_id(row["manager_name"], row["manager_id"]),
        team=row["team"] or format.MISSING,
        region=row["region"] or format.MISSING,
        cls=format.label("class", row["customer_class"]),
        status=format.label("status", row["status"] or "active"),
    )


def draw_value(filters: Filters, metric: str, customer_id: str) -> None:
    """Monthly value and ABC history of `customer_id` (the profile was checked in scope)."""
    history = cached(customer.customer_history, filters, customer_id, metric)
    draw_history(filters, metric, history)


def draw_lines(filters: Filters, customer_id: str) -> None:
    """Orders and visits side by side (stacked on a phone)."""
    left, right = st.columns(2)
    with left:
        draw_orders(filters, customer_id)
    with right:
        draw_visits(filters, customer_id)


def draw_guidance(filters: Filters, customer_id: str) -> None:
    """Product-mix suggestions and inventory guidance side by side."""
    left, right = st.columns(2)
    with left:
        draw_suggestions(filters, customer_id)
    with right:
        draw_inventory(filters, customer_id)


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
    st.plotly_chart(fig, width="stretch", key="customer-value-chart")
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
        "customer-abc",
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


def draw_suggestions(filters: Filters, customer_id: str) -> None:
    """The products peers of the same tier band and format buy that this customer has not ordered
    lately, with the share of peers who buy each (the profile above checked the scope)."""
    st.markdown(f"**{tr('pareto.detail_suggestions')}**")
    st.caption(tr("pareto.detail_suggestions_help"))
    found = cached(suggestions.suggest, customer_id, filters.end)
    if found.empty:
        st.caption(tr("pareto.detail_suggestions_none"))
        return
    table = pd.DataFrame(
        {
            tr("standard.col_product"): found["product"],
            tr("standard.col_peer_share"): found["peer_share"].map(format.percent),
            tr("pareto.col_peers_buying"): found["peers_buying"].map(format.number),
        }
    )
    show_table(table, "product-suggestions", "customer-suggestions", filters)


def draw_inventory(filters: Filters, customer_id: str) -> None:
    """Per product between the last two stock checks: sales, reasonable stock, suggested order."""
    st.markdown(f"**{tr('pareto.detail_inventory')}**")
    if "stock_checks" not in cached(optional_tables.present):
        st.caption(tr("standard.inventory_import_first"))
        return
    guidance = cached(inventory.customer_guidance, customer_id, filters.end)
    if guidance.empty:
        st.caption(tr("pareto.detail_inventory_none"))
        return
    table = guidance.assign(
        **{c: pd.to_datetime(guidance[c]).dt.date for c in ("previous_check", "check_date")}
    ).rename(columns={c: tr(f"standard.col_{c}") for c in guidance.columns})
    show_table(table, "inventory-guidance", "customer-inventory", filters)


def _draw_lines(filters: Filters, title_key: str, frame: pd.DataFrame, columns: dict, name: str) -> None:
    st.markdown(f"**{tr(title_key)}**")
    if frame.empty:
        st.caption(tr("pareto.detail_none"))
        return
    show_table(frame.rename(columns=columns), name, name, filters)
