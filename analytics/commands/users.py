"""``users``: the dashboard's accounts from the command line (add, list, disable, enable, passwd).

Passwords are read from standard input (one line; at a terminal, typed twice without echo), never
from the command line. A refused change exits with status 2 and says why.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def add_commands(subparsers: Any, parents: dict[str, argparse.ArgumentParser]) -> None:
    users = subparsers.add_parser(
        "users", help="the dashboard's accounts: add, list, disable, enable, passwd"
    )
    sub = users.add_subparsers(dest="users_command", required=True)
    db = [parents["db"]]

    cmd = sub.add_parser("add", parents=db, help="add an account; the password is read from standard input")
    cmd.add_argument("name", help="user name (sign-in name)")
    cmd.add_argument("--role", required=True, choices=("admin", "supervisor", "manager"))
    cmd.add_argument("--team", action="append", default=[], help="a supervisor's team; repeatable")
    cmd.add_argument("--manager", help="a manager account's manager_id")
    cmd.add_argument("--display-name", help="name shown in the dashboard (default: the user name)")
    _password_option(cmd)
    cmd.set_defaults(handler=_cmd_add)

    cmd = sub.add_parser("list", parents=db, help="list the accounts as CSV (no passwords)")
    cmd.set_defaults(handler=_cmd_list)

    for name, handler, text in (
        ("disable", _cmd_disable, "disable an account (it can no longer sign in)"),
        ("enable", _cmd_enable, "enable an account again (also lifts a lock-out)"),
    ):
        cmd = sub.add_parser(name, parents=db, help=text)
        cmd.add_argument("name")
        cmd.set_defaults(handler=handler)

    cmd = sub.add_parser("passwd", parents=db, help="set a new password, read from standard input")
    cmd.add_argument("name")
    _password_option(cmd)
    cmd.set_defaults(handler=_cmd_passwd)


def _password_option(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from standard input (one line); never give it on the command line",
    )


def _lang() -> str:
    from analytics.i18n import language_from_locale

    return language_from_locale(os.environ.get("LC_ALL") or os.environ.get("LANG"))


def _read_password() -> str:
    """One line of standard input without its line end; at a terminal, asked twice without echo."""
    if sys.stdin.isatty():
        import getpass

        from analytics.accounts import AccountError

        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != first:
            raise AccountError("accounts.error_password_mismatch")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def refused(error: Any) -> int:
    """Say why (an AccountError or BackupError, in the terminal's language); exit status 2."""
    print(f"error: {error.message(_lang())}", file=sys.stderr)
    return 2


class StoreLocked(Exception):
    """The store is held by another process (the running dashboard)."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.key, self.values = "accounts.error_store_locked", {"file": path}

    def message(self, lang: str) -> str:
        from analytics.i18n import t

        return t(self.key, lang, **self.values)


def open_store(args: argparse.Namespace, key: str = "accounts.error_store_locked") -> Any:
    """The store of --db; StoreLocked (message `key`) when the running dashboard holds it."""
    import duckdb

    from analytics import db

    try:
        return db.connect(args.db)
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            raise
        locked = StoreLocked(str(db.resolve_db_path(args.db)))
        locked.key = key
        raise locked from error


def _cmd_add(args: argparse.Namespace) -> int:
    from analytics import accounts, audit

    try:
        password = _read_password()
        account = accounts.add_user(
            open_store(args),
            args.name,
            args.role,
            password,
            teams=args.team,
            manager_id=args.manager,
            display_name=args.display_name,
            by=audit.cli_user(),
        )
    except (accounts.AccountError, StoreLocked) as error:
        return refused(error)
    print(f"added {account.user_name} ({account.role})")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from analytics import accounts
    from analytics.commands.common import print_csv

    try:
        users = accounts.list_users(open_store(args))
    except StoreLocked as error:
        return refused(error)
    for column in ("locked_until", "created_at", "updated_at"):  # times to the second, not dates
        users[column] = users[column].dt.strftime("%Y-%m-%d %H:%M:%S")
    print_csv(users)
    return 0


def _cmd_disable(args: argparse.Namespace) -> int:
    return _change(args, "disable_user", "disabled")


def _cmd_enable(args: argparse.Namespace) -> int:
    return _change(args, "enable_user", "enabled")


def _change(args: argparse.Namespace, function: str, done: str) -> int:
    from analytics import accounts, audit

    try:
        getattr(accounts, function)(open_store(args), args.name, by=audit.cli_user())
    except (accounts.AccountError, StoreLocked) as error:
        return refused(error)
    print(f"{done} {args.name}")
    return 0


def _cmd_passwd(args: argparse.Namespace) -> int:
    from analytics import accounts, audit

    try:
        password = _read_password()
        accounts.set_password(open_store(args), args.name, password, by=audit.cli_user())
    except (accounts.AccountError, StoreLocked) as error:
        return refused(error)
    print(f"password changed for {args.name}")
    return 0
