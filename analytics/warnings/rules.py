"""The loss-warning rules as of a date: one row of facts per customer and which rules fired.

The SQL is ``analytics/sql/warnings/fired.sql`` (the windows, the rules) with
``warnings/rules.sql`` (one row per customer); this module works out the windows' dates and the
months read day by day, which the SQL binds as named parameters.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from analytics import collections, config, db, sql
from analytics.domain import RULES
from analytics.filters import Filters, add_months, month_end, shift_years
from analytics.optional_tables import has_table
from analytics.settings import Settings


def as_of_date(con: duckdb.DuckDBPyConnection, filters: Filters) -> date | None:
    """The as-of date of the warning page: the period's last day, or the last data date when that
    is earlier (or no period is set); None for an empty store."""
    last = db.last_data_date(con)
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


def rule_parameters(as_of: date, settings: Settings) -> tuple[dict[str, Any], int]:
    """The values ``warnings/fired.sql`` binds as of a date, and how many day-read month ranges
    it has (its template's ``cut_months``)."""
    ws = settings.warnings
    window = ws.decline_window_days
    last_start = as_of - timedelta(days=window - 1)
    prev_start = last_start - timedelta(days=window)
    year_ago = shift_years(as_of, -1)
    ly_start = year_ago - timedelta(days=window - 1)
    tier_start = last_start - timedelta(days=ws.tier_window_days)
    low_from, low_to = _low_value_months(as_of, ws.low_value_months)
    # The first day of every window and the day after its last: a month none of these falls in
    # (after its first day) lies wholly inside or outside each window.
    boundaries = (
        last_start,
        prev_start,
        ly_start,
        year_ago + timedelta(days=1),  # the day after ly_end; the first of the 12 months
        tier_start,
        as_of - timedelta(days=364),
        as_of + timedelta(days=1),
    )
    ranges = _day_month_ranges(boundaries, as_of)
    values: dict[str, Any] = {
        "as_of": as_of,
        "first_month": min(boundaries).replace(day=1),
        "last_start": last_start,
        "prev_start": prev_start,
        "ly_start": ly_start,
        "ly_end": year_ago,
        "year_ago": year_ago,
        "tier_start": tier_start,
        "low_from": low_from,
        "low_to": low_to,
        "violation_from": shift_months(as_of, -settings.class_rules.assist_violation_months),
        "cadence_min_orders": ws.cadence_min_orders,
        "cadence_factor": float(ws.cadence_factor),
        "cadence_min_days": ws.cadence_min_days,
        "decline_ratio": float(ws.decline_ratio),
        "low_value_floor": float(ws.low_value_floor),
        "a_share": float(settings.abc.a_share),
        "b_share": float(settings.abc.b_share),
        **settings.interval_values(),
    }
    for i, (first, last) in enumerate(ranges):
        values[f"cut_from_{i}"], values[f"cut_to_{i}"] = first, last
    return values, len(ranges)


def overdue_values(
    con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date, settings: Settings
) -> dict[str, list]:
    """The overdue_payment signal's customers as of a date, as the lists ``warnings/fired.sql``
    binds ($overdue_ids, $overdue_totals; both empty without receivables)."""
    if not has_table(con, collections.TABLE):
        return {"overdue_ids": [], "overdue_totals": []}
    overdue = collections.overdue_payment_customers(con, filters, as_of, settings)
    return {
        "overdue_ids": overdue["customer_id"].astype(str).tolist(),
        "overdue_totals": overdue["overdue_total"].astype("float64").tolist(),
    }


def rule_facts(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
    sample: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """One row per customer in scope with an order on or before the as-of date: the facts behind
    each rule and one boolean column per rule code (see ``analytics.warnings``).

    `sample`: only the customers of the risk backtest's sample (the values of
    ``analytics.risk.features.Sample``); their ABC classes are ranked within the sample.

    Columns: customer_id, customer_name, manager_id, manager_name, team, customer_class, status,
    first_order_date, last_order_date, days_since_last_order, orders_365, median_gap, value_last,
    value_prev, value_ly, revenue_at_risk, months_at_floor, last_visit_date, days_since_last_visit,
    interval_days, previous_abc, current_abc, violation_date, overdue_total (receivables overdue,
    where above collections.overdue_floor), eligible, the RULES, and rules (the codes of those that
    fired, joined with ';')."""
    settings = config.as_settings(settings)
    as_of = as_of or db.last_data_date(con) or date.today()
    values, cut_months = rule_parameters(as_of, settings)
    sampled = sample is not None
    values.update(sample or {})
    values.update(overdue_values(con, filters, as_of, settings))
    frame = sql.query(con, "warnings/rules", values, filters=filters, cut_months=cut_months, sampled=sampled)
    for rule in RULES:
        frame[rule] = frame[rule].astype(bool)
    if frame.empty:
        frame["rules"] = pd.Series([], dtype=object)
    return frame
