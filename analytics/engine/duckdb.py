"""The embedded default: one DuckDB file per store (``analytics.db.connect``), unchanged."""

from __future__ import annotations

import duckdb as _duckdb

from analytics import db


def connect(path: str | None = None) -> _duckdb.DuckDBPyConnection:
    """The process-wide connection to the DuckDB store at ``path`` (see ``db.resolve_db_path``)."""
    return db.connect(path)
