"""The warnings' own tables and columns beyond the base schema (``analytics/sql/risk/schema.sql``:
the stored risk ranking and the follow-ups' made_by), created on first need."""

from __future__ import annotations

import weakref

import duckdb

from analytics import db, sql

STORE_VERSION = "risk_model_version"  # the version key these writes bump (not the data's)
# Connections whose store has the tables and column: nothing drops them, so the answer holds for
# the connection's life (a restored file is opened on a new connection).
_PRESENT: weakref.WeakSet = weakref.WeakSet()


def ensure_schema(cur: duckdb.DuckDBPyConnection) -> None:
    """Create the stored-ranking tables and the follow-ups' made_by column when missing (inside
    a write transaction)."""
    for statement in sql.statements("risk/schema"):
        cur.execute(statement)


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """ensure_schema in a transaction of its own, only when something is missing."""
    if con in _PRESENT:
        return
    if not sql.scalar(con, "risk/has_schema"):
        with db.transaction(con, STORE_VERSION) as cur:
            ensure_schema(cur)
    _PRESENT.add(con)
