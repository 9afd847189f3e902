"""The store: one DuckDB file, its schema, migrations and small query helpers.

The schema and its migrations are in ``analytics/sql/schema/`` (``v1.sql`` creates version 1,
``v<n>.sql`` is the step up to version n); the store's own statements in ``analytics/sql/store/``.
The order aggregates' upkeep is beside the store, in ``analytics.aggregates``.

Rules every metric follows:
- one process-wide connection (``connect``); each query runs on its own ``cursor()``;
- values are always bound parameters, never formatted into SQL text;
- every write happens inside ``transaction()`` and bumps the data version, which the
  dashboard uses as part of its cache key.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path

import duckdb

from analytics import sql as sql_files

# The aggregate upkeep lives beside the store (analytics.aggregates); importable from here too.
from analytics.aggregates import fill_customer_numbers as fill_customer_numbers
from analytics.aggregates import number_customers as number_customers
from analytics.aggregates import number_visits as number_visits
from analytics.aggregates import refresh_aggregates as refresh_aggregates
from analytics.aggregates import set_customer_numbers as set_customer_numbers
from analytics.fetch import frame_of as frame_of
from analytics.fetch import query as query
from analytics.fetch import rows as rows
from analytics.fetch import scalar as scalar

DEFAULT_DB = Path(__file__).resolve().parent.parent / "data" / "dashboard.duckdb"
SCHEMA_VERSION = 4

DATA_TABLES = ("managers", "customers", "visits", "orders", "targets")


def _migrate_1_to_2(cur: duckdb.DuckDBPyConnection) -> None:
    """Gross profit (orders.cost), undo of imports, warning follow-ups, demo flag,
    and the pre-aggregated order tables that keep metrics fast at province scale."""
    _run_all(cur, "schema/v2")


def _migrate_2_to_3(cur: duckdb.DuckDBPyConnection) -> None:
    """order_months gains each customer-month's first and last order date, so the warnings read
    whole months instead of their days (first/last order dates, the value windows)."""
    _run_all(cur, "schema/v3")


def _migrate_3_to_4(cur: duckdb.DuckDBPyConnection) -> None:
    """A small integer per customer (customer_keys; customer_no in order_days, order_months and
    visits): the per-customer passes group and join by it, which DuckDB does with a perfect hash
    table (no hashing or comparing of text) — several times faster than by customer_id."""
    _run_all(cur, "schema/v4")
    number_customers(cur, "order_days")
    for table in ("order_days", "order_months"):
        set_customer_numbers(cur, table)
    number_visits(cur)


MIGRATIONS = {1: _migrate_1_to_2, 2: _migrate_2_to_3, 3: _migrate_3_to_4}


def schema_statements(version: int = 1) -> list[str]:
    """The DDL statements of schema version 1 (``version=1``) or of the step up to ``version``."""
    return list(sql_files.statements(f"schema/v{version}"))


def _run_all(cur: duckdb.DuckDBPyConnection, name: str) -> None:
    for statement in sql_files.statements(name):
        cur.execute(statement)


# --------------------------------------------------------------------------- paths


def resolve_db_path(path: str | os.PathLike | None = None) -> Path:
    """--db PATH wins, then $DASHBOARD_DB, then data/dashboard.duckdb."""
    if path:
        return Path(path)
    env = os.environ.get("DASHBOARD_DB")
    return Path(env) if env else DEFAULT_DB


# ---------------------------------------------------------------------- connection

_CONNECTIONS: dict[str, duckdb.DuckDBPyConnection] = {}
_LOCK = threading.Lock()


def connect(path: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """The process-wide connection for a database file, created and migrated once."""
    db_path = resolve_db_path(path)
    key = str(db_path) if str(db_path) == ":memory:" else str(db_path.resolve())
    with _LOCK:
        con = _CONNECTIONS.get(key)
        if con is None:
            if key != ":memory:":
                db_path.parent.mkdir(parents=True, exist_ok=True)
            con = duckdb.connect(key, config=_engine_config())
            migrate(con)
            _CONNECTIONS[key] = con
        return con


def _engine_config() -> dict[str, str]:
    """DuckDB settings from [database] in the settings (memory_limit)."""
    from analytics import config

    limit = config.load_settings().database.memory_limit.strip()
    # Perfect hash tables for group keys spanning up to 2^20 values (DuckDB's default is 2^12):
    # a pass over the order aggregates grouped by customer_no at 300,000 customers is then
    # about 4x faster than through an ordinary hash table.
    engine = {"perfect_ht_threshold": "20"}
    return {**engine, "memory_limit": limit} if limit else engine


def close_all() -> None:
    """Close every cached connection (tests, and before deleting a file)."""
    with _LOCK:
        for con in _CONNECTIONS.values():
            con.close()
        _CONNECTIONS.clear()


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    cur = con.cursor()
    try:
        exists = cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
        ).fetchall()[0][0]
        if not exists:
            return 0
        rows = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        return int(rows[0][0]) if rows else 0
    finally:
        cur.close()


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Create the schema or bring an older database up to SCHEMA_VERSION, in one transaction."""
    version = schema_version(con)
    if version == SCHEMA_VERSION:
        return version
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"database schema version {version} is newer than this release ({SCHEMA_VERSION})")
    cur = con.cursor()
    try:
        cur.execute("BEGIN TRANSACTION")
        if version == 0:
            _run_all(cur, "schema/v1")
            version = 1
        while version < SCHEMA_VERSION:
            MIGRATIONS[version](cur)
            version += 1
        cur.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)])
        cur.execute("COMMIT")
    except Exception:
        cur.execute("ROLLBACK")
        raise
    finally:
        cur.close()
    return version


# ------------------------------------------------------------------------- queries


DATA_VERSION = "data_version"
FOLLOWUP_VERSION = "followup_version"


@contextmanager
def transaction(
    con: duckdb.DuckDBPyConnection, version_key: str = DATA_VERSION
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor inside BEGIN … COMMIT; any exception rolls everything back.

    The version `version_key` is bumped in the same transaction, so caches keyed on it see
    either the old data or the new data, never half of an import. Follow-up notes bump their
    own version (FOLLOWUP_VERSION), so noting a call does not invalidate the figures built on
    orders and visits (and the risk model trained on them)."""
    cur = con.cursor()
    try:
        cur.execute("BEGIN TRANSACTION")
        yield cur
        sql_files.execute(cur, "store/bump_version", {"key": version_key})
        cur.execute("COMMIT")
    except BaseException:
        with suppress(duckdb.Error):
            cur.execute("ROLLBACK")
        raise
    finally:
        cur.close()


def data_version(con: duckdb.DuckDBPyConnection, version_key: str = DATA_VERSION) -> int:
    """A number that changes on every write of that kind; part of every cache key."""
    value = scalar(con, "SELECT value FROM meta WHERE key = ?", [version_key])
    return int(value) if value is not None else 0


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    return scalar(con, "SELECT value FROM meta WHERE key = ?", [key])


def set_meta(cur: duckdb.DuckDBPyConnection, key: str, value: str | None) -> None:
    """Write a meta value; call inside transaction()."""
    if value is None:
        cur.execute("DELETE FROM meta WHERE key = ?", [key])
    else:
        cur.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    """True when no customer, order or visit is stored."""
    return not sql_files.scalar(con, "store/is_empty")


def clear_data(con: duckdb.DuckDBPyConnection) -> None:
    """Delete every row of data (keeps schema, settings and nothing else)."""
    with transaction(con) as cur:
        _run_all(cur, "store/clear_data")
        set_meta(cur, "demo", None)


def clear_demo(con: duckdb.DuckDBPyConnection) -> None:
    """The supervisor's "clear demo data": empty the store and never load the demo again by itself."""
    clear_data(con)
    with transaction(con) as cur:
        set_meta(cur, "demo_declined", "1")


def last_data_date(con: duckdb.DuckDBPyConnection) -> date | None:
    """The latest order or visit date in the store (the default as-of date); None when empty."""
    span = data_range(con)
    return span[1] if span else None


def data_range(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """(first, last) order or visit date in the store, or None when empty."""
    first, last = sql_files.rows(con, "store/data_range")[0]
    return None if first is None else (first, last)
