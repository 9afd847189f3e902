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

import collections
import os
import re
import threading
from collections.abc import Callable, Iterator
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
from analytics.domain import DATA_TABLES as DATA_TABLES
from analytics.fetch import frame_of as frame_of
from analytics.fetch import query as query
from analytics.fetch import rows as rows
from analytics.fetch import scalar as scalar

DEFAULT_DB = Path(__file__).resolve().parent.parent / "data" / "dashboard.duckdb"
SCHEMA_VERSION = 5


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


def _migrate_4_to_5(cur: duckdb.DuckDBPyConnection) -> None:
    """Accounts and the audit log, the stored risk ranking and who made a follow-up, and the
    optional tables stock_checks, complaints and receivables."""
    _run_all(cur, "schema/v5")


MIGRATIONS = {1: _migrate_1_to_2, 2: _migrate_2_to_3, 3: _migrate_3_to_4, 4: _migrate_4_to_5}


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
_READ_ONLY: set[int] = set()  # id() of connections opened read-only
_LOCK = threading.Lock()
# Every write of this process, one after the other: DuckDB runs concurrent transactions
# optimistically and fails the second writer of a row with "Conflict on update!" (two imports in
# the dashboard, an import handed over by the command line while a supervisor notes a call).
# Reentrant, because a write may record its audit entry through a nested transaction.
WRITE_LOCK = threading.RLock()
# Called with no argument by close_all() (the link server stops there; see analytics.link).
ON_CLOSE: list[Callable[[], None]] = []
# Called with no argument after every committed transaction(): caches of what the store holds
# beyond the data version (analytics.optional_tables) forget their answers.
AFTER_COMMIT: list[Callable[[], None]] = []


def connect(path: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """The process-wide connection for a database file, created and migrated once.

    A file this process may not write (mode 0444, a read-only folder or disk) opens read-only;
    ``is_read_only`` tells, and a write raises StoreReadOnly. Raises StoreLocked, StoreCorrupt,
    StoreNewer or StoreReadOnly (an older store that cannot be brought up to date) with a
    message for people (see analytics/i18n/errors.toml)."""
    db_path = resolve_db_path(path)
    key = str(db_path) if str(db_path) == ":memory:" else str(db_path.resolve())
    with _LOCK:
        con = _CONNECTIONS.get(key)
        if con is None:
            con = _open(key)
            try:
                migrate(con)
            except BaseException:
                _READ_ONLY.discard(id(con))
                con.close()
                raise
            _CONNECTIONS[key] = con
        return con


def _open(key: str) -> duckdb.DuckDBPyConnection:
    if key == ":memory:":
        return duckdb.connect(key, config=_engine_config())
    path = Path(key)
    if not _writable(path):
        return _open_read_only(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(key, config=_engine_config())
    except duckdb.Error as error:
        problem = store_problem(error, key)
        if isinstance(problem, StoreReadOnly) and path.exists():
            return _open_read_only(key)
        raise problem from error


def _open_read_only(key: str) -> duckdb.DuckDBPyConnection:
    if not Path(key).exists():
        raise StoreReadOnly(key, "errors.store_missing_read_only")
    try:
        con = duckdb.connect(key, read_only=True, config=_engine_config())
    except duckdb.Error as error:
        raise store_problem(error, key) from error
    _READ_ONLY.add(id(con))
    return con


def _writable(path: Path) -> bool:
    """False when this process cannot write the file or (for a new file, or DuckDB's
    write-ahead log beside it) its folder."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if path.exists() and not os.access(path, os.W_OK):
        return False
    return os.access(folder, os.W_OK)


def is_read_only(con: duckdb.DuckDBPyConnection) -> bool:
    """True for a store opened read-only (imports and other writes are off)."""
    return id(con) in _READ_ONLY


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
    for stop in list(ON_CLOSE):
        stop()
    with _LOCK:
        for con in _CONNECTIONS.values():
            con.close()
        _CONNECTIONS.clear()
        _READ_ONLY.clear()


# -------------------------------------------------------------------------- errors


class StoreError(duckdb.Error):
    """The store cannot be used as asked; ``key`` is its message in analytics/i18n/errors.toml.

    A duckdb.Error, so code that caught DuckDB's own error on opening still catches it; its
    text is the English message."""

    default_key = "errors.store_unavailable"

    def __init__(self, path: str, key: str | None = None, **values: object) -> None:
        self.path = str(path)
        self.key = key or self.default_key
        self.values = {"file": self.path, **values}
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        from analytics.i18n import t

        # A value the message names but the error lacks reads "?" rather than failing.
        return t(self.key, lang).format_map(collections.defaultdict(lambda: "?", self.values))


class StoreLocked(StoreError):
    """Another process holds the file (a running dashboard, another import)."""

    default_key = "errors.store_locked"


class StoreReadOnly(StoreError):
    """The file cannot be written: reading works, imports and settings do not."""

    default_key = "errors.store_read_only"


class StoreCorrupt(StoreError):
    """The file is not a DuckDB database, or a damaged one."""

    default_key = "errors.store_corrupt"


class StoreNewer(StoreError, RuntimeError):
    """The file was written by a newer release of the dashboard."""

    default_key = "errors.store_newer"


_LOCKED = ("could not set lock", "conflicting lock")
_READ_ONLY_HINTS = ("permission denied", "read-only file system", "read-only mode", "attached in read-only")
_CORRUPT_HINTS = (
    "not a valid duckdb database",
    "corrupt",
    "checksum",
    "serialization error",
    "internal error",
)


def store_problem(error: BaseException, path: str | os.PathLike) -> StoreError | BaseException:
    """The StoreError a DuckDB error on opening or writing `path` stands for; `error` itself when
    it is none of them (a bug, not the store)."""
    text = str(error).lower()
    if any(hint in text for hint in _LOCKED):
        match = re.search(r"\(PID (\d+)\)", str(error))
        return StoreLocked(str(path), pid=match.group(1) if match else "?")
    if any(hint in text for hint in _READ_ONLY_HINTS):
        return StoreReadOnly(str(path))
    if any(hint in text for hint in _CORRUPT_HINTS) or isinstance(error, duckdb.IOException):
        return StoreCorrupt(str(path), detail=str(error).splitlines()[0][:200])
    return error


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
        raise StoreNewer(_database_file(con), version=version, supported=SCHEMA_VERSION)
    if is_read_only(con):
        raise StoreReadOnly(_database_file(con), "errors.store_read_only_old")
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
    orders and visits (and the risk model trained on them).

    The writes of this process run one after the other (WRITE_LOCK); on a store opened
    read-only this raises StoreReadOnly before anything runs."""
    if is_read_only(con):
        raise StoreReadOnly(_database_file(con))
    with WRITE_LOCK:
        cur = con.cursor()
        try:
            cur.execute("BEGIN TRANSACTION")
            yield cur
            sql_files.execute(cur, "store/bump_version", {"key": version_key})
            cur.execute("COMMIT")
            for forget in AFTER_COMMIT:
                forget()
        except BaseException as error:
            with suppress(duckdb.Error):
                cur.execute("ROLLBACK")
            if isinstance(error, duckdb.Error) and any(h in str(error).lower() for h in _READ_ONLY_HINTS):
                raise StoreReadOnly(_database_file(con)) from error
            raise
        finally:
            cur.close()


def _database_file(con: duckdb.DuckDBPyConnection) -> str:
    """The file behind a connection (or a cursor of it), for messages."""
    try:
        value = rows(con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
    except duckdb.Error:
        return "?"
    return str(value[0][0]) if value and value[0][0] else ":memory:"


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


# Dates outside this window may sit in a store (written before imports checked them, or by hand);
# the default period never reaches them, so its date arithmetic cannot overflow.
PLAUSIBLE_DATES = (date(1900, 1, 1), date(2199, 12, 31))


def data_range(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """(first, last) order or visit date in the store within PLAUSIBLE_DATES, or None when empty."""
    window = {"first_plausible": PLAUSIBLE_DATES[0], "last_plausible": PLAUSIBLE_DATES[1]}
    first, last = sql_files.rows(con, "store/data_range", window)[0]
    return None if first is None else (first, last)
