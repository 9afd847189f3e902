"""The customers tab: every buyer ranked by value; a selected row (or the picker) opens the
customer below the table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.filters import Filters
from pages.pareto_tabs import customer
from pages.pareto_tabs.common import column_formats, manager_column
from ui import format
from ui.common import empty_state, tr
from ui.tables import show_table

MAX_DETAIL_OPTIONS = 500  # the picker offers the rows the table shows; the search finds the others


def customer_table(values: pd.DataFrame) -> pd.DataFrame:
    """The ranking as shown, columns in the page's language."""
    return pd.DataFrame(
        {
            tr("pareto.col_rank"): values["rank"],
            tr("common.customer_id"): values["customer_id"],
            tr("common.customer_name"): values["customer_name"],
            tr("common.manager"): manager_column(values),
            tr("common.customer_class"): format.labels(values["customer_class"], "class"),
            tr("pareto.col_value"): values["value"],
            tr("pareto.col_share"): values["share"],
            tr("pareto.col_cum_share"): values["cum_share"],
            tr("pareto.col_abc"): values["abc"],
        }
    )


def draw(filters: Filters, metric: str, values: pd.DataFrame) -> None:
    """The ranking table and the customer picker (`values`: pareto.customer_values)."""
    if values.empty:
        empty_state()
        return
    selected = show_table(
        customer_table(values),
        "customer-value",
        "pareto-customers",
        filters,
        selectable=True,
        column_config=column_formats(
            tr("pareto.col_share"), tr("pareto.col_cum_share"), values=(tr("pareto.col_value"),)
        ),
    )
    names = dict(zip(values["customer_id"], values["customer_name"], strict=True))
    # A newly selected row opens its customer; the picker's choice stands until the selection changes.
    selected_id = None if selected is None else selected[tr("common.customer_id")]
    if selected_id != st.session_state.get("pareto-detail-row"):
        st.session_state["pareto-detail-row"] = selected_id
        if selected_id is not None:
            st.session_state["pareto-detail"] = selected_id
    options = list(values["customer_id"].head(MAX_DETAIL_OPTIONS))
    chosen = st.session_state.get("pareto-detail")
    if chosen is not None and chosen not in options:
        if chosen in names:
            options.append(chosen)
        else:
            st.session_state["pareto-detail"] = None
    customer_id = st.selectbox(
        tr("pareto.detail_select"),
        options,
        index=None,
        key="pareto-detail",
        format_func=lambda c: format.name_with_id(names.get(c), c),
        placeholder=tr("pareto.detail_placeholder"),
    )
    if customer_id:
        customer.draw(filters, metric, customer_id)
