"""Demo data: a plausible tobacco-retail district with managers, customers, visits, orders and targets.

The data is made to exercise every page: a heavy-tailed customer value (the 80/20 rule holds),
a Spring-Festival peak, customers who slip away (with precursors: longer gaps, smaller baskets,
fewer visits), closed shops, newly opened shops, class assignments that sometimes disagree with
the class rules, recent violations, and managers of uneven diligence.

Everything is vectorised with numpy and made in batches of customers that stream into one
INSERT per table, all inside one transaction, so the province scale (300,000 customers,
~50 million order lines) runs in bounded memory.
The same seed and the same end date always give identical tables.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from analytics import db
from analytics.generator.dates import _day, _default_end, _period_start, _weekday
from analytics.generator.orders import _order_lines
from analytics.generator.people import _make_customers, _make_managers
from analytics.generator.standard import generate_standard_extras
from analytics.generator.store import (
    GENERATION_MEMORY_LIMIT,
    _clear,
    _insert,
    _memory_cap,
    _Stream,
    _write_targets,
)
from analytics.generator.visits import _visits

__all__ = ["BATCH_CUSTOMERS", "GENERATION_MEMORY_LIMIT", "GenerateStats", "generate_demo"]

BATCH_CUSTOMERS = 10_000


@dataclass
class GenerateStats:
    """What generate_demo wrote: row counts (orders = order lines) and the time it took."""

    customers: int
    managers: int
    orders: int
    visits: int
    targets: int
    seconds: float


def generate_demo(
    con: duckdb.DuckDBPyConnection,
    customers: int = 3000,
    managers: int = 24,
    months: int = 24,
    seed: int = 7,
    end: date | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> GenerateStats:
    """Replace all data with a generated demo district and mark the store as demo data.

    `end` is the last day of data (default: the last day of last month); the data covers
    `months` full calendar months ending there. Same seed and end give identical tables."""
    began = time.perf_counter()
    report = progress or (lambda fraction, message: None)
    customers, managers, months = max(1, int(customers)), max(1, int(managers)), max(1, int(months))
    end = end or _default_end()
    start = _period_start(end, months)
    start_day, end_day = _day(start), _day(end)
    first_monday = start_day - int(_weekday(np.array(start_day)))

    rng = np.random.default_rng(seed)
    staff = _make_managers(rng, managers, end_day)
    book = _make_customers(rng, customers, staff, start_day, end_day)
    batches = [
        slice(first, min(customers, first + BATCH_CUSTOMERS))
        for first in range(0, customers, BATCH_CUSTOMERS)
    ]

    def order_frame(number: int, sl: slice) -> pd.DataFrame:
        batch_rng = np.random.default_rng([seed, number, 0])
        return _order_lines(batch_rng, book, sl, start_day, end_day, first_monday)

    visit_count = 0

    def visit_frame(number: int, sl: slice) -> pd.DataFrame:
        nonlocal visit_count
        frame = _visits(np.random.default_rng([seed, number, 1]), book, staff, sl, start_day, end_day)
        frame["visit_no"] = np.arange(visit_count + 1, visit_count + len(frame) + 1, dtype=np.int64)
        visit_count += len(frame)
        return frame

    orders, visits = _Stream(order_frame, batches), _Stream(visit_frame, batches)
    with _memory_cap(con), db.transaction(con) as cur:
        report(0.02, "clearing")
        _clear(cur)
        _insert(cur, "managers", staff.frame)
        _insert(cur, "customers", book.frame)
        report(0.05, "orders")
        _insert(cur, "orders", orders.reader())
        report(0.6, "visits")
        _insert(cur, "visits", visits.reader())
        db.number_visits(cur)
        report(0.7, "aggregates")
        db.refresh_aggregates(cur)
        report(0.95, "targets")
        n_targets = _write_targets(cur, rng, staff)
        db.set_meta(cur, "demo", "1")
        db.set_meta(cur, "demo_declined", None)
    report(0.97, "service standard")
    extras = generate_standard_extras(con, seed)
    report(1.0, "done")
    return GenerateStats(
        customers=customers,
        managers=managers,
        orders=orders.rows + extras.get("new_product_lines", 0),
        visits=visits.rows,
        targets=n_targets,
        seconds=time.perf_counter() - began,
    )
