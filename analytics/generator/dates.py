"""Day numbers (days since 1970-01-01) and the calendar of the demo data."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from analytics.generator.vocabulary import EPOCH, SPRING_FESTIVAL


def _default_end(today: date | None = None) -> date:
    """The last day of last month."""
    return (today or date.today()).replace(day=1) - timedelta(days=1)


def _period_start(end: date, months: int) -> date:
    """First day of the first of `months` calendar months that end with end's month."""
    index = end.year * 12 + end.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def _day(d: date) -> int:
    return (d - EPOCH).days


def _weekday(days: np.ndarray) -> np.ndarray:
    """Monday = 0 (1970-01-01 was a Thursday)."""
    return (days + 3) % 7


def _season(days: np.ndarray) -> np.ndarray:
    """Spring-Festival effect: stocking up in the 4 weeks before, a dip in the 2 weeks after."""
    factor = np.ones(days.shape)
    for festival in SPRING_FESTIVAL:
        before = _day(festival) - days
        factor = np.where((before > 0) & (before <= 28), 1.5 + 0.1 * (28 - before) / 28, factor)
        factor = np.where((before <= 0) & (before > -7), 0.55, factor)
        factor = np.where((before <= -7) & (before > -14), 0.85, factor)
    return factor
