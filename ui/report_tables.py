"""The meeting report's words and tables, shared by the PDF and the workbook (no Streamlit).

Each table is a list of columns (the frame's column, its header message, its kind); codes become
words here, numbers stay numbers, and ``text`` writes a cell the way the pages do (ui.format)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from analytics.filters import Filters
from analytics.i18n import t
from analytics.overview import Tile
from analytics.report import MeetingReport
from ui import format as fmt

# Kinds of cells: how a value is written (PDF) and which number format it gets (workbook).
NUMBER_KINDS = {"money", "int", "percent", "score", "decimal"}
LEADING_SYMBOLS = re.compile(r"^[^\w]+")


@dataclass(frozen=True)
class Column:
    name: str
    header: str  # message key
    kind: str = "text"


TOP = [
    Column("rank", "overview.col_rank", "int"),
    Column("customer_id", "common.customer_id"),
    Column("customer_name", "common.customer_name"),
    Column("manager_name", "common.manager"),
    Column("customer_class", "common.customer_class", "class"),
    Column("sales", "report.col_sales", "money"),
    Column("share", "overview.col_share", "percent"),
]
ACTIONS = [
    Column("customer_id", "common.customer_id"),
    Column("customer_name", "common.customer_name"),
    Column("manager_name", "common.manager"),
    Column("expected_loss", "report.col_expected_loss", "money"),
    Column("revenue_at_risk", "warnings.col_revenue_at_risk", "money"),
    Column("days_since_last_order", "warnings.col_days_since_order", "int"),
    Column("rules", "warnings.col_reasons", "rules"),
    Column("followup_status", "warnings.col_status", "followup"),
]
SCORECARD = [
    Column("rank", "scorecard.col_rank", "int"),
    Column("manager_name", "common.manager"),
    Column("team", "common.team"),
    Column("customers", "scorecard.col_customers", "int"),
    Column("visits", "scorecard.col_visits", "int"),
    Column("coverage", "scorecard.col_coverage", "percent"),
    Column("sales", "scorecard.col_sales", "money"),
    Column("growth_yoy", "scorecard.col_growth_yoy", "percent"),
    Column("target_attainment", "scorecard.col_target_attainment", "percent"),
    Column("at_risk_customers", "scorecard.col_at_risk_customers", "int"),
    Column("score", "scorecard.col_score", "score"),
    Column("status", "scorecard.col_status", "status"),
]


def _rules(codes: Any, lang: str) -> str:
    if fmt.is_missing(codes) or not str(codes):
        return fmt.MISSING
    separator = "、" if lang == "zh" else ", "
    return separator.join(t(f"warnings.rule_{code}", lang) for code in str(codes).split(";") if code)


def _followup(status: Any, lang: str) -> str:
    code = "new" if fmt.is_missing(status) or not str(status) else str(status)
    return t(f"warnings.status_{code}", lang)


def value(raw: Any, kind: str, lang: str) -> Any:
    """The cell's value: words for codes, numbers as numbers (None when missing)."""
    if kind == "class":
        return fmt.label("class", raw, lang)
    if kind == "status":  # the page's label starts with a coloured dot: no emoji in a file
        if fmt.is_missing(raw):
            return fmt.MISSING
        return LEADING_SYMBOLS.sub("", t(f"scorecard.status_{raw}", lang))
    if kind == "rules":
        return _rules(raw, lang)
    if kind == "followup":
        return _followup(raw, lang)
    if fmt.is_missing(raw):
        return None
    if kind in NUMBER_KINDS:
        return float(raw)
    return str(raw)


def text(shown: Any, kind: str, lang: str) -> str:
    """A cell value (see value) as a person reads it: 1,234 / 12.3% / 88.8 / words; "—" when
    missing."""
    if shown is None:
        return fmt.MISSING
    if kind in ("money", "int"):
        return fmt.number(shown, 0, lang)
    if kind == "percent":
        return fmt.percent(shown, 1, lang)
    if kind in ("score", "decimal"):
        return fmt.number(shown, 1, lang)
    return str(shown)


def rows(frame: pd.DataFrame, columns: list[Column], lang: str) -> list[list[Any]]:
    """The frame's rows as cell values (see value), in the columns' order."""
    return [[value(row.get(c.name), c.kind, lang) for c in columns] for row in frame.to_dict("records")]


def shown_columns(frame: pd.DataFrame, columns: list[Column]) -> list[Column]:
    """`columns` without those empty in every row (expected loss before the risk ranking was
    trained, target attainment without targets)."""
    return [
        c
        for c in columns
        if c.name in frame.columns and (c.kind == "followup" or frame[c.name].notna().any())
    ]


def headers(columns: list[Column], lang: str) -> list[str]:
    return [t(c.header, lang) for c in columns]


# ------------------------------------------------------------------ the report's words


def scope_line(report: MeetingReport, lang: str) -> str:
    """Who the report is about: the team(s), manager(s), region(s) and class(es) chosen."""
    f = report.filters
    separator = "、" if lang == "zh" else ", "
    parts = []
    managers = [fmt.name_with_id(report.manager_names.get(m), m) for m in f.managers]
    for key, values in (("teams", f.teams), ("managers", managers), ("regions", f.regions)):
        if values:
            parts.append(t(f"report.scope_{key}", lang, names=separator.join(values)))
    if f.classes:
        names = separator.join(fmt.label("class", c, lang) for c in f.classes)
        parts.append(t("report.scope_classes", lang, names=names))
    return " · ".join(parts) or t("report.scope_all", lang)


def period_line(report: MeetingReport, lang: str) -> str:
    f = report.filters
    line = t("report.period", lang, start=fmt.day(f.start), end=fmt.day(f.end))
    if report.data_end is not None:
        line += " · " + t("common.data_until", lang, day=fmt.day(report.data_end))
    return line


def generated_line(today: date, lang: str) -> str:
    return t("report.generated", lang, day=fmt.day(today))


def tile_rows(tiles: list[Tile], lang: str) -> list[tuple[str, str, str, str]]:
    """Per KPI: its label, this period, the previous period and the change, as text."""
    out = []
    for tile in tiles:
        label = t(f"overview.tile_{tile.name}", lang)
        if tile.is_share:
            current, previous = fmt.percent(tile.value, 1, lang), fmt.percent(tile.previous, 1, lang)
            change = fmt.points(tile.share_change, 1, lang)
        else:
            current, previous = fmt.number(tile.value, 0, lang), fmt.number(tile.previous, 0, lang)
            change = fmt.percent(tile.change, 1, lang)
            if tile.change is not None and tile.change > 0:
                change = "+" + change
        out.append((label, current, previous, change))
    return out


def pareto_rows(report: MeetingReport, lang: str) -> list[tuple[str, str]]:
    """The 80/20 figures: buyers, top-20 % share, buyers making 80 %, Gini, A/B/C."""
    p = report.pareto
    abc = " / ".join(fmt.number(n, 0, lang) for n in (p.a_count, p.b_count, p.c_count))
    return [
        (t("pareto.kpi_buyers", lang), fmt.number(p.buyers, 0, lang)),
        (t("pareto.kpi_top20_share", lang), fmt.percent(p.top20_share, 1, lang)),
        (t("pareto.kpi_pct_for_80", lang), fmt.percent(p.pct_customers_for_80, 1, lang)),
        (t("pareto.kpi_gini", lang), fmt.number(p.gini, 2, lang)),
        (t("pareto.kpi_abc", lang), abc),
    ]


def actions_note(report: MeetingReport, lang: str) -> str:
    if report.actions.empty:
        return t("report.actions_none", lang)
    return t(
        "report.actions_note",
        lang,
        day=fmt.day(report.as_of),
        open=fmt.number(report.open_warnings, 0, lang),
        total=fmt.number(report.actions_total, 0, lang),
        shown=len(report.actions),
    )


def file_name(f: Filters, lang: str, extension: str) -> str:
    """The file's translated name with its period: 会议报告-2025-10-01-2025-10-31.pdf."""
    return f"{t('report.file_name', lang)}-{fmt.day(f.start)}-{fmt.day(f.end)}.{extension}"
