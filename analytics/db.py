"""The store: one DuckDB file, its schema, migrations and small query helpers.

Rules every metric follows:
- one process-wide connection (``connect``); each query runs on its own ``cursor()``;
- values are always bound parameters (``?``), never formatted into SQL text;
- every write happens inside ``transaction()`` and bumps the data version, which the
  dashboard uses as part of its cache key.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

DEFAULT_DB = Path(__file__).resolve().parent.parent / "data" / "dashboard.duckdb"
SCHEMA_VERSION = 4

DATA_TABLES = ("managers", "customers", "visits", "orders", "targets")

# Version 1: the data contract's five tables, the import log and meta.
_SCHEMA_V1 = [
    """CREATE TABLE IF NOT EXISTS meta (
        key VARCHAR PRIMARY KEY,
        value VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS managers (
        manager_id VARCHAR PRIMARY KEY,
        manager_name VARCHAR,
        team VARCHAR,
        region VARCHAR,
        active BOOLEAN
    )""",
    """CREATE TABLE IF NOT EXISTS customers (
        customer_id VARCHAR PRIMARY KEY,
        customer_name VARCHAR,
        manager_id VARCHAR,
        region VARCHAR,
        market_type VARCHAR,
        retail_format VARCHAR,
        tier INTEGER,
        modern_terminal VARCHAR,
        customer_class VARCHAR,
        violation_date DATE,
        low_income BOOLEAN,
        disabled BOOLEAN,
        open_date DATE,
        status VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS visits (
        visit_id VARCHAR,
        customer_id VARCHAR NOT NULL,
        manager_id VARCHAR NOT NULL,
        visit_date TIMESTAMP NOT NULL,
        duration_min DOUBLE,
        method VARCHAR,
        appointment_date TIMESTAMP,
        notes VARCHAR,
        import_id INTEGER
    )""",
    """CREATE TABLE IF NOT EXISTS orders (
        order_id VARCHAR,
        customer_id VARCHAR NOT NULL,
        order_date DATE NOT NULL,
        product VARCHAR,
        quantity DOUBLE,
        amount DOUBLE NOT NULL,
        import_id INTEGER
    )""",
    """CREATE TABLE IF NOT EXISTS targets (
        manager_id VARCHAR NOT NULL,
        month VARCHAR NOT NULL,
        sales_target DOUBLE NOT NULL,
        import_id INTEGER
    )""",
    """CREATE TABLE IF NOT EXISTS import_log (
        import_id INTEGER PRIMARY KEY,
        file_name VARCHAR,
        sha256 VARCHAR,
        table_name VARCHAR,
        rows_added BIGINT,
        rows_updated BIGINT,
        rows_unchanged BIGINT,
        rows_rejected BIGINT,
        imported_at TIMESTAMP
    )""",
]


def _migrate_1_to_2(cur: duckdb.DuckDBPyConnection) -> None:
    """Gross profit (orders.cost), undo of imports, warning follow-ups, demo flag,
    and the pre-aggregated order tables that keep metrics fast at province scale."""
    cur.execute("ALTER TABLE orders ADD COLUMN IF NOT EXISTS cost DOUBLE")
    cur.execute("ALTER TABLE import_log ADD COLUMN IF NOT EXISTS mode VARCHAR")
    cur.execute("ALTER TABLE import_log ADD COLUMN IF NOT EXISTS undone_at TIMESTAMP")
    cur.execute("ALTER TABLE import_log ADD COLUMN IF NOT EXISTS rows_created_customers BIGINT")
    # Rows of customers/managers as they were before an import changed them, so the
    # import can be undone. `row_json` holds the old row; NULL means the import created it.
    cur.execute(
        """CREATE TABLE IF NOT EXISTS import_undo (
            import_id INTEGER NOT NULL,
            table_name VARCHAR NOT NULL,
            key VARCHAR NOT NULL,
            row_json VARCHAR
        )"""
    )
    cur.execute(
        """CREATE TABLE IF NOT EXISTS warning_followups (
            customer_id VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            note VARCHAR,
            warned_on DATE,
            updated_at TIMESTAMP NOT NULL
        )"""
    )
    # One row per customer and order day / month: what most metrics read instead of
    # the order lines. Rebuilt by refresh_aggregates() after every write to orders.
    cur.execute(
        """CREATE TABLE IF NOT EXISTS order_days (
            customer_id VARCHAR,
            order_date DATE,
            amount DOUBLE,
            quantity DOUBLE,
            cost DOUBLE,
            lines BIGINT
        )"""
    )
    cur.execute(
        """CREATE TABLE IF NOT EXISTS order_months (
            customer_id VARCHAR,
            month DATE,
            amount DOUBLE,
            quantity DOUBLE,
            cost DOUBLE,
            order_days BIGINT,
            lines BIGINT
        )"""
    )


def _migrate_2_to_3(cur: duckdb.DuckDBPyConnection) -> None:
    """order_months gains each customer-month's first and last order date, so the warnings read
    whole months instead of their days (first/last order dates, the value windows)."""
    cur.execute("ALTER TABLE order_months ADD COLUMN IF NOT EXISTS first_day DATE")
    cur.execute("ALTER TABLE order_months ADD COLUMN IF NOT EXISTS last_day DATE")
    cur.execute(
        """UPDATE order_months m SET first_day = d.first_day, last_day = d.last_day
           FROM (SELECT customer_id, date_trunc('month', order_date)::DATE AS month,
                        min(order_date) AS first_day, max(order_date) AS last_day
                 FROM order_days GROUP BY customer_id, month) d
           WHERE d.customer_id = m.customer_id AND d.month = m.month"""
    )


def _migrate_3_to_4(cur: duckdb.DuckDBPyConnection) -> None:
    """A small integer per customer (customer_keys; customer_no in order_days, order_months and
    visits): the per-customer passes group and join by it, which DuckDB does with a perfect hash
    table (no hashing or comparing of text) — several times faster than by customer_id."""
    cur.execute(
        """CREATE TABLE IF NOT EXISTS customer_keys (
            customer_no INTEGER NOT NULL,
            customer_id VARCHAR NOT NULL
        )"""
    )
    cur.execute("ALTER TABLE order_days ADD COLUMN IF NOT EXISTS customer_no INTEGER")
    cur.execute("ALTER TABLE order_months ADD COLUMN IF NOT EXISTS customer_no INTEGER")
    cur.execute("ALTER TABLE visits ADD COLUMN IF NOT EXISTS customer_no INTEGER")
    number_customers(cur, "SELECT customer_id FROM order_days")
    for table in ("order_days", "order_months"):
        cur.execute(f"""UPDATE {table} SET customer_no = k.customer_no FROM customer_keys k
                        WHERE k.customer_id = {table}.customer_id""")
    number_visits(cur)


MIGRATIONS = {1: _migrate_1_to_2, 2: _migrate_2_to_3, 3: _migrate_3_to_4}


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

    limit = str(config.load_settings().get("database", {}).get("memory_limit", "")).strip()
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
            for ddl in _SCHEMA_V1:
                cur.execute(ddl)
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


def query(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict | None = None
) -> pd.DataFrame:
    """Run one read query on its own cursor and return the fully fetched result.

    The rows travel through Arrow (several times faster than DuckDB's own conversion for text
    columns: a 300,000-row result of the warnings saves most of a second) and get the dtypes
    DuckDB's ``.df()`` gives (see ``frame_of``)."""
    cur = con.cursor()
    try:
        table = cur.sql(sql, params=params or None).to_arrow_table()
    finally:
        cur.close()
    return frame_of(table)


_NULLABLE = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def frame_of(table: pa.Table) -> pd.DataFrame:
    """An Arrow result as pandas with the dtypes of DuckDB's ``.df()``: integers and booleans
    with NULLs nullable (Int64, boolean), without them numpy; DATE as datetime64[us];
    DECIMAL and HUGEINT as float64."""
    fields = [_pandas_field(field) for field in table.schema]
    if any(f is not g for f, g in zip(fields, table.schema, strict=True)):
        table = table.cast(pa.schema(fields))
    frame = table.to_pandas()
    for i, field in enumerate(table.schema):
        if field.type in _NULLABLE and table.column(i).null_count:
            frame.isetitem(i, table.column(i).to_pandas(types_mapper=_NULLABLE.get))
    return frame


def _pandas_field(field: pa.Field) -> pa.Field:
    if pa.types.is_date(field.type):
        return field.with_type(pa.timestamp("us"))
    if pa.types.is_decimal(field.type):
        return field.with_type(pa.float64())
    return field


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict | None = None) -> list[tuple]:
    cur = con.cursor()
    try:
        return cur.execute(sql, params or []).fetchall()
    finally:
        cur.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict | None = None) -> Any:
    """First column of the first row, or None when the query returns no rows."""
    result = rows(con, sql, params)
    return result[0][0] if result else None


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
        cur.execute(
            """INSERT OR REPLACE INTO meta
               SELECT ?, CAST(COALESCE(
                   (SELECT CAST(value AS BIGINT) FROM meta WHERE key = ?), 0) + 1 AS VARCHAR)""",
            [version_key, version_key],
        )
        cur.execute("COMMIT")
    except BaseException:
        try:
            cur.execute("ROLLBACK")
        except duckdb.Error:
            pass
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


# Customer-days are stored month by month (scans of a period skip the row groups of other months)
# and by customer within a month: grouping them by customer then walks its hash table in order,
# which at 300,000 customers is 10-30 % faster than date order (warnings, retention).
DAYS_ORDER = "date_trunc('month', order_date), customer_id, order_date"
DAYS_COLUMNS = "customer_id, order_date, amount, quantity, cost, lines, customer_no"
MONTHS_COLUMNS = (
    "customer_id, month, amount, quantity, cost, order_days, lines, first_day, last_day, customer_no"
)
# The day totals (customer_id, order_date, amount, quantity, cost, lines) of the order lines `o`
# of {lines} that {where} selects.
DAY_TOTALS = """SELECT customer_id, order_date, sum(amount) AS amount, sum(quantity) AS quantity,
           sum(cost) AS cost, count(*) AS lines
    FROM {lines} o WHERE {where} GROUP BY customer_id, order_date"""
# order_days rebuilt from the order lines `o` of {lines} that {where} selects (whole customer-days;
# every customer numbered first, see number_customers).
DAYS_FROM_LINES = f"""INSERT INTO order_days ({DAYS_COLUMNS})
    SELECT d.*, k.customer_no
    FROM ({DAY_TOTALS}) d
    JOIN customer_keys k USING (customer_id)
    ORDER BY {DAYS_ORDER}"""
# order_months rebuilt from the order days `d` that {where} selects (whole customer-months).
MONTHS_FROM_DAYS = f"""INSERT INTO order_months ({MONTHS_COLUMNS})
    SELECT customer_id, date_trunc('month', order_date)::DATE AS month,
           sum(amount), sum(quantity), sum(cost), count(*), sum(lines), min(order_date), max(order_date),
           any_value(customer_no)
    FROM order_days d
    WHERE {{where}}
    GROUP BY customer_id, month
    ORDER BY month, customer_id"""


def number_customers(cur: duckdb.DuckDBPyConnection, ids_sql: str, params: Sequence[Any] = ()) -> None:
    """Give every customer_id of `ids_sql` (a query with a customer_id column) that has no
    customer_no yet the next free numbers, in customer_id order. Numbers are never reused or
    changed, so aggregate rows keep pointing at their customer whatever is undone."""
    cur.execute(
        f"""INSERT INTO customer_keys (customer_no, customer_id)
            SELECT (SELECT coalesce(max(customer_no), 0) FROM customer_keys)
                   + CAST(row_number() OVER (ORDER BY customer_id) AS INTEGER), customer_id
            FROM (SELECT DISTINCT customer_id FROM ({ids_sql}) i WHERE customer_id IS NOT NULL) n
            WHERE customer_id NOT IN (SELECT customer_id FROM customer_keys)""",
        list(params),
    )


def fill_customer_numbers(cur: duckdb.DuckDBPyConnection, table: str) -> None:
    """Fill `table`.customer_no where it is missing, numbering the customers seen for the first
    time (`table` has customer_id and customer_no columns)."""
    number_customers(cur, f"SELECT customer_id FROM {table} WHERE customer_no IS NULL")
    cur.execute(f"""UPDATE {table} SET customer_no = k.customer_no FROM customer_keys k
                    WHERE {table}.customer_no IS NULL AND k.customer_id = {table}.customer_id""")


def number_visits(cur: duckdb.DuckDBPyConnection) -> None:
    """Fill visits.customer_no for the rows just written; call after every write to visits."""
    fill_customer_numbers(cur, "visits")


def refresh_aggregates(cur: duckdb.DuckDBPyConnection) -> None:
    """Rebuild order_days and order_months from the order lines; call inside transaction().

    Sorted by month, then customer (see DAYS_ORDER)."""
    number_customers(cur, "SELECT customer_id FROM orders")
    cur.execute("DELETE FROM order_days")
    cur.execute(DAYS_FROM_LINES.format(lines="orders", where="TRUE"))
    cur.execute("DELETE FROM order_months")
    cur.execute(MONTHS_FROM_DAYS.format(where="TRUE"))


def is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    """True when no customer, order or visit is stored."""
    return not scalar(
        con,
        """SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders)
                  + (SELECT count(*) FROM visits)""",
    )


def clear_data(con: duckdb.DuckDBPyConnection) -> None:
    """Delete every row of data (keeps schema, settings and nothing else)."""
    with transaction(con) as cur:
        for table in (
            *DATA_TABLES,
            "import_log",
            "import_undo",
            "warning_followups",
            "order_days",
            "order_months",
            "customer_keys",
        ):
            cur.execute(f"DELETE FROM {table}")  # table names are constants above
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
    first, last = rows(
        con,
        """SELECT min(d), max(d) FROM (
               SELECT min(order_date) AS d FROM order_days
               UNION ALL SELECT max(order_date) FROM order_days
               UNION ALL SELECT min(visit_date)::DATE FROM visits
               UNION ALL SELECT max(visit_date)::DATE FROM visits)""",
    )[0]
    return None if first is None else (first, last)
