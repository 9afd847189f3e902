"""The import log, and taking an import back: its rows removed, the keyed rows (customers,
managers, complaints, receivables) it changed restored from import_undo, those it created
removed, the order aggregates of the days it touched recomputed."""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pandas as pd

from analytics import aggregates, db, sql
from analytics.importer.problems import ImportProblem
from analytics.importer.stage import IDENTITIES, KEYED


def import_log(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every import, newest first: file, fingerprint, table, rows added/updated/unchanged/rejected."""
    return sql.query(con, "importer/import_log")


def undo_import(
    con: duckdb.DuckDBPyConnection, import_id: int, allowed_teams: tuple[str, ...] | None = None
) -> dict:
    """Take an import back in one transaction: its rows removed, keyed rows it changed restored,
    those it created removed. An import can be undone once. With `allowed_teams` (a supervisor's
    teams; None = unrestricted) an import that wrote or changed a row of another team is refused."""
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
        outside = rows_outside(cur, import_id, table, allowed_teams)
        if outside:
            raise ImportProblem("undo_out_of_scope", import_id=import_id, rows=outside)
        removed = 0
        if table in IDENTITIES:  # rows only appended: the import's go
            if table == "orders":
                sql.execute(cur, "importer/undo_keys", {"import_id": import_id})
            removed = sql.execute(
                cur, "importer/remove_rows", {"import_id": import_id}, table=table
            ).fetchall()[0][0]
            if table == "orders":
                aggregates.refresh_order_aggregates(cur, "undo_keys")
                cur.execute("DROP TABLE undo_keys")
        restored = 0
        # The keyed table imported into, and the customers an import of orders or visits created.
        for keyed in dict.fromkeys((table, "customers")):
            if keyed in KEYED:
                restored += _restore_rows(cur, import_id, keyed, KEYED[keyed])
        cur.execute("DELETE FROM import_undo WHERE import_id = ?", [import_id])
        cur.execute(
            "UPDATE import_log SET undone_at = ? WHERE import_id = ?",
            [datetime.now().replace(microsecond=0), import_id],
        )
    return {"import_id": import_id, "table": table, "removed": removed, "restored": restored}


def rows_outside(
    con: duckdb.DuckDBPyConnection, import_id: int, table: str, allowed_teams: tuple[str, ...] | None
) -> int:
    """How many rows the import (into `table`) wrote or changed outside `allowed_teams` (0 when
    unrestricted): an undo by that account is refused when there are any."""
    if allowed_teams is None:
        return 0
    params = {"import_id": int(import_id), "table": table, "teams": list(allowed_teams)}
    return sql.execute(con, "importer/undo_out_of_scope", params, table=table).fetchall()[0][0]


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
