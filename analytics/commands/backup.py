"""``backup`` and ``restore`` of the whole store (one DuckDB file).

``backup`` needs the store: while the dashboard runs it holds the file, so back up from the
dashboard then (Data › Backup and restore); this command says so. ``restore`` refuses a store any
process has open and keeps the replaced file as ``<db>.before-restore-<stamp>``.
"""

from __future__ import annotations

import argparse
from typing import Any


def add_commands(subparsers: Any, parents: dict[str, argparse.ArgumentParser]) -> None:
    cmd = subparsers.add_parser(
        "backup", parents=[parents["db"]], help="write a consistent copy of the whole store to one file"
    )
    cmd.add_argument("--out", required=True, metavar="FILE", help="backup file to write")
    cmd.set_defaults(handler=_cmd_backup)

    cmd = subparsers.add_parser(
        "restore",
        parents=[parents["db"]],
        help="replace the store by a backup (the dashboard must be stopped; the old file is kept)",
    )
    cmd.add_argument("file", metavar="FILE", help="backup file")
    cmd.set_defaults(handler=_cmd_restore)


def _cmd_backup(args: argparse.Namespace) -> int:
    from analytics import audit, backup
    from analytics.commands.users import StoreLocked, open_store, refused

    try:
        con = open_store(args, key="accounts.backup_error_locked")
        out = backup.backup(con, args.out)
    except (backup.BackupError, StoreLocked) as error:
        return refused(error)
    audit.record(con, audit.cli_user(), audit.AuditAction.BACKUP, {"file": str(out)})
    tables = backup.table_fingerprints(con)
    rows = sum(count for count, _ in tables.values())
    print(f"backup written: {out} ({len(tables)} tables, {rows} rows)")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from analytics import audit, backup, db
    from analytics.commands.users import refused

    target = db.resolve_db_path(args.db)
    try:
        kept = backup.restore(args.file, target)
    except backup.BackupError as error:
        return refused(error)
    detail = {"file": str(args.file), "kept": str(kept) if kept else None}
    audit.record(db.connect(target), audit.cli_user(), audit.AuditAction.RESTORE, detail)
    print(f"restored {target} from {args.file}" + (f"; the replaced store is kept as {kept}" if kept else ""))
    return 0
