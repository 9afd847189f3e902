"""The customers tab: every buyer ranked by value; a selected row opens the Customer page."""

from __future__ import annotations

import pandas as pd

from analytics.filters import Filters
from ui import drill
from ui.common import empty_state, tr
from ui.tables import column_formats, common_columns


def customer_table(values: pd.DataFrame) -> pd.DataFrame:
    """The ranking as shown, columns in the page's language."""
    return pd.DataFrame(
        {
            tr("pareto.col_rank"): values["rank"],
            **common_columns(values, "customer_id", "customer_name", "manager", "customer_class"),
            tr("pareto.col_value"): values["value"],
            tr("pareto.col_share"): values["share"],
            tr("pareto.col_cum_share"): values["cum_share"],
            tr("pareto.col_abc"): values["abc"],
        }
    )


def draw(filters: Filters, metric: str, values: pd.DataFrame) -> None:
    """The ranking table (`values`: pareto.customer_values); a selected row opens its customer."""
    if values.empty:
        empty_state()
        return
    drill.row_table(
        customer_table(values),
        "customer-value",
        "pareto-customers",
        filters,
        column_config=column_formats(
            tr("pareto.col_share"), tr("pareto.col_cum_share"), values=(tr("pareto.col_value"),)
        ),
    )
