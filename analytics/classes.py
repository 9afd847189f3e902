"""Service classes: the class the rules recommend for each customer, and the class shares of a
team or region against the standard bands (domain guide §3).

Rules (settings [class_rules]), in precedence assist > core > potential > regular:
- assist (mandatory): a violation caught within `assist_violation_months` months up to the
  as-of date, a low-income subsidy, or disabled;
- core: market type, retail format, tier ≥ core_tier_min and modern terminal all in the core lists;
- potential: the same against the potential lists;
- regular: everyone else.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from analytics import config, db, sql
from analytics.domain import CLASSES
from analytics.filters import Filters
from analytics.i18n import t
from analytics.settings import ClassRules, Settings

SHARE_GROUPS = ("team", "region", "manager")
TIER_MAX = 30


def class_rules(settings: Settings | dict | None = None) -> ClassRules:
    """The class rules of the settings ([class_rules])."""
    return config.as_settings(settings).class_rules


def share_bands(settings: Settings | dict | None = None) -> dict[str, tuple[float, float]]:
    """class -> (share_min, share_max) of a group's customers expected in the class."""
    standards = config.as_settings(settings).classes
    return {name: (standards[name].share_min, standards[name].share_max) for name in CLASSES}


def months_before(d: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    index = d.year * 12 + d.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def recommend_classes(
    con: duckdb.DuckDBPyConnection,
    filters: Filters | None = None,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
    lang: str = "en",
    only_mismatches: bool = False,
) -> pd.DataFrame:
    """Every customer in scope with its assigned class, the class the rules recommend as of
    `as_of` (default: the last data day) and the reasons in `lang`: customer_id, customer_name,
    manager_id, team, region, status, assigned_class, recommended_class, matches, reasons, and the
    facts the rules read. `only_mismatches` keeps customers whose assigned class differs (or is empty)."""
    filters = filters or Filters()
    rules = class_rules(settings)
    as_of = as_of or db.last_data_date(con) or date.today()
    params = {
        **rules.model_dump(),
        "cutoff": months_before(as_of, rules.assist_violation_months),
        "as_of": as_of,
        "tier_max": TIER_MAX,
    }
    frame = sql.query(con, "classes/recommend", params, filters=filters)
    frame["matches"] = (frame["assigned_class"] == frame["recommended_class"]).fillna(False).astype(bool)
    if only_mismatches:
        frame = frame[~frame["matches"]]
    frame = frame.sort_values("customer_id", kind="stable").reset_index(drop=True)
    frame["reasons"] = [_reasons(row, rules, lang) for row in frame.itertuples(index=False)]
    first = [
        "customer_id",
        "customer_name",
        "manager_id",
        "team",
        "region",
        "status",
        "assigned_class",
        "recommended_class",
        "matches",
        "reasons",
    ]
    return frame[first + [c for c in frame.columns if c not in first]]


def class_mismatches(
    con: duckdb.DuckDBPyConnection,
    filters: Filters | None = None,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """Customers whose assigned class differs from the recommended one, with the reasons."""
    return recommend_classes(con, filters, as_of, settings, lang, only_mismatches=True)


# ------------------------------------------------------------------ reasons


def _label(kind: str, code: Any, lang: str) -> str:
    if code is None or (isinstance(code, float) and pd.isna(code)):
        return t("pareto.reason_missing", lang)
    try:
        return t(f"common.{kind}_{code}", lang)
    except KeyError:
        return str(code)


def _reasons(row: Any, rules: ClassRules, lang: str) -> str:
    """Why the rules recommend this class (and why the assigned class does not hold), in `lang`."""
    recommended, assigned = row.recommended_class, row.assigned_class
    reasons: list[str] = []
    if recommended == "assist":
        if row.recent_violation:
            reasons.append(
                t("pareto.reason_violation", lang, date=pd.Timestamp(row.violation_date).date().isoformat())
            )
        if row.low_income:
            reasons.append(t("pareto.reason_low_income", lang))
        if row.disabled:
            reasons.append(t("pareto.reason_disabled", lang))
    elif recommended in ("core", "potential"):
        reasons.append(t(f"pareto.reason_fits_{recommended}", lang, criteria=_criteria(row, lang)))
    if assigned == "assist" and recommended != "assist":
        reasons.append(t("pareto.reason_no_assist", lang, months=rules.assist_violation_months))
    if assigned in ("core", "potential") and assigned != recommended and recommended != "assist":
        failed = _failed_criteria(row, rules, assigned, lang)
        if failed:
            reasons.append(t(f"pareto.reason_not_{assigned}", lang, failed=_join(failed, lang)))
    if recommended == "regular" and not reasons:
        reasons.append(t("pareto.reason_regular", lang))
    if assigned is None or (isinstance(assigned, float) and pd.isna(assigned)):
        reasons.append(t("pareto.reason_unassigned", lang))
    return _join(reasons, lang, "pareto.reason_separator")


def _criteria(row: Any, lang: str) -> str:
    return _join(
        [
            _label("market", row.market_type, lang),
            _label("format", row.retail_format, lang),
            t("pareto.reason_tier", lang, tier=_tier_text(row.tier)),
            t("pareto.reason_terminal", lang, terminal=_terminal_label(row.modern_terminal, lang)),
        ],
        lang,
    )


def _tier_text(tier: Any) -> str:
    return "—" if tier is None or pd.isna(tier) else str(int(tier))


def _terminal_label(code: Any, lang: str) -> str:
    if code is None or (isinstance(code, float) and pd.isna(code)):
        return t("pareto.reason_missing", lang)
    try:
        return t(f"pareto.terminal_{code}", lang)
    except KeyError:
        return str(code)


def _failed_criteria(row: Any, rules: ClassRules, cls: str, lang: str) -> list[str]:
    failed = []
    if row.market_type not in getattr(rules, f"{cls}_market_types"):
        failed.append(t("pareto.fail_market", lang, value=_label("market", row.market_type, lang)))
    if row.retail_format not in getattr(rules, f"{cls}_retail_formats"):
        failed.append(t("pareto.fail_format", lang, value=_label("format", row.retail_format, lang)))
    tier_min = getattr(rules, f"{cls}_tier_min")
    if row.tier is None or pd.isna(row.tier) or not tier_min <= int(row.tier) <= TIER_MAX:
        failed.append(t("pareto.fail_tier", lang, tier=_tier_text(row.tier), minimum=tier_min))
    if row.modern_terminal not in getattr(rules, f"{cls}_modern_terminal"):
        failed.append(t("pareto.fail_terminal", lang, value=_terminal_label(row.modern_terminal, lang)))
    return failed


def _join(parts: list[str], lang: str, separator_key: str = "pareto.list_separator") -> str:
    return t(separator_key, lang).join(parts)


# ------------------------------------------------------------------ class shares


def class_share_check(
    con: duckdb.DuckDBPyConnection,
    filters: Filters | None = None,
    group_by: str = "team",
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """Share of each service class among the open customers of each team, region or manager,
    against the standard bands (core 5%, potential 15–35%, assist 5–10%): group, group_name,
    customer_class, customers, group_customers, share, share_min, share_max, status.

    status is 'within' when the count is as close to the band as whole customers allow (between
    floor(share_min × n) and ceil(share_max × n)), else 'below' or 'above'; NULL for customers
    without a known class."""
    if group_by not in SHARE_GROUPS:
        raise ValueError(f"unknown group {group_by!r}; choose one of {', '.join(SHARE_GROUPS)}")
    bands = share_bands(settings)
    params = {
        "band_classes": list(bands),
        "band_min": [low for low, _ in bands.values()],
        "band_max": [high for _, high in bands.values()],
    }
    return sql.query(con, "classes/share_check", params, filters=filters or Filters(), group_by=group_by)
