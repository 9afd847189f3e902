"""Visits of the demo customers by their managers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.generator.dates import _weekday
from analytics.generator.people import _Customers, _Managers
from analytics.generator.vocabulary import (
    ASSIST,
    CLASS_INTERVAL_DAYS,
    CLASS_MINUTES,
    CORE,
    METHODS,
    POTENTIAL,
    REGULAR,
    VISIT_NOTES,
)


def _visits(
    rng: np.random.Generator, c: _Customers, m: _Managers, sl: slice, start_day: int, end_day: int
) -> pd.DataFrame:
    """Visits of a batch of customers: the class interval stretched by the manager's diligence,
    snapped to the manager's field days, with method, length and appointment habits."""
    n = sl.stop - sl.start
    cls = c.cls[sl]
    manager = c.manager[sl]
    diligence = m.diligence[manager]
    # A diligence of about 0.8 meets the standard interval; 0.5 stretches it by 60%.
    pace = 1.3 * diligence
    interval = np.clip(CLASS_INTERVAL_DAYS[cls] / pace * rng.lognormal(0.0, 0.2, n), 5, 240)
    first = np.maximum(start_day, c.open_day[sl] - 7) + rng.uniform(0, interval)
    last = np.minimum.reduce([np.full(n, end_day), c.visit_stop_day[sl] - 1, m.leave_day[manager]])
    columns = int(np.ceil((end_day - start_day) / interval.min() * 1.6)) + 3
    gaps = interval[:, None] * rng.gamma(6.0, 1.0 / 6.0, (n, columns))
    gaps[:, 0] = 0.0
    raw = (first[:, None] + np.cumsum(gaps, axis=1)).astype(np.int64)
    day = raw + m.next_field_day[manager[:, None], _weekday(raw)]
    keep = (day <= last[:, None]) & (raw <= last[:, None])
    # Customers slipping away see their manager less often.
    fading = day >= c.decline_start[sl, None]
    keep &= ~fading | (rng.random((n, columns)) < 0.5)
    cust, col = np.nonzero(keep)
    day = day[cust, col]
    k = cls[cust]
    d = diligence[cust]
    count = len(cust)
    good = (d - 0.5) / 0.6  # 0 sloppy .. 1 diligent

    onsite = 0.6 + 0.33 * good
    u = rng.random(count)
    method = np.where(u < onsite, 0, np.where(u < onsite + (1 - onsite) * 0.4, 1, 2)).astype(np.int8)
    minute = 510 + rng.integers(0, 510, count)
    lo, hi = CLASS_MINUTES[k, 0], CLASS_MINUTES[k, 1]
    in_range = rng.random(count) < 0.5 + 0.45 * good
    duration = np.where(in_range, rng.uniform(lo, hi + 0.999), rng.uniform(3, lo))
    duration = np.where(method == 0, duration, rng.uniform(3, 12, count))
    duration = np.where((k == ASSIST) & ~in_range & (method == 0), rng.uniform(31, 45, count), duration)

    visit_at = day * 86400 + minute * 60
    keeps_rule = rng.random(count) < 0.6 + 0.38 * good
    same_day = visit_at - rng.integers(30, 180, count) * 60
    day_before = (day - rng.integers(1, 3, count)) * 86400 + (540 + rng.integers(0, 480, count)) * 60
    appointment = np.full(count, -1, dtype=np.int64)
    core = k == CORE
    appointment[core] = np.where(keeps_rule, day_before, same_day)[core]
    same_day_classes = (k == POTENTIAL) | (k == ASSIST)
    appointment[same_day_classes & keeps_rule] = same_day[same_day_classes & keeps_rule]
    booked_regular = (k == REGULAR) & (rng.random(count) < 0.1)
    appointment[booked_regular] = same_day[booked_regular]
    appointment_ts = appointment.astype("datetime64[s]")
    appointment_ts[appointment < 0] = np.datetime64("NaT")

    note = np.where(rng.random(count) < 0.35, rng.integers(0, len(VISIT_NOTES), count), -1)
    note = np.where((k == ASSIST) & (note >= 0) & (rng.random(count) < 0.5), len(VISIT_NOTES) - 1, note)
    frame = pd.DataFrame(
        {
            "customer_code": c.code[sl][cust],
            "manager_id": pd.Categorical.from_codes(manager[cust], m.frame["manager_id"].tolist()),
            "visit_date": visit_at.astype("datetime64[s]"),
            "duration_min": np.round(duration, 0),
            "method": pd.Categorical.from_codes(method, METHODS),
            "appointment_date": appointment_ts,
            "notes": pd.Categorical.from_codes(note, VISIT_NOTES),
        }
    )
    return frame.sort_values(["visit_date", "customer_code"], kind="stable", ignore_index=True)
