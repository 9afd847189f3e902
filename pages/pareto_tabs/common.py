"""What the 80/20 tabs share: labels of ABC classes and groups, the legend row and the value
axis."""

from __future__ import annotations

import pandas as pd

from analytics.domain import ABC_CLASSES
from ui import format
from ui.common import tr

ABC_COLORS = {"A": "#1f77b4", "B": "#ff7f0e", "C": "#7f7f7f", "none": "#d62728"}
# A legend in one row at the top right, clear of the title at the top left.
LEGEND = {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 1, "xanchor": "right"}
# The groups whose codes are labelled like the sidebar's enums.
_GROUP_KINDS = {"market_type": "market", "retail_format": "format", "customer_class": "class"}


def value_axis(metric: str) -> str:
    """Axis title of the value metric, with its unit."""
    return tr(f"pareto.axis_value_{metric}")


def abc_label(code: str) -> str:
    """An ABC class as shown: A, B, C, or the words for 'bought nothing'."""
    return tr("pareto.abc_none") if code == "none" else code


def abc_labels(codes: pd.Series) -> pd.Series:
    """Labels of a column of ABC classes."""
    return codes.map({code: abc_label(code) for code in ABC_CLASSES})


def group_labels(group_by: str, codes: pd.Series, names: pd.Series) -> pd.Series:
    """Labels of the groups of a concentration or class-share table: enum labels, "name (id)"
    for managers, the code for the rest; a missing code is the unknown group."""
    if group_by in _GROUP_KINDS:
        labels = format.labels(codes, _GROUP_KINDS[group_by])
    elif group_by == "manager":
        labels = pd.Series(
            [format.name_with_id(name, code) for code, name in zip(codes, names, strict=True)],
            index=codes.index,
            dtype=object,
        )
    else:
        labels = codes.astype(str)
    return labels.where(codes.notna(), tr("pareto.group_unknown"))
