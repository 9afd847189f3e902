"""The value of a customer over a date range, as the 80/20 metrics and the customer drill-down
read it: the Python side of ``sql/shared/value_in_range.sql``.

value = amount, quantity or gross profit (amount − cost; only order rows with a cost count) of a
customer in the period. A range of whole calendar months reads ``order_months``, any other range
``order_days``; an open end of the period stands for all the data.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from analytics import config
from analytics.domain import VALUE_METRICS as METRICS
from analytics.filters import month_end, month_start
from analytics.settings import Settings

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9999, 12, 31)


def check_metric(metric: str) -> str:
    """The metric, when it is one of METRICS; else a ValueError naming the choices."""
    if metric not in METRICS:
        raise ValueError(f"unknown value metric {metric!r}; choose one of {', '.join(METRICS)}")
    return metric


def period(start: date | None, end: date | None) -> tuple[date, date]:
    """The period's first and last day, an open end standing for all the data."""
    return start or FIRST_DAY, end or LAST_DAY


def whole_months(start: date, end: date) -> bool:
    """True when [start, end] is whole calendar months, so order_months holds its value."""
    return start == month_start(start) and end == month_end(end)


def abc_params(settings: Settings | dict | None = None) -> dict[str, Any]:
    """The ABC lines ($a_share, $b_share of ``shared/abc.sql``) of the settings."""
    abc = config.as_settings(settings).abc
    return {"a_share": abc.a_share, "b_share": abc.b_share}
