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
The queries are in ``analytics/sql/visits/``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from analytics import config, sql
from analytics.domain import CHART_TEAMS, CustomerClass, VisitMethod
from analytics.filters import Filters, add_months, month_end, month_start
from analytics.settings import Settings

FALLBACK_CLASS = CustomerClass.REGULAR.value


# ------------------------------------------------------------------ shared pieces


def standard_values(settings: Settings | dict | None = None) -> dict[str, Any]:
    """The class standards as the parameters of ``visits/standards.sql`` (``standards()``)."""
    s = config.as_settings(settings)
    classes = s.classes.values()
    return {
        **s.interval_values(),
        "min_minutes": [float(c.min_minutes) for c in classes],
        "max_minutes": [float(c.max_minutes) for c in classes],
        "lead_days": [int(c.appointment_lead_days) for c in classes],
        "fallback_class": FALLBACK_CLASS,
    }


def coverage_window(end: date, settings: Settings | dict | None = None) -> tuple[date, date]:
    """First day of the coverage window and the day after it (the window holds whole months)."""
    months = config.as_settings(settings).workload.coverage_window_months
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


def range_values(start: date | None, end: date | None, name: str) -> tuple[dict, dict]:
    """[start, end] split for the month/day pieces of ``visits/standards.sql`` (order_amounts)
    and ``shared/lost.sql`` (ordered_since): the template context (``<name>_months``,
    ``<name>_parts``) and the values (``<name>_months_from`` … ``<name>_part<i>_to``)."""
    if start is None or end is None or start > end:  # nothing to sum, as with BETWEEN
        return {f"{name}_months": False, f"{name}_parts": 1}, {
            f"{name}_part0_from": start,
            f"{name}_part0_to": end,
        }
    months, parts = month_split(start, end)
    values: dict[str, Any] = {}
    if months:
        values |= {f"{name}_months_from": months[0], f"{name}_months_to": months[-1]}
    for i, (first, last) in enumerate(parts):
        values |= {f"{name}_part{i}_from": first, f"{name}_part{i}_to": last}
    return {f"{name}_months": bool(months), f"{name}_parts": len(parts)}, values


def customer_amounts(con: duckdb.DuckDBPyConnection, start: date | None, end: date | None) -> pd.DataFrame:
    """Order amount per customer in [start, end] (customers with orders): customer_id, amount."""
    context, values = range_values(start, end, "amounts")
    return sql.query(con, "visits/customer_amounts", values, **context)


def manager_part(filters: Filters) -> Filters:
    """The filters that select managers (team, manager)."""
    return replace(filters, regions=(), classes=())


def customer_part(filters: Filters) -> Filters:
    """The filters that select a manager's customers or visits (region, class)."""
    return replace(filters, teams=(), managers=())


# ------------------------------------------------------------------ compliance by class and team


def _earliest_window_start(filters: Filters, settings: Settings) -> date | None:
    """The first day any class's compliance window can start (bounds the visits read)."""
    if filters.end is None:
        return None
    longest = max(settings.interval_days().values())
    earliest = filters.end - timedelta(days=longest - 1)
    return earliest if filters.start is None else min(filters.start, earliest)


def compliance_chart_rows(compliance: pd.DataFrame, most_teams: int = CHART_TEAMS) -> pd.DataFrame:
    """The bars of the compliance chart from compliance_by_class: one per team and class, or,
    with more than `most_teams` teams (a province's hundreds cannot be told apart), one per
    class for all of them together (team None). Columns: team, customer_class, customers,
    frequency_compliance; classes without open customers left out."""
    rows = compliance[compliance["customers"] > 0]
    if rows["team"].nunique() > most_teams:
        rows = rows.groupby("customer_class", as_index=False, sort=False)[
            ["customers", "compliant_customers"]
        ].sum()
        rows = rows.assign(team=None)
    share = rows["compliant_customers"] / rows["customers"]
    return rows.assign(frequency_compliance=share)[
        ["team", "customer_class", "customers", "frequency_compliance"]
    ]


def compliance_by_class(
    con: duckdb.DuckDBPyConnection, filters: Filters, settings: Settings | dict | None = None
) -> pd.DataFrame:
    """Visit compliance per team and customer class for the period.

    Columns: team, customer_class, customers (open), compliant_customers, frequency_compliance,
    visits, duration_compliance, appointment_compliance (empty without appointment data)."""
    s = config.as_settings(settings)
    values = {
        **standard_values(s),
        "days": filters.days,
        "window_from": _earliest_window_start(filters, s),
    }
    return sql.query(con, "visits/compliance_by_class", values, filters=filters)


# ------------------------------------------------------------------ visits per day


def visits_per_day(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Visits to the customers in scope on each day of the period (days without visits included):
    date, visits, onsite_visits."""
    if filters.start is None or filters.end is None:
        return pd.DataFrame(columns=["date", "visits", "onsite_visits"])
    return sql.query(con, "visits/per_day", filters=filters)


def calendar_grid(days: pd.DataFrame) -> pd.DataFrame:
    """Visits per day as a calendar: one row per weekday (0 = Monday, all seven), one column per
    week (its Monday as YYYY-MM-DD, in order), empty where a day is outside the period."""
    dates = pd.to_datetime(days["date"])
    grid = days.assign(
        week=(dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.strftime("%Y-%m-%d"),
        weekday=dates.dt.day_of_week,
    )
    matrix = grid.pivot_table(index="weekday", columns="week", values="visits", aggfunc="sum")
    return matrix.reindex(range(7))


# ------------------------------------------------------------------ method mix


def method_mix(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Each manager's visits in the period by method (on site, online, phone, or unknown):
    manager_id, manager_name, method, visits, share (of the manager's visits)."""
    return sql.query(con, "visits/method_mix", filters=filters)


def least_on_site(mix: pd.DataFrame, count: int) -> pd.DataFrame:
    """The rows of the `count` managers with the smallest share of on-site visits (a chart of
    every manager of a province cannot be read; these are the ones to look at first)."""
    on_site = mix["share"].where(mix["method"] == VisitMethod.ONSITE, 0.0).groupby(mix["manager_id"]).sum()
    chosen = on_site.sort_values(kind="stable").head(count).index
    return mix[mix["manager_id"].isin(chosen)]


# ------------------------------------------------------------------ never visited


def never_visited(
    con: duckdb.DuckDBPyConnection, filters: Filters, settings: Settings | dict | None = None
) -> pd.DataFrame:
    """Open customers in scope with no visit in the coverage window (the calendar months that end
    with the period's last month): customer_id, customer_name, manager_id, manager_name,
    customer_class, last_visit (ever, up to the window's end), sales (in the period)."""
    window_start, window_end = coverage_window(filters.end, settings)
    context, values = range_values(filters.start, filters.end, "amounts")
    values |= {"window_start": window_start, "window_end": window_end}
    return sql.query(con, "visits/never_visited", values, filters=filters, **context)
