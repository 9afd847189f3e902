"""The scorecard's raw figures per manager and period, and the lost customers (domain guide §4).

The figures are computed for a set of periods in one set-based query
(``analytics/sql/scorecard/figures.sql``), so the monthly trend of the scores costs one query, not
one per month or per manager (periods spanning more than ten years are split into groups). Sales
come from order_months for whole months and from order_days only for partly covered months; each
customer meets each period once (a bit mask of its order months, built in the same pass that sums
a scorecard's sales per customer). Visits are counted per manager and day before they meet the
period calendar.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, NamedTuple

import duckdb
import pandas as pd

from analytics import config, sql
from analytics.filters import Filters, add_months, month_end, month_start, shift_years
from analytics.settings import Settings
from analytics.visits import FALLBACK_CLASS, coverage_window, month_split, range_values, standard_values

# A customer's order months as bits of a HUGEINT (127 usable bits): periods are grouped so that
# their months fit in _MASK_MONTHS bits; in a single longer period the months from bit 126 on are
# folded into bit 126, all of them whole months of the period itself.
_MASK_MONTHS = 120
_MASK_BITS = 127
# Up to this many whole-month sales ranges are summed per customer with the month masks; more
# (a monthly trend) meet the order months one by one.
_MAX_CUSTOMER_SUMS = 4


class PeriodDates(NamedTuple):
    """The dates one period needs: its own, last year's, the retention base months (the 12
    calendar months before its first month) and the coverage window [cov_start, cov_end)."""

    period_no: int
    p_start: date
    p_end: date
    p_days: int
    ly_start: date
    ly_end: date
    base_from: date
    base_to: date
    cov_start: date
    cov_end: date


class SalesRange(NamedTuple):
    """Whole months [first, last] of a period ('now') or of its last-year period ('ly')."""

    period_no: int
    role: str
    first: date
    last: date


def _period_dates(number: int, start: date, end: date, settings: Settings) -> PeriodDates:
    first_month = month_start(start)
    cov_start, cov_end = coverage_window(end, settings)
    return PeriodDates(
        period_no=number,
        p_start=start,
        p_end=end,
        p_days=(end - start).days + 1,
        ly_start=shift_years(start, -1),
        ly_end=shift_years(end, -1),
        base_from=add_months(first_month, -12),
        base_to=add_months(first_month, -1),
        cov_start=cov_start,
        cov_end=cov_end,
    )


def _target_rows(period: PeriodDates) -> list[tuple[int, str, float]]:
    """(period, 'YYYY-MM', share of the month's days inside the period) for each month it touches."""
    rows, month = [], month_start(period.p_start)
    while month <= period.p_end:
        last = month_end(month)
        inside = (min(last, period.p_end) - max(month, period.p_start)).days + 1
        rows.append((period.period_no, month.strftime("%Y-%m"), inside / last.day))
        month = add_months(month, 1)
    return rows


def _month_number(d: date) -> int:
    return d.year * 12 + d.month - 1


def _mask_chunks(periods: list[PeriodDates]) -> list[list[PeriodDates]]:
    """The periods in groups whose months (from the first base month to the last period month)
    fit in one customer bit mask."""
    chunks: list[list[PeriodDates]] = []
    for period in sorted(periods, key=lambda p: p.base_from):
        if chunks and _month_number(period.p_end) - _month_number(chunks[-1][0].base_from) < _MASK_MONTHS:
            chunks[-1].append(period)
        else:
            chunks.append([period])
    return chunks


def _columns(rows: list[tuple], names: list[str]) -> dict[str, list]:
    """Rows as one list per column, named (the arrays a query unnests)."""
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}


def period_figures(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    periods: tuple[tuple[date, date], ...],
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """The scorecard's raw figures (no scores) for each manager in scope and each period.

    `periods` are (start, end) pairs; the result has `period_no` (0-based index into them) and
    `period_start`. Managers are selected by the team and manager filters and kept when they
    have customers in scope or made visits in a period; region and class select the customers."""
    s = config.as_settings(settings)
    chunks = _mask_chunks([_period_dates(i, a, b, s) for i, (a, b) in enumerate(periods)])
    if len(chunks) == 1:
        return _figures(con, filters, chunks[0], s)
    frames = [_figures(con, filters, chunk, s) for chunk in chunks]
    return pd.concat(frames, ignore_index=True).sort_values(
        ["period_no", "manager_id"], kind="stable", ignore_index=True
    )


def _figures(
    con: duckdb.DuckDBPyConnection, filters: Filters, periods: list[PeriodDates], settings: Settings
) -> pd.DataFrame:
    """period_figures for periods whose months span at most _MASK_MONTHS months."""
    longest = max(settings.interval_days().values())
    fallback = settings.classes[FALLBACK_CLASS]
    origin = min(p.base_from for p in periods)
    values: dict[str, Any] = {
        **_columns(periods, list(PeriodDates._fields)),
        **_columns([row for p in periods for row in _target_rows(p)], ["t_period", "t_month", "t_weight"]),
        **standard_values(settings),
        "fallback_min": float(fallback.min_minutes),
        "fallback_max": float(fallback.max_minutes),
        "fallback_lead": int(fallback.appointment_lead_days),
        "visits_from": min(
            min(p.p_start for p in periods) - timedelta(days=longest), min(p.cov_start for p in periods)
        ),
        "visits_to": max(max(p.p_end for p in periods) + timedelta(days=1), max(p.cov_end for p in periods)),
        "mask_origin": origin,
    }
    values["p_no"] = values.pop("period_no")
    ranges: list[SalesRange] = []
    sales_months: list[tuple[int, str, date]] = []
    parts: list[tuple[int, str, date, date]] = []
    masks: list[tuple[int, int, int, int, int]] = []
    mask_to = origin
    for p in periods:
        for role, first, last in (("now", p.p_start, p.p_end), ("ly", p.ly_start, p.ly_end)):
            months, partial = month_split(first, last)
            if months:
                ranges.append(SalesRange(p.period_no, role, months[0], months[-1]))
                sales_months += [(p.period_no, role, m) for m in months]
            parts += [(p.period_no, role, a, b) for a, b in partial]
        now_months = month_split(p.p_start, p.p_end)[0]
        now_offset = _month_number(now_months[0] if now_months else p.p_start) - _month_number(origin)
        masks.append(
            (
                p.period_no,
                _month_number(p.base_from) - _month_number(origin),
                _month_number(p.base_to) - _month_number(p.base_from) + 1,
                now_offset,
                min(len(now_months), _MASK_BITS - now_offset),
            )
        )
        mask_to = max([mask_to, p.base_to, *now_months])
    values |= _columns(masks, ["m_period", "m_base_offset", "m_base_months", "m_now_offset", "m_now_months"])
    # Whole sales months lie between the first base month and the last month of the mask (should
    # one lie later, the mask leaves it out).
    scan_to = max([mask_to, *(r.last for r in ranges)])
    values |= {"scan_to": scan_to, "mask_to": mask_to}
    for i, (number, role, first, last) in enumerate(parts):
        values |= {
            f"part{i}_period": number,
            f"part{i}_role": role,
            f"part{i}_from": first,
            f"part{i}_to": last,
        }
    context: dict[str, Any] = {"parts": len(parts), "mask_filter": scan_to != mask_to}
    if len(ranges) <= _MAX_CUSTOMER_SUMS:
        context["sum_roles"] = tuple(r.role for r in ranges)
        for i, r in enumerate(ranges):
            values |= {f"sum{i}_from": r.first, f"sum{i}_to": r.last, f"sum{i}_period": r.period_no}
    else:
        context["month_sums"] = True
        values |= _columns(sales_months, ["sm_period", "sm_role", "sm_month"])
    return sql.query(con, "scorecard/figures", values, filters=filters, **context)


# ------------------------------------------------------------------ lost customers


def lost_values(as_of: date, lost_after_days: int) -> tuple[dict, dict]:
    """The template context and values of ``shared/lost.sql`` for lost as of `as_of`."""
    cutoff = as_of - timedelta(days=lost_after_days - 1)
    context, values = range_values(cutoff, as_of, "lost")
    return context, {**values, "lost_cutoff": cutoff, "lost_cutoff_month": month_start(cutoff)}


def lost_customers(
    con: duckdb.DuckDBPyConnection, filters: Filters, settings: Settings | dict | None = None
) -> pd.DataFrame:
    """Per manager, customers lost as of the period's end: closed, or ordered before but not in
    the `lost_after_days` days up to the end. Columns: manager_id, lost_customers."""
    days = config.as_settings(settings).warnings.lost_after_days
    context, values = lost_values(filters.end, days)
    return sql.query(con, "scorecard/lost", values, filters=filters, **context)
