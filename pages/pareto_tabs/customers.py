"""The customers tab: every buyer ranked by value; a selected row opens the Customer page."""

from __future__ import annotations

import pandas as pd

from analytics.filters import Filters
from pages.pareto_tabs.common import column_formats, manager_column
from ui import drill, format
from ui.common import empty_state, tr
from ui.tables import show_table


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
    """The ranking table (`values`: pareto.customer_values); a selected row opens its customer."""
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
    drill.open_row(selected, tr("common.customer_id"))
