"""Writing a file into the store, in one transaction: its good rows staged, rows the store rules
out (another team's, an unknown customer's where one is needed) made row errors, lines already
stored (by the contract's row identity) left out, keyed rows (customers, managers, complaints,
receivables) updated in place with their previous rows kept for the undo, unknown customers
created (orders, visits), the order aggregates kept up, and the import logged."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from analytics import aggregates, db, optional_tables, sql
from analytics.i18n import t
from analytics.importer.check import (
    ERROR_COLUMNS,
    Prepared,
    PreparedChunk,
    _errors_frame,
    check_mapping,
    prepare_chunk,
    read_ahead,
)
from analytics.importer.problems import MAX_ERRORS, MODES, ImportProblem, Progress
from analytics.importer.read import RawFile, _hex_digest, read_table_file
from analytics.importer.scope import NEED_KNOWN_CUSTOMER, out_of_scope, unknown_customers
from analytics.importer.stage import IDENTITIES, KEYED, Group, _Stage
from analytics.normalise import CONTRACT, detect_table, map_headers


@dataclass
class ImportResult:
    file_name: str
    table: str | None
    mode: str
    status: str = "imported"  # imported | rejected
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    created_customers: int = 0
    import_id: int | None = None
    rows: int = 0
    errors: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ERROR_COLUMNS))
    seen_before: str | None = None  # when the same file (SHA-256) was imported before
    aggregates: str = ""  # "incremental" when order aggregates were refreshed

    def summary(self, lang: str = "en") -> str:
        key = "importer.summary_rejected" if self.status == "rejected" else "importer.summary"
        return t(
            key,
            lang,
            file=self.file_name,
            table=self.table or "?",
            added=self.added,
            updated=self.updated,
            unchanged=self.unchanged,
            rejected=self.rejected,
            created=self.created_customers,
        )


class _Rejected(Exception):
    pass


def _import_chunks(
    con: duckdb.DuckDBPyConnection,
    table: str,
    mapping: list[str | None],
    chunks: Iterator[PreparedChunk],
    file_name: str,
    sha256: str | Future,
    mode: str,
    progress: Progress | None,
    allowed_teams: tuple[str, ...] | None = None,
) -> ImportResult:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    result = ImportResult(file_name=file_name, table=table, mode=mode)
    errors: list[dict] = []
    mapped = [name for name in mapping if name]
    report = progress or (lambda fraction, phase: None)
    try:
        with db.transaction(con) as cur:
            # Rows need no order beyond the explicit ORDER BYs, which lets DuckDB insert in parallel.
            # SESSION: this cursor only (a plain SET is global to the database instance), and the
            # cursor goes with the transaction.
            cur.execute("SET SESSION preserve_insertion_order = false")
            if table in optional_tables.OPTIONAL_TABLES:
                optional_tables.create_tables(cur)  # a store made before the tables existed
            stage = _Stage(cur, table)
            for prepared in chunks:
                result.rows += prepared.rows
                result.rejected += int(prepared.bad.sum()) + (prepared.rows - len(prepared.bad))
                errors += prepared.errors[: max(MAX_ERRORS - len(errors), 0)]
                good = (
                    prepared.typed.filter(pa.array(~prepared.bad)) if prepared.bad.any() else prepared.typed
                )
                if good.num_rows:
                    stage.add(good)
            stage.ready()
            if table == "customers" and "manager_id" in mapped:
                unknown = _unknown_managers(cur)
                result.rejected += len(unknown)
                errors += unknown[: max(MAX_ERRORS - len(errors), 0)]
            for found in _against_the_store(cur, stage, table, mapped, allowed_teams):
                result.rejected += len(found)
                errors += found[: max(MAX_ERRORS - len(errors), 0)]
            result.errors = _errors_frame(errors)
            if mode == "strict" and result.rejected:
                raise _Rejected
            report(0.8, "writing")
            result.import_id = int(
                cur.execute("SELECT COALESCE(max(import_id), 0) + 1 FROM import_log").fetchall()[0][0]
            )
            staged = stage.count()
            added, updated = MERGES[table](cur, result.import_id, mapped, stage)
            result.added, result.updated = added, updated
            result.unchanged = staged - added - updated
            # When every staged row was added, the stage is the import's lines: grouped by day once.
            grouped = table == "orders" and 0 < added == staged
            if grouped:
                aggregates.group_import_days(cur)
            if table in ("orders", "visits"):
                result.created_customers = _create_unknown_customers(cur, result.import_id, table, grouped)
            if table == "visits" and added:
                aggregates.number_visits(cur)
            if table == "orders" and added:
                report(0.9, "aggregates")
                aggregates.add_to_order_aggregates(cur, result.import_id, grouped=grouped)
                result.aggregates = "incremental"
            if db.get_meta(cur, "demo") == "1":
                db.set_meta(cur, "demo", None)  # real data ends the demo (its rows stay)
            sha256 = _hex_digest(sha256)  # hashed in the background meanwhile
            result.seen_before = _seen_before(cur, sha256)
            sql.execute(
                cur,
                "importer/log_import",
                {
                    "import_id": result.import_id,
                    "file_name": file_name,
                    "sha256": sha256,
                    "table": table,
                    "added": result.added,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "rejected": result.rejected,
                    "imported_at": datetime.now().replace(microsecond=0),
                    "mode": mode,
                    "created_customers": result.created_customers,
                },
            )
            stage.close()
    except _Rejected:
        result.status = "rejected"
        result.import_id = None
        result.added = result.updated = result.unchanged = result.created_customers = 0
    report(1.0, "done")
    return result


def _against_the_store(
    cur: duckdb.DuckDBPyConnection,
    stage: _Stage,
    table: str,
    mapped: list[str],
    allowed_teams: tuple[str, ...] | None,
) -> Iterator[list[dict]]:
    """The row errors judged against the store as it is before the import (unknown customers of
    the tables that need one, rows outside the account's teams), each batch taken out of the
    stage before the next is looked for."""
    checks = []
    if table in NEED_KNOWN_CUSTOMER:
        checks.append(lambda: unknown_customers(cur))
    if allowed_teams is not None:
        checks.append(lambda: out_of_scope(cur, table, mapped, allowed_teams))
    for check in checks:
        found = check()
        stage.remove([error["row"] for error in found])
        yield found


def _seen_before(cur: duckdb.DuckDBPyConnection, sha256: str) -> str | None:
    found = cur.execute(
        "SELECT max(imported_at) FROM import_log WHERE sha256 = ? AND undone_at IS NULL", [sha256]
    ).fetchall()[0][0]
    return None if found is None else str(found)


def _unknown_managers(cur: duckdb.DuckDBPyConnection) -> list[dict]:
    """Customer rows naming a manager the store does not know: row errors, removed from the stage."""
    found = sql.execute(cur, "importer/unknown_managers").fetchall()
    if found:
        sql.execute(cur, "importer/unknown_managers", delete=True)
    return [
        {"row": row, "column": "manager_id", "value": value, "code": "manager", "params": {}}
        for row, value in found
    ]


def _first_of_each(
    cur: duckdb.DuckDBPyConnection, stage: _Stage, group: Group, identity: tuple[str, ...]
) -> dict | None:
    """The staged rows of `group` to consider, as the template context of their FROM source (None
    when there are none): duplicates inside the file count once (the first row of each identity).
    Most files have none, which is proven cheaply: by the key order seen while staging, else by
    hashes (equal identities have equal hashes, so as many distinct hashes as rows means no
    duplicate)."""
    column, filled = group
    source = {"column": column, "filled": filled, "identity": identity}
    rows, distinct = stage.known(group) or (None, False)
    if rows is None or (rows and not distinct):
        rows, hashes = sql.execute(cur, "importer/identity_count", **source).fetchall()[0]
        distinct = rows == hashes
    if not rows:
        return None
    return {**source, "distinct": distinct}


def _append_new(cur: duckdb.DuckDBPyConnection, table: str, import_id: int, stage: _Stage) -> int:
    """Insert staged rows whose identity is not in the table yet (the file's first row of each
    identity); returns rows added. The identity groups are disjoint (a NULL id never equals a
    value), so each group is written in one statement."""
    columns = tuple(f.name for f in CONTRACT[table])
    added = 0
    for group, identity in IDENTITIES[table]:
        source = _first_of_each(cur, stage, group, identity)
        if source is None:
            continue
        known = _stored_before(cur, table, source, stage.id_range(group))
        added += sql.execute(
            cur,
            "importer/append_new",
            {"import_id": import_id},
            table=table,
            columns=columns,
            known=bool(known),
            **source,
        ).fetchall()[0][0]
        cur.execute("DROP TABLE IF EXISTS import_known")
    return added


def _stored_before(
    cur: duckdb.DuckDBPyConnection, table: str, source: dict, id_range: tuple | None = None
) -> int:
    """How many of the `source` rows the table already holds; when the join ran, their _row are in
    temp table import_known (the caller drops it). A file of new ids (the usual export: order and
    visit numbers grow) is settled by looking up its id range (`id_range` when the stage knows it),
    which DuckDB answers from the row groups' min/max; otherwise a join (importer/stored_rows)."""
    if source["column"] is not None and source["filled"]:
        low, high = id_range or sql.execute(cur, "importer/id_range", **source).fetchall()[0]
        stored = sql.execute(
            cur, "importer/ids_stored", {"low": low, "high": high}, table=table, column=source["column"]
        )
        if not stored.fetchall()[0][0]:
            return 0
    sql.execute(cur, "importer/stored_rows", table=table, **source)
    return cur.execute("SELECT count(*) FROM import_known").fetchall()[0][0]


def _merge_appended(table: str) -> Callable:
    def merge(cur: duckdb.DuckDBPyConnection, import_id: int, mapped: list[str], stage: _Stage) -> tuple:
        return _append_new(cur, table, import_id, stage), 0

    return merge


def _merge_keyed(
    cur: duckdb.DuckDBPyConnection, table: str, key: str, import_id: int, mapped: list[str]
) -> tuple[int, int]:
    """Customers, managers, complaints, receivables: new keys inserted, changed rows updated in
    place (old row kept for undo). Tables with an import_id column get the import's on the rows it
    adds or changes."""
    cur.execute("DROP TABLE IF EXISTS import_first")
    cur.execute("CREATE TEMP TABLE import_first AS SELECT * FROM import_stage LIMIT 0")
    sql.execute(cur, "importer/keyed_first", key=key)
    values = tuple(c for c in mapped if c != key)
    keyed = {"table": table, "key": key, "values": values, "stamp": table not in ("customers", "managers")}
    ids = {"import_id": import_id, "table": table}
    updated = 0
    if values:
        sql.execute(cur, "importer/keyed_changed", **keyed)
        sql.execute(cur, "importer/keyed_keep_old", ids, **keyed)
        updated = sql.execute(cur, "importer/keyed_update", ids, **keyed).fetchall()[0][0]
        cur.execute("DROP TABLE import_changed")
    sql.execute(cur, "importer/keyed_created", ids, **keyed)
    added = sql.execute(cur, "importer/keyed_insert", ids, **keyed).fetchall()[0][0]
    cur.execute("DROP TABLE import_first")
    return added, updated


def _keyed(table: str, key: str) -> Callable:
    def merge(cur: duckdb.DuckDBPyConnection, import_id: int, mapped: list[str], stage: _Stage) -> tuple:
        return _merge_keyed(cur, table, key, import_id, mapped)

    return merge


MERGES = {
    **{table: _merge_appended(table) for table in IDENTITIES},
    **{table: _keyed(table, key) for table, key in KEYED.items()},
}


def _create_unknown_customers(
    cur: duckdb.DuckDBPyConnection, import_id: int, table: str, grouped: bool
) -> int:
    """Orders or visits of a customer the store does not know create that customer, attributes
    unknown (visits also give its manager). Found among the file's rows, or among its order days
    when `grouped` (agg_days, which know their unknown customers)."""
    sql.execute(cur, "importer/new_customers", visits=table == "visits", grouped=grouped)
    created = sql.execute(cur, "importer/add_new_customers").fetchall()[0][0]
    if created:
        cur.execute(
            "INSERT INTO import_undo SELECT ?, 'customers', customer_id, NULL FROM import_new_customers",
            [import_id],
        )
    cur.execute("DROP TABLE import_new_customers")
    return created


# ------------------------------------------------------------------ public entry points


def import_prepared(
    con: duckdb.DuckDBPyConnection,
    prepared: Prepared,
    file_name: str | None = None,
    sha256: str | None = None,
    mode: str = "strict",
    progress: Progress | None = None,
    allowed_teams: tuple[str, ...] | None = None,
) -> ImportResult:
    """Write a file checked on the page (one transaction). With `allowed_teams` (a supervisor's
    teams; None = unrestricted) rows of other teams are row errors (code "scope")."""

    def parse_only(chunk: PreparedChunk) -> PreparedChunk:
        # The page may have checked managers against the upload too; the store decides now.
        if chunk.parse_bad is None:
            return chunk
        errors = [e for e in chunk.errors if e["code"] != "manager"]
        return PreparedChunk(chunk.typed, chunk.parse_bad, errors, chunk.rows)

    return _import_chunks(
        con,
        prepared.table,
        prepared.mapping,
        (parse_only(c) for c in prepared.chunks),
        file_name or prepared.file_name,
        sha256 or prepared.sha256,
        mode,
        progress,
        allowed_teams,
    )


def import_raw(
    con: duckdb.DuckDBPyConnection,
    raw: RawFile,
    table: str | None = None,
    mapping: list[str | None] | None = None,
    mode: str = "strict",
    progress: Progress | None = None,
    allowed_teams: tuple[str, ...] | None = None,
) -> ImportResult:
    """Read, check and write a file chunk by chunk (bounded memory), in one transaction; for
    `allowed_teams` see import_prepared."""
    if table is None:
        table, detected = detect_table(raw.headers)
        mapping = mapping or detected
    if table not in CONTRACT:
        raise ImportProblem("no_table")
    mapping = mapping or map_headers(raw.headers, table)
    check_mapping(table, mapping)
    with closing(
        read_ahead(raw, lambda chunk: prepare_chunk(chunk, table, mapping, raw.headers), progress)
    ) as chunks:
        return _import_chunks(
            con, table, mapping, chunks, raw.file_name, raw.digest, mode, progress, allowed_teams
        )


def import_file(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    table: str | None = None,
    mode: str = "strict",
    lang: str = "en",
    progress: Progress | None = None,
    sheet: str | None = None,
    allowed_teams: tuple[str, ...] | None = None,
) -> ImportResult:
    """Import one CSV/TSV/TXT/XLSX file; the table is detected from the headers unless given;
    for `allowed_teams` see import_prepared.

    Raises ImportProblem for a file that cannot be read or mapped (nothing is written)."""
    raw = read_table_file(path, sheet=sheet)
    return import_raw(con, raw, table=table, mode=mode, progress=progress, allowed_teams=allowed_teams)


def known_manager_ids(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Manager IDs in the store (customers must name one of them)."""
    return frozenset(r[0] for r in db.rows(con, "SELECT manager_id FROM managers"))
