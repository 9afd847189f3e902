"""Command line over the same functions the dashboard uses: ``python -m analytics --help``."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from analytics import commands
from analytics.commands.common import db_parent, filter_parent


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
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
