"""Backups of the store while the dashboard serves it, restores, and fingerprints to compare stores.

A backup is one ZIP file: DuckDB's ``EXPORT DATABASE`` of the store (``schema.sql`` with every
table and its constraints, ``load.sql``, one Parquet file per table, zstd) and ``manifest.json``
(format, store schema version, DuckDB version, and every table's fingerprint).

``backup`` runs through the connection the process already has open (a second process cannot
open a DuckDB file that one process holds read-write). The export and the fingerprints are read
in ONE transaction, so the backup is the store as it was when that transaction began: an import
committing meanwhile is wholly in it or wholly not, and the other cursors go on reading and
writing. (``EXPORT DATABASE`` to Parquet is about 7x faster than ``COPY FROM DATABASE`` into an
attached DuckDB file, whose string compression costs most of the time: what matters when the
dashboard makes a copy before every destructive action.) The ZIP is written under a temporary
name and renamed when complete, so a file with the backup's name is always a whole backup.

``restore`` imports the backup into a new DuckDB file (the import may read only the unpacked
backup: file access elsewhere is switched off for that connection), checks every table against
the manifest's fingerprints, and only then puts it in place of the store — refused while any
process has the store open; the replaced file (and its .wal) is kept as
``<db>.before-restore-<stamp>``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import uuid
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from analytics import sql

FORMAT = "customer-manager-dashboard-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
AUTO_PREFIX = "auto"
_EXPORT_DIR = "export"
_LOCK = threading.Lock()  # one backup at a time per process


class BackupError(RuntimeError):
    """A refused backup or restore; ``key`` is a message key of accounts.toml, ``values`` its
    placeholders."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def message(self, lang: str = "zh") -> str:
        from analytics.i18n import t

        return t(self.key, lang, **self.values)


def store_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file of the connection's database (None in memory)."""
    cur = con.cursor()
    try:
        rows = cur.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchall()
    finally:
        cur.close()
    path = rows[0][0] if rows else None
    return Path(path).resolve() if path and path != ":memory:" else None


# --------------------------------------------------------------------------------------- backup


def backup(con: duckdb.DuckDBPyConnection, out_path: str | os.PathLike) -> Path:
    """Write a consistent copy of the whole store to `out_path` (one ZIP file; an existing file
    there is replaced only once the new one is complete). Returns the file."""
    out = Path(out_path).resolve()
    if out == store_path(con):
        raise BackupError("accounts.backup_error_same_file", file=str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.with_name(f".{out.name}.{uuid.uuid4().hex}.partial")
    try:
        work.mkdir()
        with _LOCK:
            manifest = _export(con, work / _EXPORT_DIR)
        archive = work / "backup.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zipped:
            zipped.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            for file in sorted((work / _EXPORT_DIR).iterdir()):
                zipped.write(file, file.name)
        os.replace(archive, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def _export(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, Any]:
    """EXPORT DATABASE to `folder` and the fingerprints, in one read transaction; the manifest."""
    cur = con.cursor()
    try:
        # Keep every table's stored order (order_days by month and customer): the importer sets
        # preserve_insertion_order = false for the whole database while it writes.
        cur.execute("SET SESSION preserve_insertion_order = true")
        cur.execute("BEGIN TRANSACTION")
        try:
            # EXPORT DATABASE takes no parameter: the folder is ours, quoted as a string literal.
            cur.execute(f"EXPORT DATABASE {_literal(str(folder))} (FORMAT parquet, COMPRESSION zstd)")
            tables = _fingerprints(cur)
            version = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
            cur.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                cur.execute("ROLLBACK")
            raise
    finally:
        cur.close()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.now().isoformat(timespec="seconds"),
        "duckdb": duckdb.__version__,
        "schema_version": int(version[0][0]) if version else None,
        "tables": {name: list(value) for name, value in tables.items()},
    }


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# -------------------------------------------------------------------------------------- restore


def read_manifest(backup_file: str | os.PathLike) -> dict[str, Any]:
    """The manifest of a backup file; BackupError when the file is not a whole backup."""
    path = Path(backup_file)
    if not path.is_file():
        raise BackupError("accounts.backup_error_no_file", file=str(path))
    try:
        with zipfile.ZipFile(path) as zipped:
            names = zipped.namelist()
            manifest = json.loads(zipped.read(MANIFEST).decode("utf-8"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise BackupError("accounts.backup_error_not_a_store", file=str(path)) from error
    unsafe = [n for n in names if Path(n).name != n or n.startswith(".") or "\\" in n]
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not {"schema.sql", "load.sql"} <= set(names)
        or unsafe
    ):
        raise BackupError("accounts.backup_error_not_a_store", file=str(path))
    return manifest


def restore(backup_file: str | os.PathLike, db_path: str | os.PathLike) -> Path | None:
    """Put the backup `backup_file` in place of the store `db_path`. Refused while any process
    (this one included) has `db_path` open. The replaced store is kept as
    ``<db>.before-restore-<stamp>`` (its .wal beside it as ``….wal``); returns that path, or None
    when there was no store."""
    source = Path(backup_file).resolve()
    target = Path(db_path).resolve()
    manifest = read_manifest(source)
    if _exists(target):
        _refuse_if_open(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = target.with_name(f".{target.name}.{uuid.uuid4().hex}.restoring")
    try:
        work.mkdir()
        with zipfile.ZipFile(source) as zipped:
            for name in zipped.namelist():
                if name != MANIFEST:
                    zipped.extract(name, work / _EXPORT_DIR)
        incoming = work / "store.duckdb"
        _import(work / _EXPORT_DIR, incoming, manifest, source)
        kept = None
        if _exists(target):
            kept = target.with_name(f"{target.name}.before-restore-{_stamp()}")
            if target.exists():
                os.replace(target, kept)
            if _wal(target).exists():
                os.replace(_wal(target), _wal(kept))
        os.replace(incoming, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return kept


def _import(folder: Path, store: Path, manifest: dict[str, Any], source: Path) -> None:
    """IMPORT DATABASE `folder` into the new file `store` and check it against the manifest."""
    con = duckdb.connect(str(store))
    try:
        # The backup's SQL may touch no file but its own: no COPY TO, ATTACH or read elsewhere.
        con.execute("SET allowed_directories = $folders", {"folders": [str(folder) + os.sep]})
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        try:
            con.execute(f"IMPORT DATABASE {_literal(str(folder))}")
        except duckdb.Error as error:
            raise BackupError("accounts.backup_error_not_a_store", file=str(source)) from error
        found = {name: list(value) for name, value in table_fingerprints(con).items()}
        if found != manifest.get("tables"):
            raise BackupError("accounts.backup_error_mismatch", file=str(source))
        con.execute("CHECKPOINT")
    finally:
        con.close()


# Opens the file read-write in a child process: DuckDB's file lock refuses that while any process,
# this one included, holds the file. Exit 3 = held; 4 = not a readable store (may be replaced).
_PROBE = """
import sys
import duckdb
try:
    duckdb.connect(sys.argv[1]).close()
except duckdb.IOException as error:
    sys.exit(3 if "lock" in str(error).lower() else 4)
except duckdb.Error:
    sys.exit(4)
"""


def _refuse_if_open(target: Path) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, str(target)], capture_output=True, text=True, timeout=300
    )
    if probe.returncode not in (0, 4):
        raise BackupError("accounts.backup_error_in_use", file=str(target))


def _exists(path: Path) -> bool:
    return path.exists() or _wal(path).exists()


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _stamp(now: datetime | None = None) -> str:
    return (now or datetime.now()).strftime("%Y%m%d-%H%M%S-%f")


# ------------------------------------------------------------------------------------ automatic


def auto_backup(
    con: duckdb.DuckDBPyConnection, reason: str, folder: str | os.PathLike, keep: int = 10
) -> Path:
    """A backup before a destructive action (`reason`: clear_demo, undo_import, restore …) in
    `folder` as ``<store>-auto-<stamp>-<reason>.zip``; only the newest `keep` automatic copies of
    this store are kept (no other file in the folder is touched)."""
    if keep < 1:
        raise ValueError("keep must be at least 1")
    store = store_path(con)
    prefix = f"{store.stem if store else 'memory'}-{AUTO_PREFIX}-"
    label = re.sub(r"[^A-Za-z0-9_-]+", "_", reason).strip("_")[:40] or "backup"
    directory = Path(folder)
    made = backup(con, directory / f"{prefix}{_stamp()}-{label}.zip")
    pattern = re.compile(re.escape(prefix) + r"\d{8}-\d{6}-\d{6}-[A-Za-z0-9_-]+\.zip")
    copies = sorted(p for p in directory.iterdir() if pattern.fullmatch(p.name))
    for old in copies[:-keep]:
        old.unlink(missing_ok=True)
    return made


# ----------------------------------------------------------------------------------- comparison


def table_fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, float]]:
    """Every table of the store: (rows, sum of its numeric columns). Each value is rounded to 6
    decimals and summed exactly, so two stores with the same rows give equal fingerprints
    whatever order the rows are stored in."""
    cur = con.cursor()
    try:
        return _fingerprints(cur)
    finally:
        cur.close()


def _fingerprints(cur: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, float]]:
    """table_fingerprints read on `cur` (inside the caller's transaction when it has one)."""
    fingerprints: dict[str, tuple[int, float]] = {}
    for table, columns in sql.execute(cur, "backup/tables").fetchall():
        params = {"table_name": table, "columns": list(columns)}
        row = sql.execute(cur, "backup/fingerprint", params, numeric=bool(columns)).fetchall()[0]
        total = sum((value for value in row[1:] if value is not None), Decimal(0))
        fingerprints[table] = (int(row[0]), float(total))
    return fingerprints
