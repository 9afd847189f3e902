"""The big-customers tab: customers whose monthly average purchase of the previous calendar year
is above the threshold."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import pareto
from analytics.filters import Filters
from pages.pareto_tabs.common import column_formats, manager_column
from ui import drill, format
from ui.common import cached, settings, tr
from ui.tables import show_table


def draw(filters: Filters) -> None:
    """The threshold (in the settings' unit), the count and the big customers."""
    big = pareto.big_customer_settings(settings())
    unit = tr("pareto.unit_sticks") if big.unit == "sticks" else tr("common.unit_cartons")
    threshold = st.number_input(
        tr("pareto.big_threshold", unit=unit),
        min_value=0.0,
        value=float(big.threshold),
        step=1000.0 if big.unit == "sticks" else 10.0,
        key="pareto-big-threshold",
    )
    year = pareto.big_customer_year(filters)
    st.caption(tr("pareto.big_caption", year=year, sticks=int(big.sticks_per_carton)))
    frame = cached(pareto.big_customers, filters, float(threshold))
    st.metric(tr("pareto.big_count"), format.number(len(frame)), border=True, width="content")
    if frame.empty:
        st.info(tr("pareto.no_big_customers"), icon=":material/info:")
        return
    average = tr("pareto.col_monthly_average", unit=unit)
    table = pd.DataFrame(
        {
            tr("common.customer_id"): frame["customer_id"],
            tr("common.customer_name"): frame["customer_name"],
            tr("common.manager"): manager_column(frame),
            tr("common.customer_class"): format.labels(frame["customer_class"], "class"),
            tr("pareto.col_year_cartons"): frame["year_cartons"],
            average: frame["monthly_average"],
            tr("pareto.col_months_with_orders"): frame["months_with_orders"],
        }
    )
    row = show_table(
        table,
        "big-customers",
        "pareto-big",
        filters,
        selectable=True,
        column_config=column_formats(values=(tr("pareto.col_year_cartons"), average)),
    )
    drill.open_row(row, tr("common.customer_id"))
