"""Staging a file's good rows until they are written, and what can be proven about them while
they arrive: the identity keys' ascending runs show that a file sorted by id (or by date and by
id within a day) repeats no line, and give its id range."""

from __future__ import annotations

import itertools

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analytics.normalise import ARROW_TYPES, CONTRACT, to_numpy_mask

STAGE_MEMORY_BYTES = 256 << 20  # typed rows held in memory before they go to a temporary table


# Which rows of an append-only table are the same line: per group of rows (those with / without
# an id column, or all), the columns that identify a row. A NULL id never equals a value, so the
# groups are disjoint.
Group = tuple[str | None, bool]  # (id column, whether it is filled); (None, True) = every row
_WHOLE_ORDER = ("customer_id", "order_date", "product", "quantity", "amount", "cost")
IDENTITIES: dict[str, list[tuple[Group, tuple[str, ...]]]] = {
    "orders": [
        (("order_id", True), ("order_id", "product")),
        (("order_id", False), ("order_id", *_WHOLE_ORDER)),
    ],
    "visits": [
        (("visit_id", True), ("visit_id",)),
        (("visit_id", False), ("visit_id", "customer_id", "manager_id", "visit_date")),
    ],
    "targets": [((None, True), ("manager_id", "month"))],
    "stock_checks": [((None, True), ("customer_id", "check_date", "product"))],
}
# Tables whose rows are updated in place by their key (the previous row kept for the undo): a
# later export of a complaint or an invoice says what happened since (replied, paid).
KEYED: dict[str, str] = {
    "customers": "customer_id",
    "managers": "manager_id",
    "complaints": "complaint_id",
    "receivables": "invoice_id",
}


def _group_keys(table: pa.Table, group: Group, identity: tuple[str, ...]) -> pa.Table:
    """The identity columns of the rows of `group`."""
    keys = table.select(list(identity))
    column, filled = group
    if column is None or table[column].null_count == (0 if filled else table.num_rows):
        return keys  # every row is in the group (the usual case: all ids filled)
    if table[column].null_count == (table.num_rows if filled else 0):
        return keys.slice(0, 0)
    return keys.filter(pc.is_valid(table[column]) if filled else pc.is_null(table[column]))


def _ascending(keys: pa.Table) -> np.ndarray:
    """Per row after the first: whether its key (compared column by column) is greater than the
    key of the row before."""
    before, after = keys.slice(0, keys.num_rows - 1), keys.slice(1)
    greater = equal = None
    for i, name in enumerate(keys.column_names):
        above = pc.greater(after[name], before[name])
        greater = above if greater is None else pc.or_(greater, pc.and_(equal, above))
        if i < keys.num_columns - 1:  # the last column's equality decides nothing
            same = pc.equal(after[name], before[name])
            equal = same if equal is None else pc.and_(equal, same)
    return to_numpy_mask(greater)


MAX_KEY_RUNS = 4096


class _KeyRuns:
    """The identity keys of one group in file order, cut into strictly ascending runs, each kept
    as its first (smallest) and last (largest) key. When no two runs' key ranges overlap, no key
    repeats: an export sorted by its id proves it (one run), and so does one sorted by date and by
    id within each day when the ids grow with the date (one run per day), without hashing the
    file. Python compares text by code point, as Arrow compares UTF-8 bytes. Keys with a NULL, or
    more than MAX_KEY_RUNS runs (an unsorted file), prove nothing."""

    def __init__(self) -> None:
        self.rows = 0
        self.runs: list[list[tuple]] | None = []

    def add(self, keys: pa.Table) -> None:
        self.rows += keys.num_rows
        if self.runs is None or not keys.num_rows:
            return
        if any(keys[name].null_count for name in keys.column_names):
            self.runs = None
            return
        starts = np.concatenate([[0], np.flatnonzero(~_ascending(keys)) + 1])
        if len(self.runs) + len(starts) > MAX_KEY_RUNS:
            self.runs = None
            return
        ends = np.concatenate([starts[1:] - 1, [keys.num_rows - 1]])
        firsts, lasts = (
            list(zip(*(keys[name].take(at).to_pylist() for name in keys.column_names), strict=True))
            for at in (starts, ends)
        )
        runs = [[first, last] for first, last in zip(firsts, lasts, strict=True)]
        if self.runs and runs[0][0] > self.runs[-1][1]:  # the run goes on from the chunk before
            self.runs[-1][1] = runs.pop(0)[1]
        self.runs += runs

    def bounds(self) -> tuple[tuple, tuple] | None:
        """The smallest and the largest key, when the runs are known."""
        if not self.runs:
            return None
        return min(first for first, _ in self.runs), max(last for _, last in self.runs)

    def distinct(self) -> bool:
        if self.runs is None:
            return False
        ranges = sorted(self.runs)
        return all(before[1] < after[0] for before, after in itertools.pairwise(ranges))


def _stage_schema(table: str) -> pa.Schema:
    return pa.schema([(f.name, ARROW_TYPES[f.kind]) for f in CONTRACT[table]] + [("_row", pa.int64())])


class _Stage:
    """A file's good rows until they are written, seen by SQL as `import_stage`.

    Rows that are only appended (orders, visits, targets) stay as Arrow tables in memory, which DuckDB
    reads in place, while they fit in STAGE_MEMORY_BYTES; past that (and for customers and managers,
    whose stage is edited) they go to a temporary table, so memory stays bounded for any file size."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, table: str) -> None:
        self.cur, self.table = cur, table
        self.schema = _stage_schema(table)
        self.parts: list[pa.Table] = []
        self.held = 0
        self.in_table = table not in IDENTITIES
        # Per identity group, while the rows are in memory: its keys' ascending runs, which prove
        # at little cost, as the rows arrive, that a sorted file repeats no key.
        self.runs: dict[Group, _KeyRuns] = {}
        cur.execute("DROP TABLE IF EXISTS import_stage")
        if self.in_table:
            self._create_table()

    def add(self, good: pa.Table) -> None:
        good = good.cast(self.schema)
        if self.in_table:
            self._insert(good)
            return
        self.parts.append(good)
        self.held += good.nbytes
        self._learn(good)
        if self.held > STAGE_MEMORY_BYTES:
            self._create_table()
            for part in self.parts:
                self._insert(part)
            self.parts, self.held, self.in_table, self.runs = [], 0, True, {}

    def _learn(self, good: pa.Table) -> None:
        for group, identity in IDENTITIES[self.table]:
            self.runs.setdefault(group, _KeyRuns()).add(_group_keys(good, group, identity))

    def _create_table(self) -> None:
        """The temporary table import_stage, its columns typed as the Arrow rows are."""
        self.cur.register("import_chunk", self.schema.empty_table())
        self.cur.execute("CREATE TEMP TABLE import_stage AS SELECT * FROM import_chunk")
        self.cur.unregister("import_chunk")

    def _insert(self, good: pa.Table) -> None:
        self.cur.register("import_chunk", good)
        self.cur.execute("INSERT INTO import_stage SELECT * FROM import_chunk")
        self.cur.unregister("import_chunk")

    def ready(self) -> None:
        """Make the rows visible to SQL (after the last add)."""
        if not self.in_table:
            self.cur.register(
                "import_stage", pa.concat_tables(self.parts) if self.parts else self.schema.empty_table()
            )

    def remove(self, rows: list[int]) -> None:
        """Take the rows numbered `rows` out of the stage (row errors found against the store)."""
        if not rows:
            return
        gone = pa.array(sorted(set(rows)), pa.int64())
        if self.in_table:
            self.cur.register("import_gone", pa.table({"_row": gone}))
            self.cur.execute("DELETE FROM import_stage WHERE _row IN (SELECT _row FROM import_gone)")
            self.cur.unregister("import_gone")
            return
        self.parts = [part.filter(pc.invert(pc.is_in(part["_row"], value_set=gone))) for part in self.parts]
        self.cur.unregister("import_stage")
        self.ready()

    def known(self, group: Group) -> tuple[int, bool] | None:
        """(rows, whether their keys are known to be distinct) of an identity group, when in memory."""
        if self.in_table:
            return None
        runs = self.runs.get(group)
        return (runs.rows, runs.distinct()) if runs else (0, True)

    def id_range(self, group: Group) -> tuple | None:
        """The lowest and highest id of an identity group with ids, when the runs tell it."""
        runs = None if self.in_table or group[0] is None else self.runs.get(group)
        bounds = runs.bounds() if runs else None
        return (bounds[0][0], bounds[1][0]) if bounds else None

    def count(self) -> int:
        if self.in_table:
            return self.cur.execute("SELECT count(*) FROM import_stage").fetchall()[0][0]
        return sum(part.num_rows for part in self.parts)

    def close(self) -> None:
        if self.in_table:
            self.cur.execute("DROP TABLE import_stage")
        else:
            self.cur.unregister("import_stage")
            self.parts = []
