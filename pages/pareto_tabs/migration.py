"""The ABC migration tab: how customers moved between the ABC classes from the previous period
to this one, and the customers of a chosen cell."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import pareto
from analytics.domain import ABC_CLASSES
from analytics.filters import Filters
from pages.pareto_tabs.common import abc_label, abc_labels
from ui import charts, drill, format
from ui.common import cached, tr
from ui.tables import column_formats, common_columns


def draw(filters: Filters, metric: str) -> None:
    """The two periods, the value lost from A, the matrix as a heatmap and one cell's customers."""
    if filters.start and filters.end:
        previous = filters.previous_period()
        st.caption(
            tr(
                "pareto.migration_caption",
                prev_start=previous.start,
                prev_end=previous.end,
                start=filters.start,
                end=filters.end,
            )
        )
    overview = cached(pareto.migration_overview, filters, metric)
    if overview.cells.empty:
        st.info(tr("pareto.no_migration"), icon=":material/info:")
        return
    left, right = st.columns(2)
    left.metric(
        tr("pareto.lost_from_a"),
        format.number(overview.lost_value),
        help=tr("pareto.help_lost_from_a"),
        border=True,
    )
    right.metric(tr("pareto.fell_from_a"), format.number(overview.fell_from_a), border=True)
    draw_matrix(overview.counts)
    cell = choose_cell(overview.cells)
    if cell is not None:
        draw_cell(filters, metric, cell)


def draw_matrix(counts: pd.DataFrame) -> None:
    """Customers by previous (rows) and current (columns) ABC class."""
    labels = [abc_label(c) for c in ABC_CLASSES]
    fig = go.Figure(
        go.Heatmap(
            z=counts.values,
            x=labels,
            y=labels,
            text=counts.values,
            texttemplate="%{text}",
            colorscale="Blues",
            hovertemplate="%{y} → %{x}: %{z}<extra></extra>",
            showscale=False,
            customdata=[[f"{p}|{c}" for c in ABC_CLASSES] for p in ABC_CLASSES],
        )
    )
    charts.layout(
        fig,
        360,
        title=tr("pareto.migration_chart"),
        x_title=tr("pareto.axis_current_abc"),
        y_title=tr("pareto.axis_previous_abc"),
    )
    fig.update_xaxes(side="bottom")
    fig.update_yaxes(autorange="reversed")
    clicked = drill.chart(fig, "pareto-migration-chart")
    if clicked:  # the cell clicked opens its customers below
        previous, current = str(clicked).split("|")
        st.session_state["pareto-migration-cell"] = (previous, current)
    drill.click_hint("drill.click_cell")


def choose_cell(cells: pd.DataFrame) -> tuple[str, str] | None:
    """The picker of a non-empty cell of the matrix."""
    labels = {
        (row.previous_abc, row.current_abc): tr(
            "pareto.cell_label",
            previous=abc_label(row.previous_abc),
            current=abc_label(row.current_abc),
            customers=int(row.customers),
        )
        for row in cells.itertuples(index=False)
    }
    if st.session_state.get("pareto-migration-cell") not in labels:
        st.session_state.pop("pareto-migration-cell", None)
    default = {} if "pareto-migration-cell" in st.session_state else {"index": None}
    return st.selectbox(
        tr("pareto.cell_select"),
        list(labels),
        **default,
        key="pareto-migration-cell",
        format_func=labels.get,
        placeholder=tr("pareto.detail_placeholder"),
    )


def draw_cell(filters: Filters, metric: str, cell: tuple[str, str]) -> None:
    """The customers who moved from one class to the other."""
    moves = cached(pareto.cell_transitions, filters, cell[0], cell[1], metric)
    table = pd.DataFrame(
        {
            **common_columns(moves, "customer_id", "customer_name", "manager", "customer_class"),
            tr("pareto.col_previous_abc"): abc_labels(moves["previous_abc"]),
            tr("pareto.col_current_abc"): abc_labels(moves["current_abc"]),
            tr("pareto.col_previous_value"): moves["previous_value"],
            tr("pareto.col_value"): moves["value"],
            tr("pareto.col_change"): moves["change"],
        }
    )
    drill.row_table(
        table,
        "abc-migration",
        "pareto-migration",
        filters,
        column_config=column_formats(
            values=(tr("pareto.col_previous_value"), tr("pareto.col_value"), tr("pareto.col_change"))
        ),
    )
