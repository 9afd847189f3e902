"""Plotly figures laid out one way on every page: margins, height, axis titles, legend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui import format

# The same room around every chart: titles need the top margin, nothing else does.
MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}
TITLED_MARGIN = {**MARGIN, "t": 40}


def layout(
    fig: go.Figure,
    height: int = 380,
    *,
    title: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    legend_title: str | None = None,
    top: int | None = None,
    **more: Any,
) -> go.Figure:
    """Lay out `fig` the house way and return it (axis titles only where given)."""
    margin = dict(TITLED_MARGIN if title else MARGIN)
    if top is not None:
        margin["t"] = top
    options: dict[str, Any] = {"height": height, "margin": margin, **more}
    if title is not None:
        options["title"] = title
    if legend_title is not None:
        options["legend_title_text"] = legend_title
    fig.update_layout(**options)
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    compact_axes(fig)
    return fig


COMPACT_FROM = 1_000  # axes reaching this far are labelled in 万/亿 (Chinese) or K/M (English)
HOVER_FORMAT = ",.1~f"  # hover values: separators, at most one decimal (88.8, 735,068.3)


def _numbers(values: Any) -> np.ndarray | None:
    if values is None:
        return None
    array = np.asarray(values)
    if array.dtype == object:
        array = pd.to_numeric(pd.Series(array.ravel()), errors="coerce").to_numpy()
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.datetime64):
        return None
    return array.astype("float64").ravel()


def _axis_extent(fig: go.Figure, letter: str, ref: str) -> tuple[float, float] | None:
    """Smallest and largest value drawn on the axis `ref` ("y", "y2", "x"); stacked bars summed."""
    stacked = fig.layout.barmode in ("stack", "relative")
    lows, highs, stacks = [], [], []
    for trace in fig.data:
        if trace.type not in ("bar", "scatter", "scattergl"):
            continue
        if (getattr(trace, f"{letter}axis", None) or letter) != ref:
            continue
        horizontal = trace.type == "bar" and trace.orientation == "h"
        if trace.type == "bar" and horizontal != (letter == "x"):
            continue
        values = _numbers(getattr(trace, letter, None))
        if values is None or not np.isfinite(values).any():
            return None  # not a number axis
        if trace.type == "bar" and stacked:
            places = getattr(trace, "y" if letter == "x" else "x")
            if places is None:
                return None
            stacks.append(pd.Series(values, index=list(places)).groupby(level=0).sum())
        lows.append(float(np.nanmin(values)))
        highs.append(float(np.nanmax(values)))
    if stacks:
        frame = pd.concat(stacks, axis=1)
        lows.append(float(frame.clip(upper=0).sum(axis=1).min()))
        highs.append(float(frame.clip(lower=0).sum(axis=1).max()))
    return (min(lows), max(highs)) if lows else None


def compact_axes(fig: go.Figure) -> None:
    """Number axes in the page's units: ticks 100万 / 1亿 in Chinese and 1M / 250K in English
    (Plotly would print 1M and 250k in both), hover values with separators and one decimal."""
    for name in list(fig.layout):
        if not (name.startswith("xaxis") or name.startswith("yaxis")):
            continue
        axis = fig.layout[name]
        if axis.type in ("date", "category", "log") or axis.tickvals is not None or axis.tickformat:
            continue
        ref = name[0] + name[5:]
        extent = _axis_extent(fig, name[0], ref)
        if extent is None:
            continue
        axis.hoverformat = axis.hoverformat or HOVER_FORMAT
        low, high = extent
        if axis.overlaying:  # a second axis: round ticks of its own (not synced to the first), no grid
            axis.showgrid = False
            axis.tickmode = "auto"
        if max(abs(low), abs(high)) < COMPACT_FROM:
            continue
        ticks, texts = format.axis_ticks(low, high)
        if ticks:
            axis.tickmode = "array"
            axis.tickvals = ticks
            axis.ticktext = texts


def band_figure(x: Any, low: Any, high: Any, name: str, opacity: float) -> go.Figure:
    """A figure with a blue band (of `opacity`) from `low` to `high` over `x`, named `name` in
    the legend: the spread around the line the caller adds."""
    fig = go.Figure()
    fig.add_scatter(x=x, y=high, mode="lines", line={"width": 0}, showlegend=False)
    band = {"fill": "tonexty", "fillcolor": f"rgba(21, 101, 192, {opacity})"}
    fig.add_scatter(x=x, y=low, mode="lines", line={"width": 0}, name=name, **band)
    return fig


def rows_height(rows: int, per_row: int = 28, extra: int = 120, minimum: int = 260) -> int:
    """Height of a chart with one bar or row per item."""
    return max(minimum, per_row * rows + extra)


def nice_axis(top: float, ticks: int = 5) -> dict[str, Any]:
    """A linear axis from 0 to a round number at or above `top`, with `ticks` round steps
    (1, 2, 2.5 or 5 times a power of ten): ticks a person reads, e.g. 0/200/400/600/800/1,000
    rather than plotly's 62/494/925 on an overlaid axis."""
    import math

    if not top or top <= 0 or top != top:
        return {"range": [0, 1], "tickmode": "linear", "tick0": 0, "dtick": 0.2}
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return {"range": [0, step * math.ceil(top / step)], "tickmode": "linear", "tick0": 0, "dtick": step}


def bars_by_group(
    frame: pd.DataFrame,
    group: str,
    x: str,
    y: str,
    *,
    name: Callable[[Any, pd.DataFrame], str],
    ids: Callable[[Any, pd.DataFrame], Any],
    value_format: str,
    x_hover: str = "%{x}",
    grey_missing: bool = False,
) -> go.Figure:
    """One bar trace per value of `group` in the frame's order, a missing value being one group
    too (e.g. the teams folded together): named by `name(value, rows)`, carrying `ids(value,
    rows)` as customdata (a click's id), its hover "name, x: y" (x as `x_hover`, y as
    `value_format`)."""
    fig = go.Figure()
    for value, rows in frame.groupby(group, sort=False, dropna=False):
        label = name(value, rows)
        fig.add_bar(
            x=rows[x],
            y=rows[y],
            name=label,
            customdata=ids(value, rows),
            marker_color="#b0b0b0" if grey_missing and pd.isna(value) else None,
            hovertemplate=f"{label}<br>{x_hover}: %{{y:{value_format}}}<extra></extra>",
        )
    return fig
