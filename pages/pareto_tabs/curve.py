"""Above the tabs: the value metric, the KPI tiles and the Pareto chart (value by rank with the
cumulative share), which the products tab draws too."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from analytics import pareto
from analytics.settings import Abc
from pages.pareto_tabs.common import LEGEND
from ui import charts, format
from ui.common import cached, tr

MAX_BARS = 1000  # bars drawn (every k-th rank above this)
MAX_LINE_POINTS = 1000  # points of the cumulative line (exact at the 20 % rank and the 80 % line)


def choose_metric() -> str:
    """The value metric (profit only when the orders carry a cost)."""
    metrics = cached(pareto.available_metrics)
    if st.session_state.get("pareto-metric") not in metrics:
        st.session_state.pop("pareto-metric", None)
    labels = {m: tr(f"pareto.metric_{m}") for m in metrics}
    metric = st.radio(
        tr("pareto.metric"), metrics, horizontal=True, key="pareto-metric", format_func=labels.get
    )
    if "profit" not in metrics:
        st.caption(tr("pareto.profit_unavailable"))
    return metric


def draw_tiles(summary: pareto.ParetoSummary, abc: Abc) -> None:
    """The concentration KPIs of the period, two rows of three."""
    tiles = [
        ("kpi_buyers", format.number(summary.buyers), {}),
        ("kpi_top20_share", format.percent(summary.top20_share), {}),
        ("kpi_pct_for_80", format.percent(summary.pct_customers_for_80), {}),
        ("kpi_gini", format.number(summary.gini, 2), {}),
        (
            "kpi_abc",
            " / ".join(format.number(n) for n in (summary.a_count, summary.b_count, summary.c_count)),
            {"a": format.percent(abc.a_share), "b": format.percent(abc.b_share)},
        ),
        ("kpi_non_buyers", format.number(summary.non_buyers), {}),
    ]
    columns = [*st.columns(3), *st.columns(3)]
    for column, (key, value, help_values) in zip(columns, tiles, strict=True):
        help_key = "pareto.kpi_help_" + key.removeprefix("kpi_")
        column.metric(tr(f"pareto.{key}"), value, help=tr(help_key, **help_values), border=True)


def pareto_figure(
    values: pd.DataFrame,
    label_column: str,
    x_title: str,
    y_title: str,
    title: str | None = None,
    id_column: str | None = None,
) -> go.Figure:
    """Bars of value by rank (sampled above MAX_BARS), the cumulative line (sampled above
    MAX_LINE_POINTS, exact where it crosses 80%), the 80% line and the rank where 20% of the
    entities is reached. With `id_column` each bar carries its id first in customdata (for a click)."""
    bars = pareto.chart_points(values, MAX_BARS)
    line = pareto.curve_points(values, MAX_LINE_POINTS)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_bar(
        x=bars["rank"],
        y=bars["value"],
        name=tr("pareto.legend_value"),
        customdata=bars[[id_column, label_column] if id_column else [label_column]],
        marker_color="#4C78A8",
        hovertemplate="%{x}. %{customdata[" + ("1" if id_column else "0") + "]}<br>%{y:,.0f}<extra></extra>",
    )
    fig.add_scatter(
        x=line["rank"],
        y=line["cum_share"] * 100,
        name=tr("pareto.legend_cum_share"),
        mode="lines",
        line={"color": "#E45756", "width": 2},
        hovertemplate="%{x}: %{y:.1f}%<extra></extra>",
        secondary_y=True,
    )
    fig.add_hline(
        y=80,
        line_dash="dash",
        line_color="#E45756",
        secondary_y=True,
    )
    # The label on its line, at the left end (add_hline's own label drifts off a secondary axis).
    fig.add_annotation(
        x=0,
        xref="paper",
        y=80,
        yref="y2",
        text=tr("pareto.line_80"),
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        font={"color": "#E45756"},
    )
    top20 = -(-len(values) // 5)
    fig.add_vline(
        x=top20,
        line_dash="dot",
        line_color="#54A24B",
        annotation_text=tr("pareto.marker_20", count=top20),
        annotation_position="top right",
    )
    charts.layout(fig, 420, title=title, x_title=x_title, legend=LEGEND)
    fig.update_yaxes(title_text=y_title, secondary_y=False)
    fig.update_yaxes(
        title_text=tr("pareto.axis_cum_share"),
        range=[0, 105],
        tickmode="linear",
        tick0=0,
        dtick=20,
        ticksuffix="%",
        showgrid=False,
        secondary_y=True,
    )
    if len(bars) < len(values):
        st.caption(tr("pareto.bars_sampled", step=-(-len(values) // MAX_BARS), count=len(values)))
    return fig
