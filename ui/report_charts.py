"""The meeting report's charts as PNG images, drawn with matplotlib (no browser needed on the
server, unlike Plotly's image export), in the report's language and number format."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, never a window

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager
from matplotlib.ticker import FuncFormatter, PercentFormatter

from analytics.i18n import t
from ui import format as fmt

# Fonts with Chinese glyphs, best first (Debian's fonts-noto-cjk; see `make browser`).
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
BLUE, GREY, RED = "#1f6feb", "#8b949e", "#cf222e"
DPI = 200


def cjk_font() -> Path | None:
    """The first CJK font found on this machine, or None."""
    return next((Path(p) for p in CJK_FONTS if Path(p).is_file()), None)


@lru_cache(maxsize=1)
def _font_family() -> str | None:
    path = cjk_font()
    if path is None:
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _style() -> dict:
    """Small type in the CJK font (falling back to matplotlib's own for Latin text)."""
    style = {"font.size": 8, "axes.spines.top": False, "axes.spines.right": False}
    family = _font_family()
    if family:
        style["font.family"] = [family, "DejaVu Sans"]
    return style


def _png(figure: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=DPI)
    plt.close(figure)
    return buffer.getvalue()


def sales_trend(monthly: pd.DataFrame, lang: str) -> bytes:
    """Bars of sales per month (the last 12), the period's month(s) in blue."""
    with plt.rc_context(_style()):
        figure, axes = plt.subplots(figsize=(7.2, 1.9), dpi=DPI)
        months = pd.to_datetime(monthly["month"])
        labels = [m.strftime("%Y-%m") for m in months]
        axes.bar(labels, monthly["sales"].fillna(0), color=BLUE, width=0.65)
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.short_number(v, lang)))
        axes.set_ylabel(t("report.axis_sales", lang))
        axes.tick_params(axis="x", labelrotation=45, labelsize=7)
        axes.grid(axis="y", color="#d0d7de", linewidth=0.5)
        axes.set_axisbelow(True)
        return _png(figure)


def pareto_curve(curve: pd.DataFrame, lang: str) -> bytes:
    """The cumulative share of value against the share of buyers, with the 80 % line labelled
    on it and the 20 % of buyers marked."""
    with plt.rc_context(_style()):
        figure, axes = plt.subplots(figsize=(3.6, 2.6), dpi=DPI)
        axes.plot(curve["customer_share"], curve["cum_share"], color=BLUE, linewidth=1.6)
        axes.axhline(0.8, color=RED, linewidth=0.8, linestyle="--")
        axes.text(0.98, 0.81, t("report.line_80", lang), color=RED, ha="right", va="bottom", fontsize=7)
        axes.axvline(0.2, color=GREY, linewidth=0.8, linestyle=":")
        axes.set_xlim(0, 1)
        axes.set_ylim(0, 1.02)
        axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        axes.set_xlabel(t("report.axis_customer_share", lang))
        axes.set_ylabel(t("report.axis_value_share", lang))
        axes.grid(color="#d0d7de", linewidth=0.5)
        return _png(figure)
