"""Command line over the same functions the dashboard uses: ``python -m analytics --help``.

While the dashboard serves, it holds the store: a command then runs inside the dashboard
(handed over through ``analytics.link``) with the same output and exit status. When another
program holds the store (an import from the command line), the command waits for it up to
``--wait`` seconds. Problems with the store and unexpected errors end with a message and exit
status 2, never a traceback (``ANALYTICS_TRACEBACK=1`` shows it)."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys
import time
from pathlib import Path

from analytics import commands
from analytics.commands.common import db_parent, filter_parent, message_language, print_error

log = logging.getLogger(__name__)

# Commands that must not run inside the dashboard (restore replaces the file the dashboard holds).
LOCAL_ONLY = frozenset({"restore"})
# Commands whose standard input (a piped password) travels with them to the dashboard.
STDIN_COMMANDS = frozenset({"users"})
# Options naming files: made absolute before a command runs in the dashboard's folder.
PATH_OPTIONS = ("files", "file", "out")


def command_modules() -> list[str]:
    """Every module of analytics/commands/ that adds commands, in name order."""
    found = [
        f"{commands.__name__}.{info.name}"
        for info in pkgutil.iter_modules(commands.__path__)
        if info.name != "common"
    ]
    return sorted(found)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    parents = {"db": db_parent(), "filters": filter_parent()}
    for name in command_modules():
        module = importlib.import_module(name)
        if hasattr(module, "add_commands"):
            module.add_commands(sub, parents)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    # A read on Spark (--engine spark) runs here: a running dashboard reads its own store.
    if hasattr(args, "db") and args.command not in LOCAL_ONLY and getattr(args, "engine", "") != "spark":
        handed = _open_or_hand_over(args, argv)
        if handed is not None:
            return handed
    return run(args)


def run(args: argparse.Namespace) -> int:
    """Run a parsed command; a store problem or an unexpected error becomes a message, exit 2."""
    from analytics import db

    try:
        return int(args.handler(args) or 0)
    except db.StoreError as error:
        print(f"error: {error.message(message_language(args))}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `... | head`: the reader left
        return 0
    except Exception as error:
        if os.environ.get("ANALYTICS_TRACEBACK"):
            raise
        if logging.getLogger().handlers:  # a server's log (the dashboard's), not a terminal
            log.exception("command %s failed", args.command)
        summary = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:300]
        print_error("errors.command_failed", args, error=summary)
        return 2


def run_handed_over(argv: list[str], cwd: str, store: str) -> int:
    """A command line handed over by another process (see analytics.link): parsed here, its
    file names taken from `cwd`, run on `store` (the one this process serves, whatever --db
    said). Exit status as from ``main``."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help, or a usage error (already printed)
        return int(stop.code or 0)
    if args.command in LOCAL_ONLY:
        print_error("errors.link_refused", args, command=args.command)
        return 2
    for name in PATH_OPTIONS:
        value = getattr(args, name, None)
        if isinstance(value, str):
            setattr(args, name, str(Path(cwd, value)))
        elif isinstance(value, list):
            setattr(args, name, [str(Path(cwd, item)) for item in value])
    if hasattr(args, "db"):
        args.db = store
    try:
        return run(args)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)


def _open_or_hand_over(args: argparse.Namespace, argv: list[str]) -> int | None:
    """Open the store of --db for the command, or have the running dashboard run the command
    (its exit status), waiting up to --wait seconds while another program holds the store.
    None: the store is open here (or does not exist yet), run the command."""
    from analytics import db

    path = db.resolve_db_path(args.db)
    if not path.exists():
        return None
    deadline = time.monotonic() + max(args.wait, 0.0)
    while True:
        try:
            db.connect(path)
            return None
        except db.StoreLocked as locked:
            busy = locked
        except db.StoreError as error:
            print(f"error: {error.message(message_language(args))}", file=sys.stderr)
            return 2
        handed = _hand_over(args, argv, path)
        if handed is not None:
            return handed
        if time.monotonic() >= deadline:
            print_error("errors.store_locked_wait", args, **{**busy.values, "seconds": f"{args.wait:g}"})
            return 2
        time.sleep(min(0.5, max(deadline - time.monotonic(), 0.0)))


def _hand_over(args: argparse.Namespace, argv: list[str], path: Path) -> int | None:
    from analytics import link

    stdin = ""
    # Standard input (a password) is read only when a dashboard is there to take it.
    if args.command in STDIN_COMMANDS and not sys.stdin.isatty() and link.answers(path):
        stdin = sys.stdin.read(link.MAX_REQUEST // 2)
    try:
        answer = link.hand_over(argv, path, os.getcwd(), stdin)
    except link.LinkLost:
        print_error("errors.link_lost", args)
        return 2
    if answer is None:
        return None
    code, out, err = answer
    sys.stdout.write(out)
    sys.stdout.flush()
    sys.stderr.write(err)
    return code


if __name__ == "__main__":
    sys.exit(main())
