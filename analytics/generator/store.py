"""Writing the demo district: frames and Arrow streams into the store, the monthly targets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics import sql
from analytics.generator.people import _Managers

GENERATION_MEMORY_LIMIT = "1500MB"


def _insert(cur: duckdb.DuckDBPyConnection, name: str, rows: Any) -> None:
    """Run generator/<name>.sql with a frame or an Arrow stream registered as `demo_batch`."""
    cur.register("demo_batch", rows)
    try:
        sql.execute(cur, f"generator/{name}")
    finally:
        cur.unregister("demo_batch")


def _clear(cur: duckdb.DuckDBPyConnection) -> None:
    """Empty every table the demo district replaces: all the data (as clearing the store does)."""
    for statement in sql.statements("store/clear_data"):
        cur.execute(statement)


class _Stream:
    """Frames made batch by batch, fed to DuckDB as one Arrow stream.

    One INSERT per table instead of one per batch: inside a single transaction DuckDB keeps
    memory for every appending statement until the commit, so many statements would grow
    the process by ~50 bytes per row at province scale."""

    def __init__(self, make_frame: Callable[[int, slice], pd.DataFrame], batches: list[slice]) -> None:
        self.make_frame = make_frame
        self.batches = batches
        self.rows = 0

    def reader(self) -> Any:
        import pyarrow as pa

        frames = (self.make_frame(number, sl) for number, sl in enumerate(self.batches))
        first = pa.Table.from_pandas(next(frames), preserve_index=False)

        def batches() -> Iterator[Any]:
            table = first
            while table is not None:
                self.rows += table.num_rows
                yield from table.to_batches()
                frame = next(frames, None)
                table = None if frame is None else pa.Table.from_pandas(frame, preserve_index=False)

        return pa.RecordBatchReader.from_batches(first.schema, batches())


def _write_targets(cur: duckdb.DuckDBPyConnection, rng: np.random.Generator, managers: _Managers) -> int:
    """Monthly sales targets: each manager's actual sales of the month x 1.00-1.10, in thousands."""
    actual = sql.execute(cur, "generator/month_sales").df()
    factor = rng.uniform(1.0, 1.1, len(actual))
    targets = pd.DataFrame(
        {
            "manager_id": actual["manager_id"],
            "month": actual["month"],
            "sales_target": np.maximum(
                1000.0, np.round(actual["sales"].to_numpy() * factor / 1000.0) * 1000.0
            ),
        }
    )
    _insert(cur, "targets", targets)
    return len(targets)


@contextmanager
def _memory_cap(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Keep DuckDB's buffer pool small while generating: the whole district is one transaction,
    and without a cap the pool would grow towards 80% of RAM at province scale."""
    cur = con.cursor()
    try:
        before = cur.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        cur.execute("SET memory_limit = ?", [GENERATION_MEMORY_LIMIT])
        yield
    finally:
        cur.execute("RESET memory_limit")
        if cur.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] != before:
            cur.execute("SET memory_limit = ?", [before])
        cur.close()
