"""The big-customers tab: customers whose monthly average purchase of the previous calendar year
is above the threshold."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import pareto
from analytics.filters import Filters
from ui import drill, format
from ui.common import cached, settings, tr
from ui.tables import column_formats, common_columns


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
            **common_columns(frame, "customer_id", "customer_name", "manager", "customer_class"),
            tr("pareto.col_year_cartons"): frame["year_cartons"],
            average: frame["monthly_average"],
            tr("pareto.col_months_with_orders"): frame["months_with_orders"],
        }
    )
    drill.row_table(
        table,
        "big-customers",
        "pareto-big",
        filters,
        column_config=column_formats(values=(tr("pareto.col_year_cartons"), average)),
    )
