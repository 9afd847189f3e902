"""The optional tables of the service standard (stock_checks, complaints, receivables): whether a
store has them, so a metric answers an empty frame and its page says what to import, instead of
failing on a store made before the tables existed."""

from __future__ import annotations

import weakref

import duckdb
import pandas as pd

from analytics import db, sql

OPTIONAL_TABLES = ("stock_checks", "complaints", "receivables")
# The tables found per connection, forgotten after every committed write (create_tables runs in
# one; the migration before a connection is handed out; a restored file gets a new connection).
# Saves a catalogue read per metric call.
_FOUND: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
db.AFTER_COMMIT.append(_FOUND.clear)


def existing(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The optional tables the store has (with or without rows), in name order."""
    found = _FOUND.get(con)
    if found is None:
        found = _FOUND[con] = tuple(sorted(row[0] for row in sql.rows(con, "optional/present")))
    return found


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether the store has the table (a metric reads it only then)."""
    return table in existing(con)


def present(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The optional tables that hold data, in name order: a page without its table here says
    what to import."""
    return tuple(
        t for t in existing(con) if t in OPTIONAL_TABLES and sql.scalar(con, "optional/has_rows", table=t)
    )


def create_tables(cur: duckdb.DuckDBPyConnection) -> None:
    """Create the optional tables (schema/standard_tables.sql; what the migration step runs)."""
    for statement in sql.statements("schema/standard_tables"):
        cur.execute(statement)


def empty(columns: list[str]) -> pd.DataFrame:
    """A frame without rows with the given columns (what a metric answers without its table)."""
    return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})
