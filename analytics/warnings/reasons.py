"""The plain-language reason each rule fired for a customer, in the page's language."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analytics import config
from analytics.domain import RULES
from analytics.i18n import t
from analytics.settings import Settings

# The facts reason() reads.
FACT_COLUMNS = (
    "days_since_last_order",
    "median_gap",
    "value_last",
    "value_ly",
    "value_prev",
    "days_since_last_visit",
    "interval_days",
    "current_abc",
    "violation_date",
    "overdue_total",
)


def reason(row: Any, rule: str, lang: str, settings: Settings | dict | None = None) -> str:
    """The plain-language reason one rule fired for one customer (row of rule_facts)."""
    ws = config.as_settings(settings).warnings
    if rule == "cadence":
        return t(
            "warnings.reason_cadence",
            lang,
            days=int(row["days_since_last_order"]),
            gap=_number(row["median_gap"]),
        )
    if rule in ("decline_yoy", "decline_prev"):
        before = row["value_ly"] if rule == "decline_yoy" else row["value_prev"]
        return t(
            f"warnings.reason_{rule}", lang, days=ws.decline_window_days, pct=_drop(row["value_last"], before)
        )
    if rule == "low_value":
        return t(
            "warnings.reason_low_value",
            lang,
            months=ws.low_value_months,
            floor=_number(ws.low_value_floor),
        )
    if rule == "visit_overdue":
        if pd.isna(row["days_since_last_visit"]):
            return t("warnings.reason_never_visited", lang)
        return t(
            "warnings.reason_visit_overdue",
            lang,
            days=int(row["days_since_last_visit"]),
            interval=int(row["interval_days"]),
        )
    if rule == "tier_drop":
        now = row["current_abc"] if row["current_abc"] != "none" else t("warnings.abc_none", lang)
        return t("warnings.reason_tier_drop", lang, now=now)
    if rule == "class_mismatch":
        return t("warnings.reason_class_mismatch", lang, date=_iso(row["violation_date"]))
    if rule == "overdue_payment":
        return t("warnings.reason_overdue_payment", lang, amount=_money(row["overdue_total"]))
    raise ValueError(f"unknown rule {rule!r}")


def explain(frame: pd.DataFrame, lang: str, settings: Settings | dict | None = None) -> pd.Series:
    """The reasons of every fired rule, joined with "; " (Chinese: "；"), per row of rule_facts.

    Rule by rule over the rows where it fired, each row read as a plain dict (a pandas row per
    customer costs a hundred times more: tens of thousands of warnings at province scale)."""
    settings = config.as_settings(settings)
    joiner = "；" if lang == "zh" else "; "
    if frame.empty:
        return pd.Series([], dtype=object, index=frame.index)
    texts: list[list[str]] = [[] for _ in range(len(frame))]
    rows = frame[[c for c in FACT_COLUMNS if c in frame.columns]].to_dict("records")
    for rule in RULES:
        for position in np.flatnonzero(frame[rule].to_numpy(dtype=bool)):
            texts[position].append(reason(rows[position], rule, lang, settings))
    return pd.Series([joiner.join(parts) for parts in texts], index=frame.index)


def _drop(value: Any, base: Any) -> int:
    return round((1 - float(value) / float(base)) * 100) if base else 0


def _number(value: Any) -> str:
    value = float(value)
    return f"{value:,.0f}" if value >= 100 or value == int(value) else f"{value:.1f}"


def _money(value: Any) -> str:
    """Whole yuan with separators, as ui.format.money writes them in both languages (analytics
    does not import ui)."""
    return f"{float(value):,.0f}"


def _iso(value: Any) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()
