"""Clearing the demo data: only what the demo generator wrote goes (issue 17).

The generator (analytics.generator) writes orders, visits and targets without an import_id and
marks the store with meta ``demo = 1``; an import gives every row it adds its import_id and keeps
the customers and managers it creates or changes in ``import_undo``. So clearing removes the
rows without an import_id and the customers and managers that no import created, changed or
refers to; every imported row, the import log and what it needs stay. The store is then no
longer a demo and the demo is never loaded again by itself (meta ``demo_declined``).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from analytics import aggregates, db, sql

_TABLES = ("customers", "managers", "orders", "visits", "targets")


@dataclass(frozen=True)
class Cleared:
    """Rows removed from each data table."""

    customers: int = 0
    managers: int = 0
    orders: int = 0
    visits: int = 0
    targets: int = 0

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in _TABLES}


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """True while the store holds the generated demo district."""
    return db.get_meta(con, "demo") == "1"


def clear_demo(con: duckdb.DuckDBPyConnection) -> Cleared:
    """Remove the demo generator's rows in one transaction (see the module's docstring);
    returns how many rows of each table went."""
    with db.transaction(con) as cur:
        before = _counts(cur)
        for name in ("demo/delete_lines", "demo/kept_keys", "demo/delete_people"):
            for statement in sql.statements(name):
                cur.execute(statement)
        aggregates.refresh_aggregates(cur)
        db.set_meta(cur, "demo", None)
        db.set_meta(cur, "demo_declined", "1")
        after = _counts(cur)
    return Cleared(**{name: before[name] - after[name] for name in _TABLES})


def _counts(cur: duckdb.DuckDBPyConnection) -> dict[str, int]:
    row = sql.execute(cur, "demo/counts").fetchall()[0]
    return dict(zip(_TABLES, (int(v) for v in row), strict=True))
