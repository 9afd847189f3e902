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

import argparse
import calendar
from datetime import date

import pandas as pd

from analytics import cli, config, db
from analytics.db import query
from analytics.filters import Filters, customer_scope_sql
from analytics.i18n import t

CLASSES = ("core", "potential", "regular", "assist")
SHARE_GROUPS = {
    "team": ("mg.team", "mg.team"),
    "region": ("c.region", "c.region"),
    "manager": ("c.manager_id", "coalesce(mg.manager_name, c.manager_id)"),
}
_RULE_DEFAULTS = {
    "assist_violation_months": 3,
    "core_market_types": ["city"],
    "core_retail_formats": ["mall", "supermarket", "tobacco_liquor", "convenience"],
    "core_tier_min": 25,
    "core_modern_terminal": ["built", "building"],
    "potential_market_types": ["town", "rural"],
    "potential_retail_formats": ["mall", "supermarket", "tobacco_liquor", "convenience", "grocery"],
    "potential_tier_min": 15,
    "potential_modern_terminal": ["built", "potential"],
}
_BAND_DEFAULTS = {
    "core": (0.05, 0.05),
    "potential": (0.15, 0.35),
    "regular": (0.0, 1.0),
    "assist": (0.05, 0.10),
}
TIER_MAX = 30


def class_rules(settings: dict | None = None) -> dict:
    """The class rules of the settings, with the preset's values for any missing key."""
    rules = dict(_RULE_DEFAULTS)
    rules.update((settings or config.load_settings()).get("class_rules", {}))
    return rules


def share_bands(settings: dict | None = None) -> dict[str, tuple[float, float]]:
    """class -> (share_min, share_max) of a group's customers expected in the class."""
    classes = (settings or config.load_settings()).get("classes", {})
    return {
        name: (
            float(classes.get(name, {}).get("share_min", low)),
            float(classes.get(name, {}).get("share_max", high)),
        )
        for name, (low, high) in _BAND_DEFAULTS.items()
    }


def months_before(d: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    index = d.year * 12 + d.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _in_list(column: str, values) -> tuple[str, list]:
    values = list(values or [])
    if not values:
        return "FALSE", []
    return f"{column} IN ({', '.join('?' for _ in values)})", values


def _fit_sql(rules: dict, prefix: str) -> tuple[str, list]:
    """Condition (and parameters) that a customer meets the core or potential criteria."""
    parts, params = [], []
    for column, key in (
        ("c.market_type", "market_types"),
        ("c.retail_format", "retail_formats"),
        ("c.modern_terminal", "modern_terminal"),
    ):
        sql, values = _in_list(column, rules[f"{prefix}_{key}"])
        parts.append(sql)
        params.extend(values)
    parts.append("c.tier BETWEEN ? AND ?")
    params.extend([int(rules[f"{prefix}_tier_min"]), TIER_MAX])
    return "coalesce(" + " AND ".join(parts) + ", FALSE)", params


_RECOMMEND_SQL = """
WITH facts AS (
    SELECT c.customer_id, c.customer_name, c.manager_id, mg.team, c.region, c.status,
           c.customer_class AS assigned_class, c.market_type, c.retail_format, c.tier, c.modern_terminal,
           c.violation_date,
           coalesce(c.violation_date BETWEEN ? AND ?, FALSE) AS recent_violation,
           coalesce(c.low_income, FALSE) AS low_income,
           coalesce(c.disabled, FALSE) AS disabled,
           {core_fit} AS core_fit,
           {potential_fit} AS potential_fit
    FROM customers c LEFT JOIN managers mg ON mg.manager_id = c.manager_id
    WHERE {scope}
)
SELECT *,
       CASE WHEN recent_violation OR low_income OR disabled THEN 'assist'
            WHEN core_fit THEN 'core'
            WHEN potential_fit THEN 'potential'
            ELSE 'regular' END AS recommended_class
FROM facts
"""


def recommend_classes(
    con,
    filters: Filters | None = None,
    as_of: date | None = None,
    settings: dict | None = None,
    lang: str = "en",
    only_mismatches: bool = False,
) -> pd.DataFrame:
    """Every customer in scope with its assigned class, the class the rules recommend as of
    `as_of` (default: the last data day) and the reasons in `lang`: customer_id, customer_name,
    manager_id, team, region, status, assigned_class, recommended_class, matches, reasons, and the
    facts the rules read. `only_mismatches` keeps customers whose assigned class differs (or is empty)."""
    filters = filters or Filters()
    rules = class_rules(settings)
    as_of = as_of or _default_as_of(con)
    scope, scope_params = customer_scope_sql(filters, "c")
    core_fit, core_params = _fit_sql(rules, "core")
    potential_fit, potential_params = _fit_sql(rules, "potential")
    sql = _RECOMMEND_SQL.format(scope=scope, core_fit=core_fit, potential_fit=potential_fit)
    cutoff = months_before(as_of, int(rules["assist_violation_months"]))
    frame = query(con, sql, [cutoff, as_of, *core_params, *potential_params, *scope_params])
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
    con,
    filters: Filters | None = None,
    as_of: date | None = None,
    settings: dict | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """Customers whose assigned class differs from the recommended one, with the reasons."""
    return recommend_classes(con, filters, as_of, settings, lang, only_mismatches=True)


def _default_as_of(con) -> date:
    span = db.data_range(con)
    return span[1] if span else date.today()


# ------------------------------------------------------------------ reasons


def _label(kind: str, code, lang: str) -> str:
    if code is None or (isinstance(code, float) and pd.isna(code)):
        return t("pareto.reason_missing", lang)
    try:
        return t(f"common.{kind}_{code}", lang)
    except KeyError:
        return str(code)


def _reasons(row, rules: dict, lang: str) -> str:
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
        reasons.append(t("pareto.reason_no_assist", lang, months=int(rules["assist_violation_months"])))
    if assigned in ("core", "potential") and assigned != recommended and recommended != "assist":
        failed = _failed_criteria(row, rules, assigned, lang)
        if failed:
            reasons.append(t(f"pareto.reason_not_{assigned}", lang, failed=_join(failed, lang)))
    if recommended == "regular" and not reasons:
        reasons.append(t("pareto.reason_regular", lang))
    if assigned is None or (isinstance(assigned, float) and pd.isna(assigned)):
        reasons.append(t("pareto.reason_unassigned", lang))
    return _join(reasons, lang, "pareto.reason_separator")


def _criteria(row, lang: str) -> str:
    return _join(
        [
            _label("market", row.market_type, lang),
            _label("format", row.retail_format, lang),
            t("pareto.reason_tier", lang, tier=_tier_text(row.tier)),
            t("pareto.reason_terminal", lang, terminal=_terminal_label(row.modern_terminal, lang)),
        ],
        lang,
    )


def _tier_text(tier) -> str:
    return "—" if tier is None or pd.isna(tier) else str(int(tier))


def _terminal_label(code, lang: str) -> str:
    if code is None or (isinstance(code, float) and pd.isna(code)):
        return t("pareto.reason_missing", lang)
    try:
        return t(f"pareto.terminal_{code}", lang)
    except KeyError:
        return str(code)


def _failed_criteria(row, rules: dict, cls: str, lang: str) -> list[str]:
    failed = []
    if row.market_type not in rules[f"{cls}_market_types"]:
        failed.append(t("pareto.fail_market", lang, value=_label("market", row.market_type, lang)))
    if row.retail_format not in rules[f"{cls}_retail_formats"]:
        failed.append(t("pareto.fail_format", lang, value=_label("format", row.retail_format, lang)))
    tier_min = int(rules[f"{cls}_tier_min"])
    if row.tier is None or pd.isna(row.tier) or not tier_min <= int(row.tier) <= TIER_MAX:
        failed.append(t("pareto.fail_tier", lang, tier=_tier_text(row.tier), minimum=tier_min))
    if row.modern_terminal not in rules[f"{cls}_modern_terminal"]:
        failed.append(t("pareto.fail_terminal", lang, value=_terminal_label(row.modern_terminal, lang)))
    return failed


def _join(parts: list[str], lang: str, separator_key: str = "pareto.list_separator") -> str:
    return t(separator_key, lang).join(parts)


# ------------------------------------------------------------------ class shares


_SHARE_SQL = """
WITH scope AS (
    SELECT {group} AS grp, {group_name} AS group_name, c.customer_class
    FROM customers c LEFT JOIN managers mg ON mg.manager_id = c.manager_id
    WHERE coalesce(c.status, 'active') <> 'closed' AND {scope}
),
groups AS (
    SELECT grp, any_value(group_name) AS group_name, count(*) AS group_customers FROM scope GROUP BY grp
),
counts AS (
    SELECT grp, customer_class, count(*) AS customers FROM scope GROUP BY grp, customer_class
),
bands(customer_class, share_min, share_max, position) AS (
    VALUES (?, ?, ?, 1), (?, ?, ?, 2), (?, ?, ?, 3), (?, ?, ?, 4)
),
cells AS (
    SELECT g.grp, g.group_name, g.group_customers, b.customer_class, b.share_min, b.share_max, b.position,
           coalesce(n.customers, 0) AS customers
    FROM groups g CROSS JOIN bands b
    LEFT JOIN counts n ON n.grp IS NOT DISTINCT FROM g.grp AND n.customer_class = b.customer_class
    UNION ALL
    SELECT n.grp, g.group_name, g.group_customers, n.customer_class, NULL, NULL, 5, n.customers
    FROM counts n JOIN groups g ON g.grp IS NOT DISTINCT FROM n.grp
    WHERE n.customer_class IS NULL OR n.customer_class NOT IN (SELECT customer_class FROM bands)
)
SELECT grp AS "group", group_name, customer_class, customers, group_customers,
       customers / group_customers AS share, share_min, share_max,
       CASE WHEN share_min IS NULL THEN NULL
            WHEN customers < floor(share_min * group_customers + 1e-9) THEN 'below'
            WHEN customers > ceil(share_max * group_customers - 1e-9) THEN 'above'
            ELSE 'within' END AS status
FROM cells
ORDER BY "group" NULLS LAST, position, customer_class
"""


def class_share_check(
    con, filters: Filters | None = None, group_by: str = "team", settings: dict | None = None
) -> pd.DataFrame:
    """Share of each service class among the open customers of each team, region or manager,
    against the standard bands (core 5%, potential 15–35%, assist 5–10%): group, group_name,
    customer_class, customers, group_customers, share, share_min, share_max, status.

    status is 'within' when the count is as close to the band as whole customers allow (between
    floor(share_min × n) and ceil(share_max × n)), else 'below' or 'above'; NULL for customers
    without a known class."""
    if group_by not in SHARE_GROUPS:
        raise ValueError(f"unknown group {group_by!r}; choose one of {', '.join(SHARE_GROUPS)}")
    filters = filters or Filters()
    group_sql, group_name_sql = SHARE_GROUPS[group_by]
    scope, params = customer_scope_sql(filters, "c")
    band_params = [
        value for name, (low, high) in share_bands(settings).items() for value in (name, low, high)
    ]
    sql = _SHARE_SQL.format(scope=scope, group=group_sql, group_name=group_name_sql)
    return query(con, sql, [*params, *band_params])


# ------------------------------------------------------------------ command line


def add_commands(subparsers, parents) -> None:
    cmd = subparsers.add_parser(
        "classes",
        parents=[parents["db"], parents["filters"]],
        help="recommended service class of every customer in scope, with the reasons",
    )
    cmd.add_argument(
        "--as-of",
        dest="as_of",
        type=date.fromisoformat,
        help="date the violation window ends, YYYY-MM-DD (default: last data day)",
    )
    cmd.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the reasons")
    cmd.add_argument("--mismatches", action="store_true", help="only customers whose class differs")
    cmd.set_defaults(handler=_cmd_classes)


def _cmd_classes(args: argparse.Namespace) -> int:
    con = cli.open_db(args)
    filters = cli.filters_from_args(args)
    frame = recommend_classes(con, filters, args.as_of, lang=args.lang, only_mismatches=args.mismatches)
    cli.print_csv(frame[["customer_id", "assigned_class", "recommended_class", "reasons"]])
    return 0
