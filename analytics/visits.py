"""Visit compliance: how often, how long and how well booked the managers' visits are.

Definitions (domain guide §4):
- a customer of class k with interval I days is *compliant* over the window W (the period, or
  the I days ending at the period's end when the period is shorter than I) when it had at least
  floor(len(W) / I) visits in W — so at least one visit is always expected;
- a visit is *within length* when its duration is inside the class range (visits without a
  duration are left out);
- a visit is *booked in time* when its appointment was made at least the class lead time ahead
  (classes with lead -1 need no appointment and are left out);
- *coverage* = share of open customers visited at least once in the coverage window (the
  `coverage_window_months` calendar months that end with the period's last month).

A customer without a class (or with a class the settings do not know) is treated as regular.
Visits count whoever made them: compliance is about the customer being served.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd

from analytics import config
from analytics.db import query
from analytics.filters import Filters, add_months, customer_scope_sql, month_end, month_start

CLASSES = ("core", "potential", "regular", "assist")
FALLBACK_CLASS = "regular"
METHODS = ("onsite", "online", "phone")


# ------------------------------------------------------------------ shared SQL pieces


def class_standards(settings: dict) -> list[tuple]:
    """(class, interval_days, min_minutes, max_minutes, lead_days) for every class in the settings."""
    rows = []
    for name, spec in settings.get("classes", {}).items():
        rows.append(
            (
                name,
                int(spec["interval_days"]),
                float(spec["min_minutes"]),
                float(spec["max_minutes"]),
                int(spec["appointment_lead_days"]),
            )
        )
    if not any(row[0] == FALLBACK_CLASS for row in rows):
        rows.append((FALLBACK_CLASS, 60, 0.0, 1e9, -1))
    return rows


def standards_cte(settings: dict) -> tuple[str, list]:
    """`standards(customer_class, interval_days, min_minutes, max_minutes, lead_days)` as a CTE."""
    rows = class_standards(settings)
    marks = ", ".join(
        "(CAST(? AS VARCHAR), CAST(? AS INTEGER), CAST(? AS DOUBLE), CAST(? AS DOUBLE), CAST(? AS INTEGER))"
        for _ in rows
    )
    sql = f"standards(customer_class, interval_days, min_minutes, max_minutes, lead_days) AS (VALUES {marks})"
    return sql, [value for row in rows for value in row]


def coverage_window(end: date, settings: dict) -> tuple[date, date]:
    """First day of the coverage window and the day after it (the window holds whole months)."""
    months = int(settings.get("workload", {}).get("coverage_window_months", 2))
    last = month_start(end)
    return add_months(last, -(months - 1)), add_months(last, 1)


def month_split(start: date, end: date) -> tuple[list[date], list[tuple[date, date]]]:
    """[start, end] as the first days of the calendar months it covers whole, and the (from, to)
    parts of the months it covers only partly."""
    months, parts = [], []
    month = month_start(start)
    while month <= end:
        first, last = max(month, start), min(month_end(month), end)
        if first == month and last == month_end(month):
            months.append(month)
        else:
            parts.append((first, last))
        month = add_months(month, 1)
    return months, parts


def order_amounts_sql(start: date | None, end: date | None) -> tuple[str, list]:
    """A subquery of (customer_id, amount) rows whose sums per customer are the order amounts in
    [start, end]: whole months from order_months, partly covered months from order_days (a
    fraction of the rows the order days of a long range would be)."""
    if start is None or end is None or start > end:  # nothing to sum, as with BETWEEN
        return "SELECT d.customer_id, d.amount FROM order_days d WHERE d.order_date BETWEEN ? AND ?", [
            start,
            end,
        ]
    months, parts = month_split(start, end)
    branches, params = [], []
    if months:
        branches.append("SELECT m.customer_id, m.amount FROM order_months m WHERE m.month BETWEEN ? AND ?")
        params += [months[0], months[-1]]
    for first, last in parts:
        branches.append("SELECT d.customer_id, d.amount FROM order_days d WHERE d.order_date BETWEEN ? AND ?")
        params += [first, last]
    return " UNION ALL ".join(branches), params


def manager_part(filters: Filters) -> Filters:
    """The filters that select managers (team, manager)."""
    return replace(filters, regions=(), classes=())


def customer_part(filters: Filters) -> Filters:
    """The filters that select a manager's customers or visits (region, class)."""
    return replace(filters, teams=(), managers=())


def _settings(settings: dict | None) -> dict:
    return settings if settings is not None else config.load_settings()


# ------------------------------------------------------------------ compliance by class and team

_COMPLIANCE_SQL = """
WITH {standards},
book AS (
    SELECT c.customer_id, coalesce(mg.team, '') AS team,
           coalesce(known.customer_class, ?) AS customer_class
    FROM customers c
    LEFT JOIN managers mg ON mg.manager_id = c.manager_id
    LEFT JOIN standards known ON known.customer_class = c.customer_class
    WHERE {scope} AND coalesce(c.status, 'active') <> 'closed'
),
windows AS (
    SELECT b.customer_id, b.team, b.customer_class,
           CASE WHEN ? >= s.interval_days THEN CAST(? AS DATE)
                ELSE CAST(? AS DATE) - (s.interval_days - 1) END AS w_start,
           CASE WHEN ? >= s.interval_days THEN floor(? / s.interval_days) ELSE 1 END AS expected
    FROM book b JOIN standards s USING (customer_class)
),
seen AS (
    SELECT w.team, w.customer_class, w.customer_id, w.expected, count(v.visit_date) AS actual
    FROM windows w
    LEFT JOIN (
        SELECT customer_id, visit_date FROM visits
        WHERE visit_date >= ? AND visit_date < CAST(? AS DATE) + 1
    ) v ON v.customer_id = w.customer_id AND v.visit_date >= w.w_start
    GROUP BY w.team, w.customer_class, w.customer_id, w.expected
),
by_customer AS (
    SELECT team, customer_class, count(*) AS customers,
           count(*) FILTER (WHERE actual >= expected) AS compliant_customers
    FROM seen GROUP BY team, customer_class
),
by_visit AS (
    SELECT coalesce(mg.team, '') AS team, s.customer_class, count(*) AS visits,
           count(v.duration_min) AS timed_visits,
           count(*) FILTER (WHERE v.duration_min BETWEEN s.min_minutes AND s.max_minutes) AS visits_in_length,
           count(*) FILTER (WHERE s.lead_days >= 0) AS booking_required,
           count(*) FILTER (WHERE s.lead_days >= 0 AND CAST(v.visit_date AS DATE)
                            - CAST(v.appointment_date AS DATE) >= s.lead_days) AS booked_in_time,
           count(v.appointment_date) AS with_appointment
    FROM visits v
    JOIN customers c ON c.customer_id = v.customer_id
    LEFT JOIN managers mg ON mg.manager_id = c.manager_id
    LEFT JOIN standards known ON known.customer_class = c.customer_class
    JOIN standards s ON s.customer_class = coalesce(known.customer_class, ?)
    WHERE {scope} AND v.visit_date >= ? AND v.visit_date < CAST(? AS DATE) + 1
    GROUP BY 1, 2
)
SELECT coalesce(k.team, b.team) AS team, coalesce(k.customer_class, b.customer_class) AS customer_class,
       coalesce(k.customers, 0) AS customers, coalesce(k.compliant_customers, 0) AS compliant_customers,
       1.0 * k.compliant_customers / nullif(k.customers, 0) AS frequency_compliance,
       coalesce(b.visits, 0) AS visits,
       1.0 * b.visits_in_length / nullif(b.timed_visits, 0) AS duration_compliance,
       CASE WHEN sum(coalesce(b.with_appointment, 0)) OVER () > 0
            THEN 1.0 * b.booked_in_time / nullif(b.booking_required, 0) END AS appointment_compliance
FROM by_customer k
FULL JOIN by_visit b ON b.team = k.team AND b.customer_class = k.customer_class
ORDER BY 1, 2
"""


def _earliest_window_start(filters: Filters, settings: dict) -> date | None:
    """The first day any class's compliance window can start (bounds the visits read)."""
    if filters.end is None:
        return None
    longest = max(row[1] for row in class_standards(settings))
    earliest = filters.end - timedelta(days=longest - 1)
    return earliest if filters.start is None else min(filters.start, earliest)


def compliance_by_class(con, filters: Filters, settings: dict | None = None) -> pd.DataFrame:
    """Visit compliance per team and customer class for the period.

    Columns: team, customer_class, customers (open), compliant_customers, frequency_compliance,
    visits, duration_compliance, appointment_compliance (empty without appointment data)."""
    settings = _settings(settings)
    standards, standard_params = standards_cte(settings)
    scope, scope_params = customer_scope_sql(filters, "c")
    days = filters.days
    sql = _COMPLIANCE_SQL.format(standards=standards, scope=scope)
    params = [
        *standard_params,
        FALLBACK_CLASS,
        *scope_params,
        days,
        filters.start,
        filters.end,
        days,
        days,
        _earliest_window_start(filters, settings),
        filters.end,
        FALLBACK_CLASS,
        *scope_params,
        filters.start,
        filters.end,
    ]
    return query(con, sql, params)


# ------------------------------------------------------------------ visits per day


def visits_per_day(con, filters: Filters) -> pd.DataFrame:
    """Visits to the customers in scope on each day of the period (days without visits included):
    date, visits, onsite_visits."""
    scope, params = customer_scope_sql(filters, "c")
    sql = f"""
    WITH days AS (
        SELECT CAST(d AS DATE) AS date
        FROM generate_series(CAST(? AS DATE), CAST(? AS DATE), INTERVAL 1 DAY) AS g(d)
    ),
    counted AS (
        SELECT CAST(v.visit_date AS DATE) AS date, count(*) AS visits,
               count(*) FILTER (WHERE v.method = 'onsite') AS onsite_visits
        FROM visits v JOIN customers c ON c.customer_id = v.customer_id
        WHERE {scope} AND v.visit_date >= ? AND v.visit_date < CAST(? AS DATE) + 1
        GROUP BY 1
    )
    SELECT days.date, coalesce(counted.visits, 0) AS visits,
           coalesce(counted.onsite_visits, 0) AS onsite_visits
    FROM days LEFT JOIN counted USING (date)
    ORDER BY days.date"""
    if filters.start is None or filters.end is None:
        return pd.DataFrame(columns=["date", "visits", "onsite_visits"])
    return query(con, sql, [filters.start, filters.end, *params, filters.start, filters.end])


# ------------------------------------------------------------------ method mix


def method_mix(con, filters: Filters) -> pd.DataFrame:
    """Each manager's visits in the period by method (on site, online, phone, or unknown):
    manager_id, manager_name, method, visits, share (of the manager's visits)."""
    scope, params = customer_scope_sql(customer_part(filters), "c")
    mscope, mparams = _manager_only_scope(filters)
    sql = f"""
    SELECT v.manager_id, coalesce(mg.manager_name, v.manager_id) AS manager_name,
           coalesce(v.method, 'unknown') AS method, count(*) AS visits,
           1.0 * count(*) / sum(count(*)) OVER (PARTITION BY v.manager_id) AS share
    FROM visits v
    LEFT JOIN managers mg ON mg.manager_id = v.manager_id
    LEFT JOIN customers c ON c.customer_id = v.customer_id
    WHERE {scope} AND {mscope} AND v.visit_date >= ? AND v.visit_date < CAST(? AS DATE) + 1
    GROUP BY 1, 2, 3
    ORDER BY 1, 3"""
    return query(con, sql, [*params, *mparams, filters.start, filters.end])


def _manager_only_scope(filters: Filters) -> tuple[str, list]:
    """Team and manager filters applied to the manager who made the visit (`v.manager_id`)."""
    return customer_scope_sql(Filters(teams=filters.teams, managers=filters.managers), "v")


# ------------------------------------------------------------------ never visited


def never_visited(con, filters: Filters, settings: dict | None = None) -> pd.DataFrame:
    """Open customers in scope with no visit in the coverage window (the calendar months that end
    with the period's last month): customer_id, customer_name, manager_id, manager_name,
    customer_class, last_visit (ever, up to the window's end), sales (in the period)."""
    settings = _settings(settings)
    window_start, window_end = coverage_window(filters.end, settings)
    scope, params = customer_scope_sql(filters, "c")
    amounts, amount_params = order_amounts_sql(filters.start, filters.end)
    sql = f"""
    WITH book AS (
        SELECT c.customer_id, c.customer_name, c.manager_id, c.customer_class
        FROM customers c WHERE {scope} AND coalesce(c.status, 'active') <> 'closed'
    ),
    last_seen AS (
        SELECT v.customer_id, max(v.visit_date) AS last_visit
        FROM visits v JOIN book b USING (customer_id)
        WHERE v.visit_date < ?
        GROUP BY v.customer_id
    ),
    bought AS (
        SELECT r.customer_id, sum(r.amount) AS sales
        FROM ({amounts}) r JOIN book b USING (customer_id)
        GROUP BY r.customer_id
    )
    SELECT b.customer_id, b.customer_name, b.manager_id,
           coalesce(mg.manager_name, b.manager_id) AS manager_name, b.customer_class,
           CAST(s.last_visit AS DATE) AS last_visit, coalesce(o.sales, 0) AS sales
    FROM book b
    LEFT JOIN last_seen s USING (customer_id)
    LEFT JOIN bought o USING (customer_id)
    LEFT JOIN managers mg ON mg.manager_id = b.manager_id
    WHERE s.last_visit IS NULL OR s.last_visit < ?
    ORDER BY s.last_visit NULLS FIRST, sales DESC, b.customer_id"""
    return query(con, sql, [*params, window_end, *amount_params, window_start])
