"""Loss warnings: customers slipping away, the rule that caught each one, and the follow-up.

Everything is computed *as of* a date d and uses only data dated on or before d (orders with
order_date <= d, visits with visit_date on or before d, follow-ups warned on or before d).

Who can be warned: open customers (status not closed) with at least one order in the 12 months
up to d. Closed customers are already lost and are never warned; customers with no order for a
whole year have nothing left at risk (they show as lost on the retention page).

The rules (domain guide §4), each with its thresholds in settings [warnings]:

- ``cadence``: >= cadence_min_orders order days in the last 365 days, and the days since the last
  order > cadence_factor x the customer's own median gap between order days in those 365 days
  (and > cadence_min_days). The median gap (column median_gap) is worked out only where the rule
  can fire (those order days, and no order for more than cadence_min_days); it is empty elsewhere
  (about 6 customers in 7 on a typical day, and most of the rule's cost at 300,000 customers).
- ``decline_yoy``: value of the last decline_window_days (90) days < decline_ratio (70%) of the
  same days a year earlier. ``decline_prev``: the same against the 90 days before. Decline is two
  codes rather than one so a supervisor can tell a seasonal slide from a year-on-year one.
- ``low_value``: each of the last low_value_months (3) complete calendar months up to d has a
  value below low_value_floor, and the customer already ordered before those months.
- ``visit_overdue``: days since the last visit > the class's visit interval ([classes.*]); a
  customer never visited is overdue when the store holds any visit up to d.
- ``tier_drop``: ABC (as on the 80/20 page: over the buyers in scope, A when the cumulative value
  share before the customer < a_share, B when < b_share) of the tier_window_days (90) days before
  the last 90 was A, and now it is B, C, or the customer bought nothing.
- ``class_mismatch``: a violation caught within class_rules.assist_violation_months (3) months up
  to d (inclusive), but the class is not assist.

``revenue_at_risk`` = average monthly value of the last 12 months x 3 (the 12-month value / 4).
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta

import pandas as pd

from analytics import cli, config, db
from analytics.filters import Filters, add_months, customer_scope_sql, month_end, shift_years
from analytics.i18n import t

RULES = (
    "cadence",
    "decline_yoy",
    "decline_prev",
    "low_value",
    "visit_overdue",
    "tier_drop",
    "class_mismatch",
)
STATUSES = ("acknowledged", "contacted", "recovered", "lost")
CLOSING_STATUSES = ("recovered", "lost")
CLASSES = ("core", "potential", "regular", "assist")
_TOLERANCE = 1e-9  # the same tolerance as the 80/20 page, so ABC agrees with it

WARNING_DEFAULTS = {
    "lost_after_days": 90,
    "cadence_min_orders": 3,
    "cadence_factor": 2.0,
    "cadence_min_days": 14,
    "decline_window_days": 90,
    "decline_ratio": 0.70,
    "low_value_floor": 500.0,
    "low_value_months": 3,
    "tier_window_days": 90,
    "recovered_hold_days": 90,
    "risk_horizon_days": 90,
}


def warning_settings(settings: dict | None = None) -> dict:
    """[warnings] with a default for every key this module reads."""
    settings = settings if settings is not None else config.load_settings()
    return {**WARNING_DEFAULTS, **settings.get("warnings", {})}


def last_data_date(con) -> date | None:
    """The latest order or visit date in the store (the default as-of date)."""
    span = db.data_range(con)
    return span[1] if span else None


def as_of_date(con, filters: Filters) -> date | None:
    """The as-of date of the warning page: the period's last day, or the last data date when that
    is earlier (or no period is set); None for an empty store."""
    last = last_data_date(con)
    if last is None:
        return None
    return min(filters.end, last) if filters.end else last


def shift_months(d: date, months: int) -> date:
    """Same day `months` away; the last day of the month when that day does not exist."""
    first = add_months(d, months)
    return min(first + timedelta(days=d.day - 1), month_end(first))


def _low_value_months(as_of: date, count: int) -> tuple[date, date]:
    """First and last month (first days) of the `count` complete months up to as_of."""
    last = as_of.replace(day=1) if as_of == month_end(as_of) else add_months(as_of, -1)
    return add_months(last, -(count - 1)), last


# ----------------------------------------------------------------------- rules

# Dates and thresholds are bound straight into the WHERE clauses and expressions: a one-row
# parameter CTE joined to order_days would defeat DuckDB's row-group skipping (order_days is
# stored in date order). Each customer's windows are summed in one grouped pass over `pieces`:
# the customer-months of order_months for every month that lies wholly inside or outside each
# window (its row stands for its order days: `d` = the month's first day, first_day/last_day
# its first and last order date), and the customer-days of order_days only for the few months a
# window starts or ends in (see _day_month_ranges) — about a third of the rows the order days
# alone would be. The order days of the last 365 days are then read again only for the
# customers the cadence rule can fire for: each day minus the one before (a window partitioned by
# customer, which runs in parallel), and the median of those gaps.
# ABC is ranked per part on its buyers only (values <= 0 are 'none').
# The per-customer passes group by the integer customer_no (perfect hash tables, no text keys);
# the customer_id comes back with the customers in scope.
_RULES_CTES = """
WITH scope AS (
    SELECT c.customer_id, k.customer_no, c.customer_name, c.manager_id, c.customer_class, c.status,
           c.violation_date
    FROM customers c LEFT JOIN customer_keys k ON k.customer_id = c.customer_id
    WHERE {scope}
),
intervals AS (
    SELECT unnest(CAST(? AS VARCHAR[])) AS customer_class, unnest(CAST(? AS INTEGER[])) AS interval_days
),
pieces AS (
    SELECT o.customer_no, o.month AS d, o.amount, o.order_days AS n, o.first_day, o.last_day
    FROM order_months o
    WHERE o.month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) AND NOT ({month_ranges}) {prefilter}
    UNION ALL
    SELECT o.customer_no, o.order_date, o.amount, 1, o.order_date, o.order_date
    FROM order_days o
    WHERE o.order_date <= CAST(? AS DATE) AND ({day_ranges}) {prefilter}
),
recent AS (
    SELECT customer_no, min(first_day) AS first_recent, max(last_day) AS last_recent,
           CAST(coalesce(sum(n) FILTER (WHERE d > CAST(? AS DATE) - 365), 0) AS BIGINT) AS orders_365,
           coalesce(sum(amount) FILTER (WHERE d >= CAST(? AS DATE)), 0) AS value_last,
           coalesce(sum(amount) FILTER (WHERE d >= CAST(? AS DATE) AND d < CAST(? AS DATE)), 0) AS value_prev,
           coalesce(sum(amount) FILTER (WHERE d BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)), 0) AS value_ly,
           coalesce(sum(amount) FILTER (WHERE d > CAST(? AS DATE)), 0) AS value_12m,
           coalesce(sum(amount) FILTER (WHERE d >= CAST(? AS DATE) AND d < CAST(? AS DATE)), 0) AS value_tier_prev
    FROM pieces
    GROUP BY customer_no
),
older AS (
    SELECT o.customer_no, min(o.first_day) AS first_older, max(o.last_day) AS last_older
    FROM order_months o
    WHERE o.month < CAST(? AS DATE) {prefilter}
    GROUP BY o.customer_no
),
per_customer AS MATERIALIZED (
    SELECT coalesce(r.customer_no, d.customer_no) AS customer_no,
           coalesce(d.first_older, r.first_recent) AS first_order_date,
           coalesce(r.last_recent, d.last_older) AS last_order_date,
           coalesce(r.orders_365, 0) AS orders_365,
           coalesce(r.value_last, 0) AS value_last, coalesce(r.value_prev, 0) AS value_prev,
           coalesce(r.value_ly, 0) AS value_ly, coalesce(r.value_12m, 0) AS value_12m,
           coalesce(r.value_tier_prev, 0) AS value_tier_prev
    FROM recent r FULL JOIN older d ON d.customer_no = r.customer_no
),
-- The median gap only where the cadence rule can fire: enough order days, none lately.
cadence_candidates AS (
    SELECT customer_no FROM per_customer
    WHERE orders_365 >= CAST(? AS INTEGER) AND last_order_date < CAST(? AS DATE) - CAST(? AS INTEGER)
),
recent_gaps AS (
    SELECT o.customer_no,
           o.order_date - lag(o.order_date) OVER (PARTITION BY o.customer_no ORDER BY o.order_date) AS gap
    FROM order_days o
    WHERE o.order_date > CAST(? AS DATE) - 365 AND o.order_date <= CAST(? AS DATE)
      AND o.customer_no IN (SELECT customer_no FROM cadence_candidates)
),
gaps AS (
    SELECT customer_no, median(gap) AS median_gap FROM recent_gaps GROUP BY customer_no
),
history AS (
    SELECT s.customer_id, s.customer_no, s.customer_name, s.manager_id, s.customer_class, s.status, s.violation_date,
           h.first_order_date, h.last_order_date, h.orders_365, g.median_gap,
           h.value_last, h.value_prev, h.value_ly, h.value_12m,
           CASE WHEN h.value_tier_prev > 0 THEN h.value_tier_prev END AS ranked_previous,
           CASE WHEN h.value_last > 0 THEN h.value_last END AS ranked_current
    FROM per_customer h JOIN scope s ON s.customer_no = h.customer_no
    LEFT JOIN gaps g ON g.customer_no = h.customer_no
),
-- Each ranking over its own buyers only (a customer without value is 'none'), so each window
-- sorts the fewest rows and carries nothing but the key.
ranked_previous AS (
    SELECT customer_no, sum(ranked_previous) OVER () AS total,
           coalesce(sum(ranked_previous) OVER (ORDER BY ranked_previous DESC, customer_id
                                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
    FROM history WHERE ranked_previous IS NOT NULL
),
ranked_current AS (
    SELECT customer_no, sum(ranked_current) OVER () AS total,
           coalesce(sum(ranked_current) OVER (ORDER BY ranked_current DESC, customer_id
                                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
    FROM history WHERE ranked_current IS NOT NULL
),
abc AS (
    SELECT h.customer_no,
           CASE WHEN p.customer_no IS NULL THEN 'none'
                WHEN p.before < (CAST(? AS DOUBLE) - CAST(? AS DOUBLE)) * p.total THEN 'A'
                WHEN p.before < (CAST(? AS DOUBLE) - CAST(? AS DOUBLE)) * p.total THEN 'B'
                ELSE 'C' END AS previous_abc,
           CASE WHEN c.customer_no IS NULL THEN 'none'
                WHEN c.before < (CAST(? AS DOUBLE) - CAST(? AS DOUBLE)) * c.total THEN 'A'
                WHEN c.before < (CAST(? AS DOUBLE) - CAST(? AS DOUBLE)) * c.total THEN 'B'
                ELSE 'C' END AS current_abc
    FROM history h
    LEFT JOIN ranked_previous p ON p.customer_no = h.customer_no
    LEFT JOIN ranked_current c ON c.customer_no = h.customer_no
),
low AS (
    SELECT m.customer_no, count(*) AS months_at_floor
    FROM order_months m
    WHERE m.month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) AND m.amount >= CAST(? AS DOUBLE)
    GROUP BY m.customer_no
),
seen AS (
    SELECT v.customer_no, max(v.visit_date)::DATE AS last_visit_date
    FROM visits v
    WHERE v.visit_date < CAST(? AS DATE) + INTERVAL 1 DAY
    GROUP BY v.customer_no
),
any_visit AS (
    SELECT EXISTS (SELECT 1 FROM visits WHERE visit_date < CAST(? AS DATE) + INTERVAL 1 DAY) AS has_visits
),
facts AS (
    SELECT h.customer_id, h.customer_name, h.manager_id, mg.manager_name, mg.team, h.customer_class,
           h.status, h.violation_date,
           h.first_order_date, h.last_order_date, CAST(? AS DATE) - h.last_order_date AS days_since_last_order,
           h.orders_365, h.median_gap, h.value_last, h.value_prev, h.value_ly,
           h.value_12m / 4.0 AS revenue_at_risk,
           coalesce(l.months_at_floor, 0) AS months_at_floor,
           v.last_visit_date, CAST(? AS DATE) - v.last_visit_date AS days_since_last_visit, i.interval_days,
           a.previous_abc, a.current_abc,
           coalesce(h.status, '') <> 'closed' AND h.last_order_date > CAST(? AS DATE) AS eligible,
           any_visit.has_visits
    FROM history h
    JOIN abc a ON a.customer_no = h.customer_no
    CROSS JOIN any_visit
    LEFT JOIN managers mg ON mg.manager_id = h.manager_id
    LEFT JOIN low l ON l.customer_no = h.customer_no
    LEFT JOIN seen v ON v.customer_no = h.customer_no
    LEFT JOIN intervals i ON i.customer_class = h.customer_class
),
fired AS (
    SELECT *,
           eligible AND orders_365 >= CAST(? AS INTEGER) AND days_since_last_order > CAST(? AS DOUBLE) * median_gap
               AND days_since_last_order > CAST(? AS INTEGER) AS cadence,
           eligible AND value_ly > 0 AND value_last < CAST(? AS DOUBLE) * value_ly AS decline_yoy,
           eligible AND value_prev > 0 AND value_last < CAST(? AS DOUBLE) * value_prev AS decline_prev,
           eligible AND first_order_date < CAST(? AS DATE) AND months_at_floor = 0 AS low_value,
           eligible AND interval_days IS NOT NULL
               AND coalesce(days_since_last_visit > interval_days, has_visits) AS visit_overdue,
           eligible AND previous_abc = 'A' AND current_abc <> 'A' AS tier_drop,
           eligible AND violation_date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
               AND coalesce(customer_class, '') <> 'assist' AS class_mismatch
    FROM facts
)
"""

_FACTS_SELECT = """
SELECT customer_id, customer_name, manager_id, manager_name, team, customer_class, status,
       first_order_date, last_order_date, days_since_last_order, orders_365, median_gap,
       value_last, value_prev, value_ly, revenue_at_risk, months_at_floor,
       last_visit_date, days_since_last_visit, interval_days, previous_abc, current_abc, violation_date,
       eligible, {rules},
       concat_ws(';', {codes}) AS rules
FROM fired
ORDER BY customer_id
"""


def _interval_lists(settings: dict) -> tuple[list[str], list[int]]:
    classes = settings.get("classes", {})
    names = [name for name, spec in classes.items() if isinstance(spec, dict) and "interval_days" in spec]
    return names, [int(classes[name]["interval_days"]) for name in names]


def rule_facts(
    con, filters: Filters, as_of: date | None = None, settings: dict | None = None
) -> pd.DataFrame:
    """One row per customer in scope with an order on or before the as-of date: the facts behind
    each rule and one boolean column per rule code (see the module docstring).

    Columns: customer_id, customer_name, manager_id, manager_name, team, customer_class, status,
    first_order_date, last_order_date, days_since_last_order, orders_365, median_gap, value_last,
    value_prev, value_ly, revenue_at_risk, months_at_floor, last_visit_date, days_since_last_visit,
    interval_days, previous_abc, current_abc, violation_date, eligible, and the RULES."""
    settings = settings if settings is not None else config.load_settings()
    as_of = as_of or last_data_date(con) or date.today()
    ctes, params = _rules_ctes(filters, as_of, settings)
    select = _FACTS_SELECT.format(
        rules=", ".join(f"coalesce({rule}, FALSE) AS {rule}" for rule in RULES),
        codes=", ".join(f"CASE WHEN {rule} THEN '{rule}' END" for rule in RULES),
    )
    frame = db.query(con, ctes + select, params)
    for rule in RULES:
        frame[rule] = frame[rule].astype(bool)
    if frame.empty:
        frame["rules"] = pd.Series([], dtype=object)
    return frame


def _rules_ctes(filters: Filters, as_of: date, settings: dict) -> tuple[str, list]:
    """The WITH clause that ends in `fired` (the rule facts with one column per rule), and its
    parameters."""
    ws = warning_settings(settings)
    window = int(ws["decline_window_days"])
    last_from = as_of - timedelta(days=window - 1)
    prev_from = last_from - timedelta(days=window)
    ly_to = shift_years(as_of, -1)
    ly_from = ly_to - timedelta(days=window - 1)
    tier_from = last_from - timedelta(days=int(ws["tier_window_days"]))
    low_from, low_to = _low_value_months(as_of, int(ws["low_value_months"]))
    violation_months = int(settings.get("class_rules", {}).get("assist_violation_months", 3))
    abc = settings.get("abc", {})
    names, days = _interval_lists(settings)
    scope, scope_params = customer_scope_sql(filters, "c")
    # With no filter every customer is in scope: skip the pre-filter of order_days (a semi-join
    # over millions of rows); the join to `scope` further down still applies.
    prefilter = "" if scope == "TRUE" else "AND o.customer_no IN (SELECT customer_no FROM scope)"
    a_share, b_share = float(abc.get("a_share", 0.80)), float(abc.get("b_share", 0.95))
    year_ago = shift_years(as_of, -1)
    # The first day of every window and the day after its last: a month none of these falls in
    # (after its first day) lies wholly inside or outside each window.
    boundaries = (
        last_from,
        prev_from,
        ly_from,
        ly_to + timedelta(days=1),
        year_ago + timedelta(days=1),
        tier_from,
        as_of - timedelta(days=364),
        as_of + timedelta(days=1),
    )
    ranges = _day_month_ranges(boundaries, as_of)
    first_month = min(boundaries).replace(day=1)
    in_ranges = " OR ".join("{column} BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)" for _ in ranges) or "FALSE"
    range_params = [d for r in ranges for d in r]
    tiers = [a_share, _TOLERANCE, b_share, _TOLERANCE]
    params = [
        *scope_params,
        names,
        days,
        # pieces: the months from the first one a window needs
        first_month,
        as_of,
        *range_params,
        as_of,
        *range_params,
        # recent
        as_of,
        last_from,
        prev_from,
        last_from,
        ly_from,
        ly_to,
        year_ago,
        tier_from,
        last_from,
        # older
        first_month,
        # cadence_candidates, recent_gaps
        int(ws["cadence_min_orders"]),
        as_of,
        int(ws["cadence_min_days"]),
        as_of,
        as_of,
        # abc
        *tiers,
        *tiers,
        # low, seen, any_visit
        low_from,
        low_to,
        float(ws["low_value_floor"]),
        as_of,
        as_of,
        # facts
        as_of,
        as_of,
        year_ago,
        # fired
        int(ws["cadence_min_orders"]),
        float(ws["cadence_factor"]),
        int(ws["cadence_min_days"]),
        float(ws["decline_ratio"]),
        float(ws["decline_ratio"]),
        low_from,
        shift_months(as_of, -violation_months),
        as_of,
    ]
    return _RULES_CTES.format(
        scope=scope,
        prefilter=prefilter,
        month_ranges=in_ranges.format(column="o.month"),
        day_ranges=in_ranges.format(column="o.order_date"),
    ), params


def _day_month_ranges(boundaries: tuple[date, ...], as_of: date) -> list[tuple[date, date]]:
    """The months read day by day, as (first day, last day) ranges of consecutive months: from
    the earliest boundary's month to the as-of date's, those a boundary falls in after their
    first day. Every other month lies wholly inside or outside each window."""
    ranges: list[tuple[date, date]] = []
    month = min(boundaries).replace(day=1)
    while month <= as_of:
        last = month_end(month)
        if any(month < b <= last for b in boundaries):
            if ranges and ranges[-1][1] + timedelta(days=1) == month:
                ranges[-1] = (ranges[-1][0], last)
            else:
                ranges.append((month, last))
        month = add_months(month, 1)
    return ranges


# ----------------------------------------------------------------------- reasons


def reason(row, rule: str, lang: str, settings: dict | None = None) -> str:
    """The plain-language reason one rule fired for one customer (row of rule_facts)."""
    ws = warning_settings(settings)
    if rule == "cadence":
        return t(
            "warnings.reason_cadence",
            lang,
            days=int(row["days_since_last_order"]),
            gap=_number(row["median_gap"]),
        )
    if rule == "decline_yoy":
        return t(
            "warnings.reason_decline_yoy",
            lang,
            days=int(ws["decline_window_days"]),
            pct=_drop(row["value_last"], row["value_ly"]),
        )
    if rule == "decline_prev":
        return t(
            "warnings.reason_decline_prev",
            lang,
            days=int(ws["decline_window_days"]),
            pct=_drop(row["value_last"], row["value_prev"]),
        )
    if rule == "low_value":
        return t(
            "warnings.reason_low_value",
            lang,
            months=int(ws["low_value_months"]),
            floor=_number(ws["low_value_floor"]),
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
    raise ValueError(f"unknown rule {rule!r}")


def explain(frame: pd.DataFrame, lang: str, settings: dict | None = None) -> pd.Series:
    """The reasons of every fired rule, joined with "; " (Chinese: "；"), per row of rule_facts."""
    settings = settings if settings is not None else config.load_settings()
    joiner = "；" if lang == "zh" else "; "
    if frame.empty:
        return pd.Series([], dtype=object, index=frame.index)
    return frame.apply(
        lambda row: joiner.join(reason(row, rule, lang, settings) for rule in RULES if row[rule]), axis=1
    )


def _drop(value, base) -> int:
    return round((1 - float(value) / float(base)) * 100) if base else 0


def _number(value) -> str:
    value = float(value)
    return f"{value:,.0f}" if value >= 100 or value == int(value) else f"{value:.1f}"


def _iso(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


# ----------------------------------------------------------------------- follow-ups


def record_followup(
    con, customer_id: str, status: str, note: str | None = None, warned_on: date | None = None
) -> None:
    """Store a supervisor's follow-up of a warning (a new history row; the latest is current).

    status is one of acknowledged, contacted, recovered, lost; warned_on is the as-of date of
    the warning that was followed up (default: today)."""
    if status not in STATUSES:
        raise ValueError(f"unknown follow-up status {status!r}; expected one of {', '.join(STATUSES)}")
    note = (note or "").strip() or None
    with db.transaction(con, db.FOLLOWUP_VERSION) as cur:
        cur.execute(
            "INSERT INTO warning_followups (customer_id, status, note, warned_on, updated_at) VALUES (?, ?, ?, ?, ?)",
            [str(customer_id), status, note, warned_on or date.today(), datetime.now()],
        )


_FOLLOWUPS_SQL = """
WITH history AS (
    SELECT f.customer_id, f.status, f.note, f.warned_on, f.updated_at,
           row_number() OVER (PARTITION BY f.customer_id ORDER BY f.updated_at DESC, f.status) AS newest
    FROM warning_followups f
    WHERE f.warned_on <= ? AND (? = 0 OR f.customer_id IN (SELECT unnest(CAST(? AS VARCHAR[]))))
),
reordered AS (
    SELECT h.customer_id, min(o.order_date) AS reordered_on
    FROM history h JOIN order_days o
      ON o.customer_id = h.customer_id AND o.order_date > h.warned_on AND o.order_date <= ?
    WHERE h.newest = 1
    GROUP BY h.customer_id
)
SELECT h.customer_id, c.customer_name, c.manager_id,
       CASE WHEN r.reordered_on IS NOT NULL THEN 'recovered' ELSE h.status END AS status,
       h.status AS recorded_status, r.reordered_on IS NOT NULL AS recovered_by_order,
       r.reordered_on, h.note, h.warned_on, h.updated_at,
       CASE WHEN r.reordered_on IS NOT NULL THEN r.reordered_on
            WHEN h.status = 'recovered' THEN CAST(h.updated_at AS DATE) END AS recovered_on,
       h.newest = 1 AS current
FROM history h
LEFT JOIN reordered r ON r.customer_id = h.customer_id AND h.newest = 1
LEFT JOIN customers c ON c.customer_id = h.customer_id
WHERE ? OR h.newest = 1
ORDER BY h.customer_id, h.updated_at DESC
"""


def followups(
    con, customer_ids: tuple[str, ...] = (), as_of: date | None = None, history: bool = False
) -> pd.DataFrame:
    """Follow-ups of warnings recorded on or before the as-of date (default: all).

    By default the current one per customer (the latest row); with history=True every row,
    newest first. A customer who ordered again after the follow-up's warned_on date (and on or
    before the as-of date) shows as recovered by itself (recovered_by_order, reordered_on).
    Columns: customer_id, customer_name, manager_id, status, recorded_status, recovered_by_order,
    reordered_on, note, warned_on, updated_at, recovered_on, current."""
    as_of = as_of or date.max
    ids = [str(c) for c in customer_ids]
    return db.query(con, _FOLLOWUPS_SQL, [as_of, len(ids), ids, as_of, history])


def warning_facts(
    con, filters: Filters, as_of: date | None = None, settings: dict | None = None
) -> pd.DataFrame:
    """rule_facts with each customer's current follow-up and whether a warning is open:
    adds followup_status, followup_note, followed_up_at, warned, open (see _with_followups)."""
    settings = settings if settings is not None else config.load_settings()
    as_of = as_of or last_data_date(con) or date.today()
    return _with_followups(con, rule_facts(con, filters, as_of, settings), as_of, settings)


def _with_followups(con, frame: pd.DataFrame, as_of: date, settings: dict) -> pd.DataFrame:
    """Add followup_status, followup_note, followed_up_on and `open` to rule facts.

    A warning is open when at least one rule fired and it is not closed by its follow-up: a
    follow-up marked lost closes it; a recovery (marked, or by a new order) closes it for
    recovered_hold_days after the recovery, after which a still-firing rule opens it again."""
    current = followups(con, as_of=as_of)
    current = current[["customer_id", "status", "note", "updated_at", "recovered_on"]].rename(
        columns={"status": "followup_status", "note": "followup_note", "updated_at": "followed_up_at"}
    )
    out = frame.merge(current, on="customer_id", how="left")
    hold = int(warning_settings(settings)["recovered_hold_days"])
    recovered_on = pd.to_datetime(out["recovered_on"])
    still_held = (pd.Timestamp(as_of) - recovered_on).dt.days <= hold
    closed = (out["followup_status"] == "lost") | ((out["followup_status"] == "recovered") & still_held)
    out["warned"] = out["rules"] != ""
    out["open"] = out["warned"] & ~closed.fillna(False).astype(bool)
    return out.drop(columns=["recovered_on"])


# ----------------------------------------------------------------------- the list


def warning_list(
    con,
    filters: Filters,
    as_of: date | None = None,
    settings: dict | None = None,
    risk=None,
    include_all: bool = False,
) -> pd.DataFrame:
    """The loss-warning list as of a date: rule facts, fired rules, follow-up and risk score,
    sorted by revenue at risk x risk (risk = the model's score, or when the model could not be
    trained, the share of rules fired), then by revenue at risk.

    `risk` is a risk_model.RiskAssessment for the same as-of date (None: no score). Without
    include_all only warned customers; with it every customer with an order on or before as_of."""
    return rank(warning_facts(con, filters, as_of, settings), risk, include_all)


def rank(frame: pd.DataFrame, risk=None, include_all: bool = False) -> pd.DataFrame:
    """Join the risk scores to rule facts and sort by revenue at risk x risk (see warning_list)."""
    scores = getattr(risk, "scores", None)
    if scores is not None and getattr(risk, "trained", False) and not scores.empty:
        out = frame.merge(scores[["customer_id", "risk_score"]], on="customer_id", how="left")
    else:
        out = frame.assign(risk_score=float("nan"))
    out["risk_score"] = out["risk_score"].astype("float64")
    fired = out[list(RULES)].sum(axis=1) if not out.empty else pd.Series([], dtype="float64")
    weight = out["risk_score"].fillna(fired / len(RULES))
    out["priority"] = out["revenue_at_risk"].astype("float64") * weight
    if not include_all:
        out = out[out["rules"] != ""]
    return out.sort_values(
        ["priority", "revenue_at_risk", "customer_id"], ascending=[False, False, True], ignore_index=True
    )


def filter_by_rules(frame: pd.DataFrame, rules: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """Rows where at least one of `rules` fired (all rows when none is given)."""
    if not rules:
        return frame
    return frame[frame[list(rules)].any(axis=1)].reset_index(drop=True)


# ----------------------------------------------------------------------- counts


def open_warnings_by_manager(
    con, filters: Filters, as_of: date | None = None, settings: dict | None = None
) -> pd.DataFrame:
    """Open loss warnings per manager as of a date (rules only, no model): warned customers whose
    follow-up has not closed the warning (not lost, not recently recovered).

    Every manager with a customer in scope appears, with 0 when none is open.
    Columns: manager_id, open_warnings."""
    counts = warning_counts(con, filters, as_of, settings)
    return counts[["manager_id", "open_warnings"]]


def warning_counts(
    con, filters: Filters, as_of: date | None = None, settings: dict | None = None
) -> pd.DataFrame:
    """Warned and open warnings per manager (with the manager's name and team), as of a date.

    Columns: manager_id, manager_name, team, customers (with an order up to as_of), warned,
    open_warnings, and lost_customers: customers in scope who are closed, or whose last order up
    to as_of is more than lost_after_days days old (the scorecard's lost customers, from the same
    pass). Sorted by open warnings, most first. warned and open_warnings are the figures of
    count_by_manager(warning_facts(...)), counted in the database (no row per customer leaves it)."""
    settings = settings if settings is not None else config.load_settings()
    as_of = as_of or last_data_date(con) or date.today()
    ctes, params = _rules_ctes(filters, as_of, settings)
    ws = warning_settings(settings)
    cutoff = as_of - timedelta(days=int(ws["lost_after_days"]) - 1)
    sql = ctes + _COUNTS_SELECT.format(
        followups=_FOLLOWUPS_SQL, warned=" OR ".join(f"coalesce({rule}, FALSE)" for rule in RULES)
    )
    return db.query(
        con, sql, [*params, as_of, 0, [], as_of, False, as_of, int(ws["recovered_hold_days"]), cutoff]
    )


# Closed warnings as in _with_followups: marked lost, or recovered within recovered_hold_days.
_COUNTS_SELECT = """,
current_followup AS (
{followups}
),
judged AS (
    SELECT f.manager_id, f.manager_name, f.team, ({warned}) AS warned,
           coalesce(cf.status = 'lost' OR (cf.status = 'recovered'
                    AND CAST(? AS DATE) - cf.recovered_on <= CAST(? AS INTEGER)), FALSE) AS closed
    FROM fired f LEFT JOIN current_followup cf ON cf.customer_id = f.customer_id
    WHERE f.manager_id IS NOT NULL
),
counted AS (
    SELECT manager_id, any_value(manager_name) AS manager_name, any_value(team) AS team,
           count(*) AS customers, count(*) FILTER (WHERE warned) AS warned,
           count(*) FILTER (WHERE warned AND NOT closed) AS open_warnings
    FROM judged
    GROUP BY manager_id
),
lost AS (
    SELECT s.manager_id, count(*) AS lost_customers
    FROM scope s LEFT JOIN per_customer p ON p.customer_no = s.customer_no
    WHERE s.manager_id IS NOT NULL
      AND (coalesce(s.status, 'active') = 'closed' OR p.last_order_date < CAST(? AS DATE))
    GROUP BY s.manager_id
)
SELECT coalesce(c.manager_id, l.manager_id) AS manager_id,
       coalesce(c.manager_name, mg.manager_name) AS manager_name, coalesce(c.team, mg.team) AS team,
       coalesce(c.customers, 0) AS customers, coalesce(c.warned, 0) AS warned,
       coalesce(c.open_warnings, 0) AS open_warnings, coalesce(l.lost_customers, 0) AS lost_customers
FROM counted c
FULL JOIN lost l ON l.manager_id = c.manager_id
LEFT JOIN managers mg ON mg.manager_id = l.manager_id
ORDER BY open_warnings DESC, manager_id
"""


def count_by_manager(facts: pd.DataFrame) -> pd.DataFrame:
    """warning_counts from warning_facts the caller already has (the warnings page)."""
    if facts.empty:
        return pd.DataFrame(
            {
                "manager_id": pd.Series(dtype=object),
                "manager_name": pd.Series(dtype=object),
                "team": pd.Series(dtype=object),
                "customers": pd.Series(dtype="int64"),
                "warned": pd.Series(dtype="int64"),
                "open_warnings": pd.Series(dtype="int64"),
            }
        )
    frame = facts[facts["manager_id"].notna()]
    grouped = frame.groupby("manager_id", as_index=False).agg(
        manager_name=("manager_name", "first"),
        team=("team", "first"),
        customers=("customer_id", "size"),
        warned=("warned", "sum"),
        open_warnings=("open", "sum"),
    )
    grouped[["warned", "open_warnings"]] = grouped[["warned", "open_warnings"]].astype("int64")
    return grouped.sort_values(["open_warnings", "manager_id"], ascending=[False, True], ignore_index=True)


def open_warnings_by_team(counts: pd.DataFrame) -> pd.DataFrame:
    """Sum of warning_counts per team: team, managers, warned, open_warnings."""
    return (
        counts.assign(team=counts["team"].fillna("—"))
        .groupby("team", as_index=False)
        .agg(
            managers=("manager_id", "size"), warned=("warned", "sum"), open_warnings=("open_warnings", "sum")
        )
        .sort_values(["open_warnings", "team"], ascending=[False, True], ignore_index=True)
    )


# ----------------------------------------------------------------------- command line

CLI_COLUMNS = [
    "customer_id",
    "customer_name",
    "manager_id",
    "customer_class",
    "risk_score",
    "rules",
    "revenue_at_risk",
    "days_since_last_order",
    "last_order_date",
    "last_visit_date",
]


def add_commands(subparsers, parents) -> None:
    cmd = subparsers.add_parser(
        "warnings",
        parents=[parents["db"], parents["filters"]],
        help="loss warnings as of a date: fired rules, risk score, revenue at risk",
    )
    cmd.add_argument(
        "--as-of",
        dest="as_of",
        type=date.fromisoformat,
        help="as-of date, YYYY-MM-DD (default: the last data date)",
    )
    cmd.add_argument(
        "--all",
        dest="include_all",
        action="store_true",
        help="every customer with an order on or before the as-of date, warned or not",
    )
    cmd.set_defaults(handler=_cmd_warnings)


def _cmd_warnings(args: argparse.Namespace) -> int:
    from analytics import risk_model

    con = cli.open_db(args)
    filters = cli.filters_from_args(args, con)
    as_of = args.as_of or last_data_date(con) or date.today()
    settings = config.load_settings()
    risk = risk_model.assess(con, as_of, settings)
    frame = warning_list(con, filters, as_of, settings, risk=risk, include_all=args.include_all)
    out = frame[CLI_COLUMNS].copy()
    out["risk_score"] = out["risk_score"].round(4)
    out["revenue_at_risk"] = out["revenue_at_risk"].round(2)
    out["days_since_last_order"] = out["days_since_last_order"].astype("Int64")
    cli.print_csv(out)
    return 0
