"""Plotly figures laid out one way on every page: margins, height, axis titles, legend."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

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
