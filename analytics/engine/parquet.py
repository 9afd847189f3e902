"""Every table of a DuckDB store as Parquet, in the layout ``SparkStore`` reads.

``DIR/<table>/`` holds one table's files; ``DIR/orders/`` is partitioned by month
(``order_month=YYYY-MM/``), so a cluster reads only the months a period touches. The store's
own DDL is not needed: the Spark engine takes each table's columns from the files."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

# Order lines are the one table that grows by billions of rows: one folder per month.
PARTITIONED = {"orders": ("order_month", "strftime(order_date, '%Y-%m')")}
# Accounts (password hashes) and the audit trail stay in the store: no metric reads them, and a
# lake is readable by many more people than the dashboard's file.
NOT_EXPORTED = ("users", "audit_log")


def store_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The base tables of the store's main schema, in name order."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary ORDER BY 1"
    ).fetchall()
    return [row[0] for row in rows]


def export_parquet(con: duckdb.DuckDBPyConnection, folder: str | Path) -> dict[str, int]:
    """Write every table but NOT_EXPORTED under ``folder`` (replacing what an earlier export
    left there); the number of rows written per table."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    cur = con.cursor()
    try:
        for table in store_tables(cur):
            target = root / table
            if target.exists():
                shutil.rmtree(target)
            if table not in NOT_EXPORTED:
                counts[table] = _write(cur, table, target)
    finally:
        cur.close()
    return counts


def _write(cur: duckdb.DuckDBPyConnection, table: str, target: Path) -> int:
    name = _quoted(table)
    path = str(target).replace("'", "''")
    if table in PARTITIONED:
        column, expression = PARTITIONED[table]
        cur.execute(
            f"COPY (SELECT *, {expression} AS {column} FROM {name}) TO '{path}' "
            f"(FORMAT parquet, PARTITION_BY ({column}), OVERWRITE_OR_IGNORE)"
        )
        # A table without rows writes no partition: keep its columns in one empty file.
        if not any(target.rglob("*.parquet")):
            target.mkdir(parents=True, exist_ok=True)
            cur.execute(f"COPY (SELECT * FROM {name} LIMIT 0) TO '{path}/empty.parquet' (FORMAT parquet)")
    else:
        target.mkdir(parents=True, exist_ok=True)
        cur.execute(f"COPY {name} TO '{path}/part-0.parquet' (FORMAT parquet)")
    return int(cur.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0])


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
