"""Manager scorecards: each manager's service and sales figures against the written standard.

Per manager and period (domain guide §4):
- customers = the manager's open customers (`customers.manager_id`, status not closed);
- visits = visits the manager made in the period;
- coverage, frequency / duration / appointment compliance: see analytics.visits;
- field days per week = distinct dates with an on-site visit ÷ (period days ÷ 7);
  visits per field day = on-site visits ÷ those dates (0 when none);
- sales = order amount of the manager's customers in the period; growth_yoy = sales ÷ the same
  period last year − 1 (empty when last year had no sales);
- target attainment = sales ÷ the targets of the months overlapping the period, a partly covered
  month counting in proportion of its days (empty without targets);
- active = customers with an order in the period; lost = customers that ordered before but not in
  the `lost_after_days` days up to the period's end, or closed; at risk = open loss warnings;
- retention = share of the customers that ordered in the 12 calendar months before the period's
  first month who ordered again in the period.

Every item is scored 0–100 as its ratio to the standard, capped at 100: coverage, frequency and
duration compliance and retention against 100 %, field days against `field_days_per_week`, visits
per field day against `customers_per_field_day`, target attainment against 100 %, and sales growth
as 100 when growth ≥ 0, else 100 × (1 + growth) (a 20 % fall scores 80). Items without data (no
targets, no sales last year, no timed visits …) are dropped and the weights of the remaining items
renormalised. The composite is the weighted mean; its status is "on track" from `on_track` up,
"at risk" from `at_risk` up, else "behind". Rank 1 is the best composite (ties by manager_id).

The figures are computed for a set of periods in one set-based query, so the monthly trend of the
scores costs one query, not one per month or per manager (periods spanning more than ten years are
split into groups). Sales come from order_months for whole months and from order_days only for
partly covered months; each customer meets each period once (a bit mask of its order months,
built in the same pass that sums a scorecard's sales per customer). Visits are counted per
manager and day before they meet the period calendar. manager_items needs only the figures, so
it computes no lost customers or warnings; the scorecard asks the warnings module once per call.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta

import numpy as np
import pandas as pd

from analytics import config
from analytics.db import query
from analytics.filters import (
    Filters,
    add_months,
    customer_scope_sql,
    manager_scope_sql,
    month_end,
    month_start,
    shift_years,
)
from analytics.visits import (
    FALLBACK_CLASS,
    class_standards,
    coverage_window,
    customer_part,
    manager_part,
    month_split,
    order_amounts_sql,
    standards_cte,
)

ITEMS = (
    "coverage",
    "frequency_compliance",
    "duration_compliance",
    "field_days",
    "visits_per_field_day",
    "sales_growth",
    "target_attainment",
    "retention",
)
STATUSES = ("on_track", "at_risk", "behind")
CLI_COLUMNS = [
    "manager_id",
    "manager_name",
    "team",
    "customers",
    "visits",
    "coverage",
    "frequency_compliance",
    "duration_compliance",
    "field_days_per_week",
    "visits_per_field_day",
    "sales",
    "growth_yoy",
    "target_attainment",
    "active_customers",
    "at_risk_customers",
    "lost_customers",
    "score",
    "status",
    "rank",
]
DEFAULT_LOST_AFTER_DAYS = 90
# A customer's order months as bits of a HUGEINT (127 usable bits): periods are grouped so that
# their months fit in _MASK_MONTHS bits; in a single longer period the months from bit 126 on are
# folded into bit 126, all of them whole months of the period itself.
_MASK_MONTHS = 120
_MASK_BITS = 127


def _settings(settings: dict | None) -> dict:
    return settings if settings is not None else config.load_settings()


# ------------------------------------------------------------------ periods


def _period_row(number: int, start: date, end: date, settings: dict) -> list:
    """The dates one period needs: its own, last year's, the retention base months and the
    coverage window."""
    first_month = month_start(start)
    cov_start, cov_end = coverage_window(end, settings)
    return [
        number,
        start,
        end,
        (end - start).days + 1,
        shift_years(start, -1),
        shift_years(end, -1),
        add_months(first_month, -12),
        add_months(first_month, -1),
        cov_start,
        cov_end,
    ]


def _target_rows(number: int, start: date, end: date) -> list[list]:
    """(period, 'YYYY-MM', share of the month's days inside the period) for each month it touches."""
    rows, month = [], month_start(start)
    while month <= end:
        last = month_end(month)
        inside = (min(last, end) - max(month, start)).days + 1
        rows.append([number, month.strftime("%Y-%m"), inside / last.day])
        month = add_months(month, 1)
    return rows


def _sales_parts(number: int, role: str, start: date, end: date) -> tuple[list[list], list[list]]:
    """[start, end] as [period, role, month] rows of whole months (read from order_months) and
    [period, role, from, to] parts of partly covered months (read from order_days)."""
    months, parts = month_split(start, end)
    return [[number, role, m] for m in months], [[number, role, a, b] for a, b in parts]


def _values(columns: str, types: tuple[str, ...], rows: list[list]) -> tuple[str, list]:
    """A VALUES CTE `columns` with one row of bound parameters per row."""
    row = "(" + ", ".join(f"CAST(? AS {t})" for t in types) + ")"
    return f"{columns} AS (VALUES {', '.join(row for _ in rows)})", [v for r in rows for v in r]


_PERIOD_TYPES = ("INTEGER", "DATE", "DATE", "INTEGER", "DATE", "DATE", "DATE", "DATE", "DATE", "DATE")
_PERIOD_COLUMNS = (
    "periods(period_no, p_start, p_end, p_days, ly_start, ly_end, base_from, base_to, cov_start, cov_end)"
)

# Sales are read per calendar month from order_months where a period (or last year's period)
# covers the whole month, and per day from order_days only for the partly covered months. The
# whole months of each (period, role) are one range of months, summed per customer in the same
# pass over order_months that builds the customer's bit mask of order months; only the customer
# totals then meet the book.
_WHOLE_SUM = "sum(CASE WHEN month BETWEEN ? AND ? THEN amount END) AS {column}"
# Few (period, role) ranges (a scorecard): their sums come with the customer's month mask.
_CUSTOMER_SUMS = """
        SELECT pm.period_no, w.manager_id, {now} AS sales, {ly} AS sales_ly
        FROM (SELECT b.manager_id{totals}
              FROM book b JOIN customer_months c ON c.customer_no = b.customer_no
              GROUP BY b.manager_id) w
        CROSS JOIN period_masks pm"""
# Many (a monthly trend): each order month meets the (period, role) pairs it belongs to.
_MONTH_SUMS = """
        SELECT sm.period_no, b.manager_id,
               sum(m.amount) FILTER (WHERE sm.role = 'now') AS sales,
               sum(m.amount) FILTER (WHERE sm.role = 'ly') AS sales_ly
        FROM order_months m
        JOIN {sales_months} ON sm.month = m.month
        JOIN book b ON b.customer_no = m.customer_no
        WHERE m.month BETWEEN ? AND ?
        GROUP BY sm.period_no, b.manager_id"""
_MAX_CUSTOMER_SUMS = 4
_PART_MONTH_BRANCH = """
    SELECT CAST(? AS INTEGER) AS period_no, CAST(? AS VARCHAR) AS role, d.customer_id, d.amount
    FROM order_days d WHERE d.order_date BETWEEN ? AND ?"""
_NO_PART_BRANCH = """
    SELECT CAST(NULL AS INTEGER) AS period_no, CAST(NULL AS VARCHAR) AS role,
           CAST(NULL AS VARCHAR) AS customer_id, CAST(NULL AS DOUBLE) AS amount
    WHERE FALSE"""

_FIGURES_SQL = """
WITH {periods},
{targets},
{standards},
{period_masks},
mgr AS (
    SELECT m.manager_id, coalesce(m.manager_name, m.manager_id) AS manager_name, m.team
    FROM managers m WHERE {manager_scope}
),
book AS (
    SELECT c.customer_id, k.customer_no, c.manager_id, coalesce(c.status, 'active') <> 'closed' AS is_open,
           coalesce(known.customer_class, ?) AS service_class
    FROM customers c
    JOIN mgr ON mgr.manager_id = c.manager_id
    LEFT JOIN standards known ON known.customer_class = c.customer_class
    LEFT JOIN customer_keys k ON k.customer_id = c.customer_id
    WHERE {customer_scope}
),
open_book AS (
    SELECT manager_id, count(*) AS open_customers FROM book WHERE is_open GROUP BY manager_id
),
-- The compliance window of each class: the period, or the interval ending at the period's end.
class_windows AS (
    SELECT p.period_no, s.customer_class,
           CASE WHEN p.p_days >= s.interval_days THEN p.p_start
                ELSE p.p_end - (s.interval_days - 1) END AS w_start,
           CASE WHEN p.p_days >= s.interval_days THEN floor(p.p_days / s.interval_days)
                ELSE 1 END AS expected,
           p.p_end AS w_end
    FROM periods p CROSS JOIN standards s
),
-- Per period and class, the days a visit counts for: in the compliance window and/or in the
-- coverage window. One row per (period, class, day), so a visit meets each period once.
visit_days AS (
    SELECT period_no, customer_class, day, bool_or(in_window) AS in_window, bool_or(in_cover) AS in_cover
    FROM (
        SELECT w.period_no, w.customer_class, CAST(g.d AS DATE) AS day, TRUE AS in_window, FALSE AS in_cover
        FROM class_windows w, generate_series(w.w_start, w.w_end, INTERVAL 1 DAY) AS g(d)
        UNION ALL
        SELECT p.period_no, s.customer_class, CAST(g.d AS DATE), FALSE, TRUE
        FROM periods p CROSS JOIN standards s, generate_series(p.cov_start, p.cov_end - 1, INTERVAL 1 DAY) AS g(d)
    )
    GROUP BY period_no, customer_class, day
),
period_days AS (
    SELECT p.period_no, CAST(g.d AS DATE) AS day
    FROM periods p, generate_series(p.p_start, p.p_end, INTERVAL 1 DAY) AS g(d)
),
-- Each visited customer's standard and whether it is an open customer of the book (joined by
-- customer_no: no text compared). Compliance and workload each read the visits through it:
-- at 3.4 million visits that is faster than materialising them once for both.
visit_customers AS (
    SELECT k.customer_no, s.customer_class AS service_class, s.min_minutes, s.max_minutes, s.lead_days,
           mgr.manager_id IS NOT NULL AND coalesce(c.status, 'active') <> 'closed' AS in_open_book
    FROM customers c
    JOIN customer_keys k ON k.customer_id = c.customer_id
    LEFT JOIN mgr ON mgr.manager_id = c.manager_id
    LEFT JOIN standards known ON known.customer_class = c.customer_class
    JOIN standards s ON s.customer_class = coalesce(known.customer_class, ?)
    WHERE {visit_scope}
),
vis AS NOT MATERIALIZED (
    SELECT v.customer_no, v.manager_id, day, v.method = 'onsite' AS onsite, v.duration_min IS NOT NULL AS timed,
           booked_on IS NOT NULL AS booked, vc.customer_no IS NOT NULL AS known_customer, vc.service_class,
           coalesce(vc.in_open_book, FALSE) AS in_open_book,
           v.duration_min BETWEEN coalesce(vc.min_minutes, ?) AND coalesce(vc.max_minutes, ?) AS in_length,
           coalesce(vc.lead_days, ?) >= 0 AS booking_required,
           coalesce(vc.lead_days, ?) >= 0 AND day - booked_on >= coalesce(vc.lead_days, ?) AS booked_in_time
    FROM (SELECT customer_no, manager_id, CAST(visit_date AS DATE) AS day, method, duration_min,
                 CAST(appointment_date AS DATE) AS booked_on
          FROM visits WHERE visit_date >= ? AND visit_date < ?) v
    LEFT JOIN visit_customers vc ON vc.customer_no = v.customer_no
),
open_visits AS (
    SELECT customer_no, day, service_class FROM vis WHERE in_open_book
),
seen AS (
    SELECT vd.period_no, v.customer_no, count(*) FILTER (WHERE vd.in_window) AS actual,
           bool_or(vd.in_cover) AS covered
    FROM open_visits v
    JOIN visit_days vd ON vd.customer_class = v.service_class AND vd.day = v.day
    GROUP BY vd.period_no, v.customer_no
),
-- Customers without a visit are neither compliant (at least one visit is always expected) nor
-- covered, so only visited customers need counting; the denominator is the open book.
served AS (
    SELECT s.period_no, b.manager_id,
           count(*) FILTER (WHERE s.actual >= w.expected) AS compliant_customers,
           count(*) FILTER (WHERE s.covered) AS covered_customers
    FROM seen s
    JOIN book b ON b.customer_no = s.customer_no
    JOIN class_windows w ON w.period_no = s.period_no AND w.customer_class = b.service_class
    GROUP BY s.period_no, b.manager_id
),
-- Visits to customers missing from the customers table are held to the fallback class when no
-- customer filter is set (and left out otherwise, as the filter cannot hold for them).
-- Counted per manager and day first (a field date is a day with an on-site visit), then per
-- period; for every visiting manager, the final join keeps the managers in scope.
manager_days AS (
    SELECT v.manager_id, v.day, count(*) AS visits,
           count(*) FILTER (WHERE v.onsite) AS onsite_visits,
           count(*) FILTER (WHERE v.timed) AS timed_visits,
           count(*) FILTER (WHERE v.in_length) AS visits_in_length,
           count(*) FILTER (WHERE v.booking_required) AS booking_required,
           count(*) FILTER (WHERE v.booked_in_time) AS booked_in_time,
           count(*) FILTER (WHERE v.booked) AS with_appointment
    FROM vis v
    WHERE v.known_customer OR ?
    GROUP BY v.manager_id, v.day
),
work AS (
    SELECT pd.period_no, d.manager_id, CAST(sum(d.visits) AS BIGINT) AS visits,
           count(*) FILTER (WHERE d.onsite_visits > 0) AS field_dates,
           CAST(sum(d.onsite_visits) AS BIGINT) AS onsite_visits,
           CAST(sum(d.timed_visits) AS BIGINT) AS timed_visits,
           CAST(sum(d.visits_in_length) AS BIGINT) AS visits_in_length,
           CAST(sum(d.booking_required) AS BIGINT) AS booking_required,
           CAST(sum(d.booked_in_time) AS BIGINT) AS booked_in_time,
           CAST(sum(d.with_appointment) AS BIGINT) AS with_appointment
    FROM manager_days d
    JOIN period_days pd ON pd.day = d.day
    GROUP BY pd.period_no, d.manager_id
),
-- Who bought and who belongs to the retention base from one bit mask of order months per
-- customer (bit i = i-th month from the first base month), so each customer meets each period
-- once instead of once per order month; the same pass sums each period's whole months.
-- Grouped by the integer customer_no (a perfect hash table: no text hashed or compared).
customer_months AS (
    SELECT customer_no,
           bit_or(CAST(1 AS HUGEINT) << CAST(least(datediff('month', CAST(? AS DATE), month), 126) AS INTEGER))
               {mask_filter}AS months{whole_sums}
    FROM order_months
    WHERE month BETWEEN ? AND ?
    GROUP BY customer_no
),
part_rows AS ({part_branches}
),
sales AS (
    SELECT period_no, manager_id, sum(sales) AS sales, sum(sales_ly) AS sales_ly
    FROM (
{whole_sales}
        UNION ALL
        SELECT r.period_no, b.manager_id,
               sum(r.amount) FILTER (WHERE r.role = 'now'), sum(r.amount) FILTER (WHERE r.role = 'ly')
        FROM part_rows r JOIN book b ON b.customer_id = r.customer_id
        GROUP BY r.period_no, b.manager_id
    )
    GROUP BY period_no, manager_id
),
bought_in_part AS (
    SELECT DISTINCT period_no, customer_id FROM part_rows WHERE role = 'now'
),
customer_periods AS (
    SELECT pm.period_no, b.manager_id,
           (o.months >> pm.base_offset) & ((CAST(1 AS HUGEINT) << pm.base_months) - 1) <> 0 AS in_base,
           (o.months >> pm.now_offset) & ((CAST(1 AS HUGEINT) << pm.now_months) - 1) <> 0
               OR bp.customer_id IS NOT NULL AS active
    FROM book b
    CROSS JOIN period_masks pm
    LEFT JOIN customer_months o ON o.customer_no = b.customer_no
    LEFT JOIN bought_in_part bp ON bp.period_no = pm.period_no AND bp.customer_id = b.customer_id
),
standing AS (
    SELECT period_no, manager_id,
           count(*) FILTER (WHERE active) AS active_customers,
           count(*) FILTER (WHERE in_base) AS base_customers,
           count(*) FILTER (WHERE in_base AND active) AS retained_customers
    FROM customer_periods
    GROUP BY period_no, manager_id
),
planned AS (
    SELECT tm.period_no, t.manager_id, sum(t.sales_target * tm.weight) AS target
    FROM targets t
    JOIN target_months tm ON tm.month = t.month
    JOIN mgr ON mgr.manager_id = t.manager_id
    GROUP BY tm.period_no, t.manager_id
)
SELECT p.period_no, p.p_start AS period_start, mgr.manager_id, mgr.manager_name, mgr.team,
       coalesce(ob.open_customers, 0) AS customers,
       coalesce(w.visits, 0) AS visits,
       1.0 * coalesce(sv.covered_customers, 0) / ob.open_customers AS coverage,
       1.0 * coalesce(sv.compliant_customers, 0) / ob.open_customers AS frequency_compliance,
       1.0 * w.visits_in_length / nullif(w.timed_visits, 0) AS duration_compliance,
       CASE WHEN sum(coalesce(w.with_appointment, 0)) OVER (PARTITION BY p.period_no) > 0
            THEN 1.0 * w.booked_in_time / nullif(w.booking_required, 0) END AS appointment_compliance,
       coalesce(w.field_dates, 0) / (p.p_days / 7.0) AS field_days_per_week,
       coalesce(1.0 * w.onsite_visits / nullif(w.field_dates, 0), 0) AS visits_per_field_day,
       coalesce(y.sales, 0) AS sales,
       y.sales_ly AS sales_last_year,
       coalesce(y.sales, 0) / nullif(y.sales_ly, 0) - 1 AS growth_yoy,
       pl.target,
       coalesce(y.sales, 0) / nullif(pl.target, 0) AS target_attainment,
       1.0 * st.retained_customers / nullif(st.base_customers, 0) AS retention,
       coalesce(st.active_customers, 0) AS active_customers
FROM mgr CROSS JOIN periods p
LEFT JOIN open_book ob ON ob.manager_id = mgr.manager_id
LEFT JOIN served sv ON sv.period_no = p.period_no AND sv.manager_id = mgr.manager_id
LEFT JOIN work w ON w.period_no = p.period_no AND w.manager_id = mgr.manager_id
LEFT JOIN sales y ON y.period_no = p.period_no AND y.manager_id = mgr.manager_id
LEFT JOIN standing st ON st.period_no = p.period_no AND st.manager_id = mgr.manager_id
LEFT JOIN planned pl ON pl.period_no = p.period_no AND pl.manager_id = mgr.manager_id
WHERE mgr.manager_id IN (SELECT manager_id FROM book)
   OR mgr.manager_id IN (SELECT manager_id FROM work)
ORDER BY p.period_no, mgr.manager_id
"""


_LOST_SQL = """
WITH mgr AS (
    SELECT m.manager_id FROM managers m WHERE {manager_scope}
),
book AS (
    SELECT c.customer_id, c.manager_id, coalesce(c.status, 'active') = 'closed' AS is_closed
    FROM customers c JOIN mgr ON mgr.manager_id = c.manager_id
    WHERE {customer_scope}
),
-- Lost = closed, or ordered before the cutoff but not from it up to the end. "Ordered from the
-- cutoff" reads whole months from order_months and the partly covered months from order_days;
-- "ordered before" is looked up only for the open customers who did not order since (whole
-- months from order_months, the cutoff's month from order_days).
recent AS (
    SELECT customer_id FROM order_months WHERE {recent_months}
    UNION ALL
    SELECT customer_id FROM order_days WHERE {recent_days}
),
quiet AS (
    SELECT b.customer_id FROM book b
    WHERE NOT b.is_closed AND b.customer_id NOT IN (SELECT customer_id FROM recent)
),
earlier AS (
    SELECT m.customer_id FROM order_months m JOIN quiet q ON q.customer_id = m.customer_id WHERE m.month < ?
    UNION
    SELECT d.customer_id FROM order_days d JOIN quiet q ON q.customer_id = d.customer_id
    WHERE d.order_date >= ? AND d.order_date < ?
)
SELECT b.manager_id,
       count(*) FILTER (WHERE b.is_closed OR b.customer_id IN (SELECT customer_id FROM earlier))
           AS lost_customers
FROM book b
GROUP BY b.manager_id
ORDER BY b.manager_id
"""


def lost_customers(con, filters: Filters, settings: dict | None = None) -> pd.DataFrame:
    """Per manager, customers lost as of the period's end: closed, or ordered before but not in
    the `lost_after_days` days up to the end. Columns: manager_id, lost_customers."""
    settings = _settings(settings)
    lost_days = int(settings.get("warnings", {}).get("lost_after_days", DEFAULT_LOST_AFTER_DAYS))
    manager_scope, manager_params = manager_scope_sql(manager_part(filters), "m")
    customer_scope, customer_params = customer_scope_sql(customer_part(filters), "c")
    cutoff = filters.end - timedelta(days=lost_days - 1)
    months, parts = month_split(cutoff, filters.end)
    sql = _LOST_SQL.format(
        manager_scope=manager_scope,
        customer_scope=customer_scope,
        recent_months="month BETWEEN ? AND ?" if months else "FALSE",
        recent_days=" OR ".join("order_date BETWEEN ? AND ?" for _ in parts) or "FALSE",
    )
    recent = [months[0], months[-1]] if months else []
    return query(
        con,
        sql,
        [
            *manager_params,
            *customer_params,
            *recent,
            *(d for part in parts for d in part),
            month_start(cutoff),
            month_start(cutoff),
            cutoff,
        ],
    )


def period_figures(
    con, filters: Filters, periods: tuple[tuple[date, date], ...], settings: dict | None = None
) -> pd.DataFrame:
    """The scorecard's raw figures (no scores) for each manager in scope and each period.

    `periods` are (start, end) pairs; the result has `period_no` (0-based index into them) and
    `period_start`. Managers are selected by the team and manager filters and kept when they
    have customers in scope or made visits in a period; region and class select the customers."""
    settings = _settings(settings)
    chunks = _mask_chunks([_period_row(i, s, e, settings) for i, (s, e) in enumerate(periods)])
    if len(chunks) == 1:
        return _figures(con, filters, chunks[0], settings)
    frames = [_figures(con, filters, chunk, settings) for chunk in chunks]
    return pd.concat(frames, ignore_index=True).sort_values(
        ["period_no", "manager_id"], kind="stable", ignore_index=True
    )


def _month_number(d: date) -> int:
    return d.year * 12 + d.month - 1


def _mask_chunks(period_rows: list[list]) -> list[list[list]]:
    """The periods in groups whose months (from the first base month to the last period month)
    fit in one customer bit mask."""
    chunks: list[list[list]] = []
    for row in sorted(period_rows, key=lambda r: r[6]):
        if chunks and _month_number(row[2]) - _month_number(chunks[-1][0][6]) < _MASK_MONTHS:
            chunks[-1].append(row)
        else:
            chunks.append([row])
    return chunks


def _case(whens: list[str]) -> str:
    """CASE over the period number (NULL for a period without such whole months)."""
    return f"CASE pm.period_no {' '.join(whens)} END" if whens else "CAST(NULL AS DOUBLE)"


def _figures(con, filters: Filters, period_rows: list[list], settings: dict) -> pd.DataFrame:
    """period_figures for periods whose months span at most _MASK_MONTHS months."""
    target_rows = [row for r in period_rows for row in _target_rows(r[0], r[1], r[2])]
    periods_sql, period_params = _values(_PERIOD_COLUMNS, _PERIOD_TYPES, period_rows)
    targets_sql, target_params = _values(
        "target_months(period_no, month, weight)", ("INTEGER", "VARCHAR", "DOUBLE"), target_rows
    )
    standards_sql, standard_params = standards_cte(settings)
    manager_scope, manager_params = manager_scope_sql(manager_part(filters), "m")
    customer_scope, customer_params = customer_scope_sql(customer_part(filters), "c")
    standards = class_standards(settings)
    longest = max(row[1] for row in standards)
    _, _, low, high, lead = next(row for row in standards if row[0] == FALLBACK_CLASS)
    fallback = [low, high, lead, lead, lead]
    visits_from = min(
        min(r[1] for r in period_rows) - timedelta(days=longest), min(r[8] for r in period_rows)
    )
    visits_to = max(max(r[2] for r in period_rows) + timedelta(days=1), max(r[9] for r in period_rows))
    base_from = min(r[6] for r in period_rows)
    ranges, month_rows, parts, part_params, mask_rows, mask_to = [], [], [], [], [], base_from
    for number, start, end, _, ly_start, ly_end, from_month, to_month, *_ in period_rows:
        for role, first, last in (("now", start, end), ("ly", ly_start, ly_end)):
            months, part_rows = _sales_parts(number, role, first, last)
            if months:
                ranges.append((number, role, months[0][2], months[-1][2]))
                month_rows += months
            for part in part_rows:
                parts.append(_PART_MONTH_BRANCH)
                part_params += part
        now_months = [m for _, _, m in _sales_parts(number, "now", start, end)[0]]
        now_offset = _month_number(now_months[0] if now_months else start) - _month_number(base_from)
        mask_rows.append(
            [
                number,
                _month_number(from_month) - _month_number(base_from),
                _month_number(to_month) - _month_number(from_month) + 1,
                now_offset,
                min(len(now_months), _MASK_BITS - now_offset),
            ]
        )
        mask_to = max([mask_to, to_month, *now_months])
    masks_sql, mask_params = _values(
        "period_masks(period_no, base_offset, base_months, now_offset, now_months)",
        ("INTEGER",) * 5,
        mask_rows,
    )
    # Whole sales months lie between the first base month and the last month of the mask (should
    # one lie later, the mask leaves it out).
    scan_to = max([mask_to, *(r[3] for r in ranges)])
    mask_filter, mask_filter_params = (
        ("", []) if scan_to == mask_to else ("FILTER (WHERE month <= ?) ", [mask_to])
    )
    sums, sum_params, whole_params = [], [], []
    if len(ranges) <= _MAX_CUSTOMER_SUMS:
        cases = {"now": [], "ly": []}
        for i, (number, role, first, last) in enumerate(ranges):
            sums.append(_WHOLE_SUM.format(column=f"s{i}"))
            sum_params += [first, last]
            cases[role].append((f"WHEN ? THEN w.s{i}", number))
        whole_sales = _CUSTOMER_SUMS.format(
            totals="".join(f", sum(c.s{i}) AS s{i}" for i in range(len(ranges))),
            now=_case([w for w, _ in cases["now"]]),
            ly=_case([w for w, _ in cases["ly"]]),
        )
        whole_params = [n for role in ("now", "ly") for _, n in cases[role]]
    else:
        row = "(CAST(? AS INTEGER), CAST(? AS VARCHAR), CAST(? AS DATE))"
        whole_sales = _MONTH_SUMS.format(
            sales_months=f"(VALUES {', '.join(row for _ in month_rows)}) AS sm(period_no, role, month)"
        )
        whole_params = [*(v for r in month_rows for v in r), base_from, scan_to]
    sql = _FIGURES_SQL.format(
        periods=periods_sql,
        targets=targets_sql,
        standards=standards_sql,
        period_masks=masks_sql,
        manager_scope=manager_scope,
        customer_scope=customer_scope,
        visit_scope=customer_scope,
        whole_sums="".join(f",\n           {item}" for item in sums),
        whole_sales=whole_sales,
        mask_filter=mask_filter,
        part_branches="\n    UNION ALL".join(parts) or _NO_PART_BRANCH,
    )
    params = [
        *period_params,
        *target_params,
        *standard_params,
        *mask_params,
        *manager_params,
        FALLBACK_CLASS,
        *customer_params,
        FALLBACK_CLASS,
        *customer_params,
        *fallback,
        visits_from,
        visits_to,
        not customer_params,
        base_from,
        *mask_filter_params,
        *sum_params,
        base_from,
        scan_to,
        *part_params,
        *whole_params,
    ]
    return query(con, sql, params)


# ------------------------------------------------------------------ scores


def item_scores(figures: pd.DataFrame, settings: dict | None = None) -> pd.DataFrame:
    """Each item's score 0–100 (NaN where the item has no data), one column per item."""
    settings = _settings(settings)
    workload = settings.get("workload", {})
    field_standard = float(workload.get("field_days_per_week", 3))
    per_day_standard = float(workload.get("customers_per_field_day", 15))
    growth = figures["growth_yoy"].astype("float64")
    scores = pd.DataFrame(index=figures.index)
    scores["coverage"] = 100 * figures["coverage"].astype("float64")
    scores["frequency_compliance"] = 100 * figures["frequency_compliance"].astype("float64")
    scores["duration_compliance"] = 100 * figures["duration_compliance"].astype("float64")
    scores["field_days"] = 100 * figures["field_days_per_week"].astype("float64") / field_standard
    scores["visits_per_field_day"] = (
        100 * figures["visits_per_field_day"].astype("float64") / per_day_standard
    )
    scores["sales_growth"] = np.where(growth >= 0, 100.0, 100 * (1 + growth))
    scores.loc[growth.isna(), "sales_growth"] = np.nan
    scores["target_attainment"] = 100 * figures["target_attainment"].astype("float64")
    scores["retention"] = 100 * figures["retention"].astype("float64")
    return scores.clip(lower=0, upper=100)


def composite(scores: pd.DataFrame, settings: dict | None = None) -> pd.Series:
    """Weighted mean of the item scores; items without data are left out and the remaining
    weights renormalised. NaN when no weighted item has data."""
    weights = _settings(settings).get("scorecard", {}).get("weights", {})
    w = pd.Series({item: float(weights.get(item, 0)) for item in ITEMS})
    present = scores[list(ITEMS)].notna()
    weighted = scores[list(ITEMS)].fillna(0).mul(w, axis=1).sum(axis=1)
    total = present.mul(w, axis=1).sum(axis=1)
    return (weighted / total.where(total > 0)).astype("float64")


def status_of(score: pd.Series, settings: dict | None = None) -> pd.Series:
    """on_track / at_risk / behind from the status bands (empty where there is no score)."""
    bands = _settings(settings).get("scorecard", {}).get("status", {})
    on_track, at_risk = float(bands.get("on_track", 85)), float(bands.get("at_risk", 70))
    status = np.select(
        [score >= on_track, score >= at_risk, score.notna()], ["on_track", "at_risk", "behind"], default=""
    )
    return pd.Series([value or None for value in status], index=score.index, dtype=object)


def _rank(frame: pd.DataFrame, by: str, key: str) -> pd.Series:
    """1 = highest `by`; ties and missing values broken by `key`."""
    order = frame.sort_values([by, key], ascending=[False, True], na_position="last").index
    return pd.Series(range(1, len(order) + 1), index=order).reindex(frame.index)


def _scored(figures: pd.DataFrame, settings: dict) -> pd.DataFrame:
    scores = item_scores(figures, settings)
    frame = figures.join(scores.add_prefix("score_"))
    frame["score"] = composite(scores, settings)
    frame["status"] = status_of(frame["score"], settings)
    return frame


# ------------------------------------------------------------------ metrics


def scorecard(con, filters: Filters, settings: dict | None = None, at_risk: bool = True) -> pd.DataFrame:
    """One row per manager for the period: the figures, each item's score (`score_<item>`), the
    composite `score`, `status` and `rank` (1 = best). See the module docstring for definitions.

    at_risk_customers (open loss warnings as of the period's end) and lost_customers come from one
    pass of the warnings (warnings.warning_counts); with at_risk=False at_risk_customers is left
    empty and lost_customers is counted on its own (a cheaper query)."""
    settings = _settings(settings)
    if filters.start is None or filters.end is None:
        return pd.DataFrame(columns=[*CLI_COLUMNS])
    figures = period_figures(con, filters, ((filters.start, filters.end),), settings)
    frame = _scored(figures.drop(columns=["period_no", "period_start"]), settings)
    counts = _warning_counts(con, filters, settings) if at_risk else None
    lost = (counts if counts is not None else lost_customers(con, filters, settings)).set_index("manager_id")
    frame["lost_customers"] = frame["manager_id"].map(lost["lost_customers"]).fillna(0).astype("int64")
    frame["at_risk_customers"] = (
        _open_per_manager(frame["manager_id"], counts)
        if counts is not None
        else pd.Series(pd.NA, index=frame.index, dtype="Int64")
    )
    frame["rank"] = _rank(frame, "score", "manager_id")
    return frame.sort_values("rank").reset_index(drop=True)


def _warning_counts(con, filters: Filters, settings: dict) -> pd.DataFrame | None:
    """warnings.warning_counts as of the period's end (None while the module is unavailable)."""
    try:
        from analytics.warnings import warning_counts
    except ImportError:
        return None
    return warning_counts(con, filters, as_of=filters.end, settings=settings)


def _open_per_manager(managers: pd.Series, counts: pd.DataFrame) -> pd.Series:
    by_manager = counts.set_index("manager_id")["open_warnings"] if len(counts) else pd.Series(dtype="Int64")
    return managers.map(by_manager).fillna(0).astype("Int64")


def team_scorecard(con, filters: Filters, settings: dict | None = None) -> pd.DataFrame:
    """Per team: managers, the average of each figure and of the scores over its managers, the
    status of the average score, and the team's rank (1 = best average score)."""
    card = scorecard(con, filters, settings)
    return team_averages(card, settings)


def team_averages(card: pd.DataFrame, settings: dict | None = None) -> pd.DataFrame:
    """Team rows from a manager scorecard (see team_scorecard)."""
    if card.empty:
        return pd.DataFrame(columns=["team", "managers", "score", "status", "rank"])
    numeric = [
        c
        for c in card.columns
        if c not in ("manager_id", "manager_name", "team", "status", "rank")
        and pd.api.types.is_numeric_dtype(card[c])
    ]
    grouped = card.assign(team=card["team"].fillna("")).groupby("team", sort=True)
    teams = grouped[numeric].mean()
    teams.insert(0, "managers", grouped.size())
    teams = teams.reset_index()
    teams["status"] = status_of(teams["score"], settings)
    teams["rank"] = _rank(teams, "score", "team")
    return teams.sort_values("rank").reset_index(drop=True)


def monthly_scores(con, filters: Filters, months: int = 12, settings: dict | None = None) -> pd.DataFrame:
    """Each manager's composite score per calendar month, for the `months` months ending with the
    period's last month (that month counted up to the period's end): month, manager_id,
    manager_name, team, score, status."""
    settings = _settings(settings)
    if filters.end is None:
        return pd.DataFrame(columns=["month", "manager_id", "manager_name", "team", "score", "status"])
    last = month_start(filters.end)
    firsts = [add_months(last, -k) for k in range(months - 1, -1, -1)]
    periods = tuple((m, min(month_end(m), filters.end)) for m in firsts)
    figures = period_figures(con, filters, periods, settings)
    frame = _scored(figures, settings).rename(columns={"period_start": "month"})
    return frame[["month", "manager_id", "manager_name", "team", "score", "status"]].reset_index(drop=True)


def manager_items(con, filters: Filters, manager_id: str, settings: dict | None = None) -> pd.DataFrame:
    """One manager's scorecard items against the standard: item, value, standard, score, weight
    (weight after renormalisation over the items with data, in %)."""
    settings = _settings(settings)
    # The items need only the figures and scores: no lost customers, warnings or ranks.
    if filters.start is None or filters.end is None:
        card = pd.DataFrame(columns=["manager_id"])
    else:
        card = _scored(period_figures(con, filters, ((filters.start, filters.end),), settings), settings)
    row = card[card["manager_id"] == manager_id]
    if row.empty:
        return pd.DataFrame(columns=["item", "value", "standard", "score", "weight"])
    row = row.iloc[0]
    workload = settings.get("workload", {})
    weights = settings.get("scorecard", {}).get("weights", {})
    values = {
        "coverage": (row["coverage"], 1.0),
        "frequency_compliance": (row["frequency_compliance"], 1.0),
        "duration_compliance": (row["duration_compliance"], 1.0),
        "field_days": (row["field_days_per_week"], float(workload.get("field_days_per_week", 3))),
        "visits_per_field_day": (
            row["visits_per_field_day"],
            float(workload.get("customers_per_field_day", 15)),
        ),
        "sales_growth": (row["growth_yoy"], 0.0),
        "target_attainment": (row["target_attainment"], 1.0),
        "retention": (row["retention"], 1.0),
    }
    scores = pd.Series({item: row[f"score_{item}"] for item in ITEMS}, dtype="float64")
    raw = pd.Series({item: float(weights.get(item, 0)) for item in ITEMS})
    total = raw[scores.notna()].sum()
    return pd.DataFrame(
        {
            "item": list(ITEMS),
            "value": [values[i][0] for i in ITEMS],
            "standard": [values[i][1] for i in ITEMS],
            "score": scores.to_numpy(),
            "weight": [100 * raw[i] / total if total and pd.notna(scores[i]) else np.nan for i in ITEMS],
        }
    )


_WEEKDAYS_SQL = """
WITH days AS (SELECT * FROM range(7) AS g(weekday)),
counted AS (
    SELECT (CAST(isodow(v.visit_date) AS INTEGER) - 1) AS weekday, count(*) AS visits,
           count(*) FILTER (WHERE v.method = 'onsite') AS onsite_visits,
           count(DISTINCT CAST(v.visit_date AS DATE)) FILTER (WHERE v.method = 'onsite') AS field_days
    FROM visits v LEFT JOIN customers c ON c.customer_id = v.customer_id
    WHERE v.manager_id = ? AND {scope} AND v.visit_date >= ? AND v.visit_date < CAST(? AS DATE) + 1
    GROUP BY 1
)
SELECT days.weekday, coalesce(visits, 0) AS visits, coalesce(onsite_visits, 0) AS onsite_visits,
       coalesce(field_days, 0) AS field_days
FROM days LEFT JOIN counted USING (weekday)
ORDER BY days.weekday
"""


def weekday_pattern(con, filters: Filters, manager_id: str, settings: dict | None = None) -> pd.DataFrame:
    """A manager's visits in the period by weekday (0 = Monday): weekday, visits, onsite_visits,
    field_days, suggested (a field day the standard suggests, e.g. Mon, Wed, Thu)."""
    settings = _settings(settings)
    scope, params = customer_scope_sql(customer_part(filters), "c")
    frame = query(con, _WEEKDAYS_SQL.format(scope=scope), [manager_id, *params, filters.start, filters.end])
    suggested = {int(d) for d in settings.get("workload", {}).get("suggested_weekdays", [0, 2, 3])}
    frame["suggested"] = frame["weekday"].isin(suggested)
    return frame


def visit_lengths(con, filters: Filters, manager_id: str, settings: dict | None = None) -> pd.DataFrame:
    """A manager's timed visits in the period with the class standard: customer_class (unknown →
    regular), duration_min, min_minutes, max_minutes, within (duration inside the range)."""
    settings = _settings(settings)
    standards, standard_params = standards_cte(settings)
    scope, params = customer_scope_sql(customer_part(filters), "c")
    sql = f"""
    WITH {standards}
    SELECT s.customer_class, v.duration_min, s.min_minutes, s.max_minutes,
           v.duration_min BETWEEN s.min_minutes AND s.max_minutes AS within
    FROM visits v
    LEFT JOIN customers c ON c.customer_id = v.customer_id
    LEFT JOIN standards known ON known.customer_class = c.customer_class
    JOIN standards s ON s.customer_class = coalesce(known.customer_class, ?)
    WHERE v.manager_id = ? AND {scope} AND v.duration_min IS NOT NULL
      AND v.visit_date >= ? AND v.visit_date < CAST(? AS DATE) + 1
    ORDER BY s.customer_class, v.duration_min"""
    return query(
        con, sql, [*standard_params, FALLBACK_CLASS, manager_id, *params, filters.start, filters.end]
    )


_OVERDUE_SQL = """
WITH {standards},
book AS (
    SELECT c.customer_id, c.customer_name, c.customer_class, c.open_date,
           coalesce(known.customer_class, ?) AS service_class
    FROM customers c
    LEFT JOIN standards known ON known.customer_class = c.customer_class
    WHERE c.manager_id = ? AND coalesce(c.status, 'active') <> 'closed'
),
last_seen AS (
    SELECT v.customer_id, CAST(max(v.visit_date) AS DATE) AS last_visit
    FROM visits v JOIN book b USING (customer_id)
    WHERE v.visit_date < CAST(? AS DATE) + 1
    GROUP BY v.customer_id
),
bought AS (
    SELECT r.customer_id, sum(r.amount) AS sales
    FROM ({amounts}) r JOIN book b USING (customer_id)
    GROUP BY r.customer_id
),
due AS (
    SELECT b.customer_id, b.customer_name, b.customer_class, s.interval_days, l.last_visit,
           CASE WHEN l.last_visit IS NOT NULL THEN l.last_visit + s.interval_days
                WHEN b.open_date IS NOT NULL THEN least(b.open_date + s.interval_days, CAST(? AS DATE))
                ELSE CAST(? AS DATE) END AS due_date,
           coalesce(o.sales, 0) AS sales
    FROM book b
    JOIN standards s ON s.customer_class = b.service_class
    LEFT JOIN last_seen l USING (customer_id)
    LEFT JOIN bought o USING (customer_id)
)
SELECT customer_id, customer_name, customer_class, interval_days, last_visit, due_date,
       greatest(CAST(? AS DATE) - due_date, 0) AS days_overdue, sales
FROM due
ORDER BY due_date, sales DESC, customer_id
"""


def overdue_list(con, manager_id: str, as_of: date, settings: dict | None = None) -> pd.DataFrame:
    """Every open customer of the manager with its next visit due as of `as_of`, by due date:
    customer_id, customer_name, customer_class, interval_days, last_visit, due_date (last visit +
    class interval; never visited: as of now, or the interval after opening if that is sooner),
    days_overdue (0 when not yet due), sales (the 365 days up to as_of), open_warnings."""
    settings = _settings(settings)
    standards, standard_params = standards_cte(settings)
    amounts, amount_params = order_amounts_sql(as_of - timedelta(days=364), as_of)
    frame = query(
        con,
        _OVERDUE_SQL.format(standards=standards, amounts=amounts),
        [*standard_params, FALLBACK_CLASS, manager_id, as_of, *amount_params, as_of, as_of, as_of],
    )
    frame["open_warnings"] = _customer_warnings(con, manager_id, as_of, frame["customer_id"], settings)
    return frame


def _customer_warnings(con, manager_id: str, as_of: date, customers: pd.Series, settings: dict) -> pd.Series:
    """Open loss warnings per customer (the number of rules fired, 0 when none is open), from the
    warnings module; empty while it is unavailable."""
    try:
        from analytics.warnings import RULES, warning_list
    except ImportError:
        return pd.Series(pd.NA, index=customers.index, dtype="Int64")
    warned = warning_list(con, Filters(end=as_of, managers=(manager_id,)), as_of=as_of, settings=settings)
    warned = warned[warned["open"]]
    by_customer = warned.set_index("customer_id")[list(RULES)].sum(axis=1)
    return customers.map(by_customer).fillna(0).astype("Int64")


def visit_plan(
    con, manager_id: str, as_of: date, days: int = 14, settings: dict | None = None
) -> pd.DataFrame:
    """The overdue list cut to the customers due within the next `days` days (overdue included)."""
    return due_within(overdue_list(con, manager_id, as_of, settings), as_of, days)


def due_within(overdue: pd.DataFrame, as_of: date, days: int = 14) -> pd.DataFrame:
    """Rows of an overdue list due within `days` days after as_of (overdue included)."""
    horizon = pd.Timestamp(as_of + timedelta(days=days))
    return overdue[pd.to_datetime(overdue["due_date"]) <= horizon].reset_index(drop=True)


# ------------------------------------------------------------------ command line


def add_commands(subparsers, parents) -> None:
    card = subparsers.add_parser(
        "scorecard", parents=[parents["db"], parents["filters"]], help="manager scorecards for a period (CSV)"
    )
    card.set_defaults(handler=_cmd_scorecard)
    overdue = subparsers.add_parser(
        "overdue", parents=[parents["db"]], help="a manager's customers by next visit due (CSV)"
    )
    overdue.add_argument("--manager", required=True, help="manager_id")
    overdue.add_argument(
        "--as-of", dest="as_of", type=date.fromisoformat, help="YYYY-MM-DD (default: the last day with data)"
    )
    overdue.set_defaults(handler=_cmd_overdue)


def _cmd_scorecard(args: argparse.Namespace) -> int:
    from analytics import cli

    con = cli.open_db(args)
    filters = cli.filters_from_args(args, con)
    card = scorecard(con, filters)
    cli.print_csv(card.reindex(columns=CLI_COLUMNS))
    return 0


def _cmd_overdue(args: argparse.Namespace) -> int:
    from analytics import cli, db

    con = cli.open_db(args)
    as_of = args.as_of
    if as_of is None:
        span = db.data_range(con)
        as_of = span[1] if span else date.today()
    cli.print_csv(overdue_list(con, args.manager, as_of))
    return 0
