"""The dashboard's own accounts (issue 17; domain guide §2, users): who may sign in and what they see.

Roles: ``admin`` sees and may do everything; ``supervisor`` sees the customers of their teams and
may import; ``manager`` sees their own customers (their manager_id). Passwords are hashed with
argon2id (argon2-cffi) and never stored, logged or put in an error in clear.

Signing in (``sign_in`` / ``authenticate``): ``max_attempts`` (5) wrong passwords in a row lock the
account for ``lock_minutes`` (15); a success resets the count; a locked or disabled account never
signs in. Failed sign-ins, lock-outs and every change of an account are written to the audit log.

Errors a user can cause raise ``AccountError`` (a ValueError) whose text is a message key of
``analytics/i18n/accounts.toml``: ``t(error.key, lang, **error.values)``.

The tables are created by ``ensure_schema(cur)``; until a schema migration calls it, every function
here makes sure they exist itself. Writes bump ``ACCOUNTS_VERSION``, not the data version, so
signing in never invalidates the cached figures.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from analytics import audit, db, sql

ACCOUNTS_VERSION = "accounts_version"
MIN_PASSWORD_LENGTH = 8
MAX_NAME_LENGTH = 64
MAX_ATTEMPTS = 5
LOCK_MINUTES = 15

_HASHER = PasswordHasher()


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"


ROLES: tuple[str, ...] = tuple(r.value for r in Role)


class AccountError(ValueError):
    """A refused account operation; ``key`` is the message key, ``values`` its placeholders."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def message(self, lang: str = "zh") -> str:
        from analytics.i18n import t

        return t(self.key, lang, **self.values)


@dataclass(frozen=True)
class Scope:
    """What an account may see: customers of these teams, or of these managers (one of the two)."""

    teams: tuple[str, ...] = ()
    managers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Account:
    """A signed-in account (never holds the password or its hash)."""

    user_name: str
    display_name: str
    role: str
    teams: tuple[str, ...] = ()
    manager_id: str | None = None

    def scope(self) -> Scope | None:
        """None = everything (admin); a supervisor sees their teams, a manager their own customers."""
        if self.role == Role.SUPERVISOR:
            return Scope(teams=self.teams)
        if self.role == Role.MANAGER:
            return Scope(managers=(self.manager_id,) if self.manager_id else ())
        return None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_edit_settings(self) -> bool:
        return self.is_admin

    @property
    def can_manage_accounts(self) -> bool:
        return self.is_admin

    @property
    def can_clear_data(self) -> bool:
        return self.is_admin

    @property
    def can_import(self) -> bool:
        return self.role in (Role.ADMIN, Role.SUPERVISOR)


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: the account, or why not (``reason`` and a message key).

    reason: ok · unknown_user · wrong_password · locked · disabled. An unknown user and a wrong
    password get the same message, so the form does not tell which user names exist."""

    account: Account | None
    reason: str
    message: str | None = None
    locked_until: datetime | None = None
    minutes: int = 0


# ------------------------------------------------------------------------------------- schema


def ensure_schema(cur: duckdb.DuckDBPyConnection) -> None:
    """Create the users and audit_log tables when missing (inside a transaction)."""
    for statement in sql.statements("accounts/schema"):
        cur.execute(statement)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables once in a store that lacks them (a cheap read when they exist)."""
    if sql.scalar(con, "accounts/missing_tables"):
        with db.transaction(con, ACCOUNTS_VERSION) as cur:
            ensure_schema(cur)


# -------------------------------------------------------------------------------------- reads


def any_accounts(con: duckdb.DuckDBPyConnection) -> bool:
    """True once an account exists (active or not): the dashboard then asks everyone to sign in."""
    if sql.scalar(con, "accounts/missing_tables") == 2:
        return False
    ensure_tables(con)
    return bool(sql.scalar(con, "accounts/count_users"))


def list_users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every account: user_name, display_name, role, teams (comma-separated), manager_id, active,
    failed_attempts, locked_until, created_at, updated_at. No password hashes."""
    ensure_tables(con)
    return sql.query(con, "accounts/list_users")


def get_account(con: duckdb.DuckDBPyConnection, name: str) -> Account | None:
    """The account called `name` (active or not), or None."""
    ensure_tables(con)
    rows = sql.rows(con, "accounts/get_user", {"user_name": _clean_name(name)})
    return _account(dict(zip(_COLUMNS, rows[0], strict=True))) if rows else None


# ------------------------------------------------------------------------------------- writes


def add_user(
    con: duckdb.DuckDBPyConnection,
    name: str,
    role: str,
    password: str,
    teams: Iterable[str] = (),
    manager_id: str | None = None,
    display_name: str | None = None,
    by: str | None = None,
) -> Account:
    """Create an account. A supervisor needs at least one team, a manager their manager_id; the
    first account of a store must be an admin (else nobody could manage the others).
    `by` is who does it, for the audit log."""
    name = _valid_name(name)
    role = _valid_role(role)
    _valid_password(password)
    clean_teams = tuple(dict.fromkeys(t.strip() for t in teams if t and t.strip()))
    manager = (manager_id or "").strip() or None
    if role == Role.SUPERVISOR and not clean_teams:
        raise AccountError("accounts.error_no_team")
    if role == Role.MANAGER and not manager:
        raise AccountError("accounts.error_no_manager")
    if role != Role.SUPERVISOR:
        clean_teams = ()
    if role != Role.MANAGER:
        manager = None
    display = (display_name or "").strip() or name
    password_hash = _HASHER.hash(password)
    ensure_tables(con)
    with db.transaction(con, ACCOUNTS_VERSION) as cur:
        ensure_schema(cur)
        if _user_row(cur, name):
            raise AccountError("accounts.error_name_taken", name=name)
        if role != Role.ADMIN and not _scalar(cur, "accounts/count_users"):
            raise AccountError("accounts.error_first_admin")
        sql.execute(
            cur,
            "accounts/add_user",
            {
                "user_name": name,
                "display_name": display,
                "role": role,
                "teams": list(clean_teams),
                "manager_id": manager,
                "password_hash": password_hash,
                "now": datetime.now(),
            },
        )
    detail = {
        "account": name,
        "change": "added",
        "role": role,
        "teams": list(clean_teams),
        "manager_id": manager,
    }
    audit.record(con, by, audit.AuditAction.ACCOUNT_CHANGED, detail)
    return Account(name, display, role, clean_teams, manager)


def disable_user(con: duckdb.DuckDBPyConnection, name: str, by: str | None = None) -> None:
    """The account can no longer sign in (kept, with its history). The last active admin stays."""
    name = _clean_name(name)
    ensure_tables(con)
    with db.transaction(con, ACCOUNTS_VERSION) as cur:
        row = _user_row(cur, name)
        if row is None:
            raise AccountError("accounts.error_unknown_user", name=name)
        last_admin = row["role"] == Role.ADMIN and row["active"]
        if last_admin and not _scalar(cur, "accounts/other_active_admins", {"user_name": name}):
            raise AccountError("accounts.error_last_admin")
        sql.execute(cur, "accounts/set_active", {"user_name": name, "active": False, "now": datetime.now()})
    audit.record(con, by, audit.AuditAction.ACCOUNT_CHANGED, {"account": name, "change": "disabled"})


def enable_user(con: duckdb.DuckDBPyConnection, name: str, by: str | None = None) -> None:
    """The account may sign in again; a lock-out is lifted too."""
    name = _clean_name(name)
    ensure_tables(con)
    with db.transaction(con, ACCOUNTS_VERSION) as cur:
        updated = sql.execute(
            cur, "accounts/set_active", {"user_name": name, "active": True, "now": datetime.now()}
        ).fetchall()
        if not updated:
            raise AccountError("accounts.error_unknown_user", name=name)
    audit.record(con, by, audit.AuditAction.ACCOUNT_CHANGED, {"account": name, "change": "enabled"})


def set_password(con: duckdb.DuckDBPyConnection, name: str, password: str, by: str | None = None) -> None:
    """A new password (hashed); a lock-out is lifted too."""
    name = _clean_name(name)
    _valid_password(password)
    password_hash = _HASHER.hash(password)
    ensure_tables(con)
    with db.transaction(con, ACCOUNTS_VERSION) as cur:
        updated = sql.execute(
            cur,
            "accounts/set_password",
            {"user_name": name, "password_hash": password_hash, "now": datetime.now()},
        ).fetchall()
        if not updated:
            raise AccountError("accounts.error_unknown_user", name=name)
    audit.record(con, by, audit.AuditAction.ACCOUNT_CHANGED, {"account": name, "change": "password"})


# ------------------------------------------------------------------------------------ sign in


def authenticate(
    con: duckdb.DuckDBPyConnection,
    name: str,
    password: str,
    now: datetime | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    lock_minutes: float = LOCK_MINUTES,
) -> Account | None:
    """The account when `password` is right and the account active and not locked; else None."""
    return sign_in(con, name, password, now, max_attempts, lock_minutes).account


def sign_in(
    con: duckdb.DuckDBPyConnection,
    name: str,
    password: str,
    now: datetime | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    lock_minutes: float = LOCK_MINUTES,
) -> SignIn:
    """One sign-in attempt, with what the form should say when it fails (see ``SignIn``).

    `max_attempts` wrong passwords in a row lock the account until `lock_minutes` after the last
    one; attempts while locked are refused without checking the password and do not extend the
    lock. After the lock ends the count starts again from zero."""
    attempt = _Attempt(_clean_name(name), password, now or datetime.now(), max_attempts, lock_minutes)
    ensure_tables(con)
    for tries in range(3):
        try:
            return _sign_in(con, attempt)
        except duckdb.TransactionException:
            # Two attempts on the same account at once: the loser tries again on the new count.
            attempt.events.clear()
            if tries == 2:
                raise
    raise AssertionError("unreachable")


@dataclass
class _Attempt:
    name: str
    password: str
    now: datetime
    max_attempts: int
    lock_minutes: float
    events: list[tuple[str | None, str, dict]] = field(default_factory=list)

    def failed(self, user: str | None, reason: str, **detail: Any) -> None:
        self.events.append((user, audit.AuditAction.SIGN_IN_FAILED, {"reason": reason, **detail}))


def _sign_in(con: duckdb.DuckDBPyConnection, attempt: _Attempt) -> SignIn:
    with db.transaction(con, ACCOUNTS_VERSION) as cur:
        row = _user_row(cur, attempt.name) if attempt.name else None
        if row is None:
            _verify(_dummy_hash(), attempt.password)  # the same work as for a real account
            # The typed name is not recorded: it may be a password typed in the wrong field.
            attempt.failed(None, "unknown_user")
            result = SignIn(None, "unknown_user", "accounts.error_sign_in")
        elif not row["active"]:
            # Said only to whoever knows the password; attempts on a disabled account are not counted.
            right = _verify(row["password_hash"], attempt.password)
            attempt.failed(attempt.name, "disabled")
            result = SignIn(
                None, "disabled", "accounts.error_disabled" if right else "accounts.error_sign_in"
            )
        else:
            result = _check_password(cur, row, attempt)
    for user, action, detail in attempt.events:
        audit.record(con, user, action, detail, at=attempt.now)
    return result


def _check_password(cur: duckdb.DuckDBPyConnection, row: dict[str, Any], attempt: _Attempt) -> SignIn:
    name, now = row["user_name"], attempt.now
    failed, locked_until = int(row["failed_attempts"] or 0), row["locked_until"]
    if locked_until is not None and now < locked_until:
        attempt.failed(name, "locked")
        return _locked(locked_until, now)
    if locked_until is not None:  # the lock-out is over: the count starts again
        failed, locked_until = 0, None
    if not _verify(row["password_hash"], attempt.password):
        failed += 1
        if failed >= attempt.max_attempts:
            locked_until = now + timedelta(minutes=attempt.lock_minutes)
        _save_state(cur, name, failed, locked_until)
        if locked_until is None:
            attempt.failed(name, "wrong_password", failed_attempts=failed)
            return SignIn(None, "wrong_password", "accounts.error_sign_in")
        until = locked_until.isoformat(sep=" ", timespec="seconds")
        attempt.failed(name, "wrong_password", failed_attempts=failed, locked_until=until)
        lock = {"account": name, "change": "locked", "until": until}
        attempt.events.append((name, audit.AuditAction.ACCOUNT_CHANGED, lock))
        return _locked(locked_until, now)
    if failed or row["locked_until"] is not None:
        _save_state(cur, name, 0, None)
    if _HASHER.check_needs_rehash(row["password_hash"]):
        new_hash = _HASHER.hash(attempt.password)
        sql.execute(cur, "accounts/set_password", {"user_name": name, "password_hash": new_hash, "now": now})
    attempt.events.append((name, audit.AuditAction.SIGN_IN, {}))
    return SignIn(_account(row), "ok")


def _locked(until: datetime, now: datetime) -> SignIn:
    return SignIn(None, "locked", "accounts.error_locked", until, _minutes_left(until, now))


def _save_state(
    cur: duckdb.DuckDBPyConnection, name: str, failed: int, locked_until: datetime | None
) -> None:
    sql.execute(
        cur,
        "accounts/set_sign_in_state",
        {"user_name": name, "failed_attempts": failed, "locked_until": locked_until},
    )


def _minutes_left(until: datetime, now: datetime) -> int:
    seconds = (until - now).total_seconds()
    return max(1, int(-(-seconds // 60)))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash("not a password of anyone")


# ------------------------------------------------------------------------------------ helpers


_COLUMNS = (
    "user_name",
    "display_name",
    "role",
    "teams",
    "manager_id",
    "password_hash",
    "active",
    "failed_attempts",
    "locked_until",
)


def _scalar(cur: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None) -> Any:
    """A one-value query read inside the transaction `cur` (sql.scalar would use a new cursor)."""
    return sql.execute(cur, name, params).fetchall()[0][0]


def _user_row(cur: duckdb.DuckDBPyConnection, name: str) -> dict[str, Any] | None:
    """The account row read inside the transaction `cur` (hash included; stays in this module)."""
    rows = sql.execute(cur, "accounts/get_user", {"user_name": name}).fetchall()
    return dict(zip(_COLUMNS, rows[0], strict=True)) if rows else None


def _account(row: dict[str, Any]) -> Account:
    return Account(
        user_name=row["user_name"],
        display_name=row["display_name"] or row["user_name"],
        role=row["role"],
        teams=tuple(row["teams"] or ()),
        manager_id=row["manager_id"],
    )


def _clean_name(name: str | None) -> str:
    return unicodedata.normalize("NFC", (name or "").strip())


def _valid_name(name: str | None) -> str:
    clean = _clean_name(name)
    if not clean:
        raise AccountError("accounts.error_empty_name")
    if len(clean) > MAX_NAME_LENGTH or any(c.isspace() or not c.isprintable() for c in clean):
        raise AccountError("accounts.error_bad_name", max=MAX_NAME_LENGTH)
    return clean


def _valid_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError("accounts.error_unknown_role", role=role, roles=", ".join(ROLES))
    return Role(role).value


def _valid_password(password: str | None) -> None:
    if password is None or len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("accounts.error_short_password", min=MIN_PASSWORD_LENGTH)
