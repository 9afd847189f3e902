"""The import log, and taking an import back: its rows removed, the customers and managers it
changed restored from import_undo, the customers it created removed, the order aggregates of
the days it touched recomputed."""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pandas as pd

from analytics import aggregates, db, sql
from analytics.importer.problems import ImportProblem

KEYED = (("customers", "customer_id"), ("managers", "manager_id"))  # tables an import updates in place


def import_log(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every import, newest first: file, fingerprint, table, rows added/updated/unchanged/rejected."""
    return sql.query(con, "importer/import_log")


def undo_import(con: duckdb.DuckDBPyConnection, import_id: int) -> dict:
    """Take an import back in one transaction: its rows removed, customers/managers it changed
    restored, customers it created removed. An import can be undone once."""
    import_id = int(import_id)
    with db.transaction(con) as cur:
        found = cur.execute(
            "SELECT table_name, undone_at FROM import_log WHERE import_id = ?", [import_id]
        ).fetchall()
        if not found:
            raise ImportProblem("undo_unknown", import_id=import_id)
        table, undone_at = found[0]
        if undone_at is not None:
            raise ImportProblem("undo_twice", import_id=import_id)
        removed = 0
        if table in ("orders", "visits", "targets"):
            if table == "orders":
                sql.execute(cur, "importer/undo_keys", {"import_id": import_id})
            removed = sql.execute(
                cur, "importer/remove_rows", {"import_id": import_id}, table=table
            ).fetchall()[0][0]
            if table == "orders":
                aggregates.refresh_order_aggregates(cur, "undo_keys")
                cur.execute("DROP TABLE undo_keys")
        restored = 0
        for keyed, key in KEYED:
            restored += _restore_rows(cur, import_id, keyed, key)
        cur.execute("DELETE FROM import_undo WHERE import_id = ?", [import_id])
        cur.execute(
            "UPDATE import_log SET undone_at = ? WHERE import_id = ?",
            [datetime.now().replace(microsecond=0), import_id],
        )
    return {"import_id": import_id, "table": table, "removed": removed, "restored": restored}


def _restore_rows(cur: duckdb.DuckDBPyConnection, import_id: int, table: str, key: str) -> int:
    ids = {"import_id": import_id, "table": table}
    keyed = {"table": table, "key": key}
    created = sql.execute(cur, "importer/restore_created", ids, **keyed).fetchall()[0][0]
    described = sql.execute(cur, "importer/columns", table=table).fetchall()
    structure = json.dumps({name: kind for name, kind, *_ in described})
    sql.execute(cur, "importer/restore_rows", {**ids, "structure": structure})
    columns = tuple(name for name, *_ in described)
    changed = sql.execute(cur, "importer/restore_update", columns=columns, **keyed).fetchall()[0][0]
    sql.execute(cur, "importer/restore_insert", **keyed)
    cur.execute("DROP TABLE undo_rows")
    return created + changed
