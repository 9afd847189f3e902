"""The audit log (issue 17): who signed in (or failed), imported, undid an import, exported,
changed a setting, recorded a follow-up, cleared data, backed up, restored or changed an account.

An entry is (recorded_at, user_name, action, detail) with `detail` as JSON text. Never put a
password, a hash or a typed-in user name that matched no account into `detail`.

``record`` writes its entry in a transaction of its own (on a new cursor of whatever connection
or cursor it is given): call it once the change it describes has committed. Entries bump
``AUDIT_VERSION``, not the data version.
"""

from __future__ import annotations

import getpass
import json
from datetime import datetime
from enum import StrEnum
from typing import Any

import duckdb
import pandas as pd

from analytics import db, sql

AUDIT_VERSION = "audit_version"


class AuditAction(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    IMPORT = "import"
    UNDO_IMPORT = "undo_import"
    EXPORT = "export"
    SETTING_CHANGED = "setting_changed"
    FOLLOWUP = "followup"
    CLEAR_DEMO = "clear_demo"
    BACKUP = "backup"
    RESTORE = "restore"
    ACCOUNT_CHANGED = "account_changed"


ACTIONS: tuple[str, ...] = tuple(a.value for a in AuditAction)


def record(
    con_or_cur: duckdb.DuckDBPyConnection,
    user: str | None,
    action: str,
    detail: dict | str = "",
    at: datetime | None = None,
) -> None:
    """Write one entry: `user` did `action` (one of ACTIONS) at `at` (now); `detail` a dict
    (stored as a JSON object) or a text (a JSON string)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; one of {', '.join(ACTIONS)}")
    from analytics import accounts

    accounts.ensure_tables(con_or_cur)
    values = {
        "recorded_at": at or datetime.now(),
        "user_name": user,
        "action": str(action),
        "detail": _json(detail),
    }
    with db.transaction(con_or_cur, AUDIT_VERSION) as cur:
        sql.execute(cur, "audit/record", values)


def read(
    con: duckdb.DuckDBPyConnection,
    since: datetime | None = None,
    user: str | None = None,
    action: str | None = None,
    limit: int = 1000,
) -> pd.DataFrame:
    """Entries newest first: recorded_at, user_name, action, detail (JSON text); only those from
    `since` on, of `user`, of `action` when given; at most `limit`."""
    from analytics import accounts

    accounts.ensure_tables(con)
    params = {"since": since, "user_name": user, "action": action, "limit": int(limit)}
    return sql.query(con, "audit/read", params)


def cli_user() -> str:
    """Who acts from the command line: ``cli:<login name>`` (``cli`` when it cannot be told)."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name in this environment
        return "cli"


def _json(detail: Any) -> str | None:
    if detail is None or detail == "" or detail == {}:
        return None
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
