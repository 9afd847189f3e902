"""Command line over the same functions the dashboard uses: ``python -m analytics --help``."""

from __future__ import annotations

import argparse
import importlib
import sys

from analytics.cli import db_parent, filter_parent

# Each module adds its sub-commands with add_commands(subparsers, parents).
COMMAND_MODULES = [
    "analytics.generator",
    "analytics.importer",
    "analytics.pareto",
    "analytics.warnings",
    "analytics.retention",
    "analytics.scorecard",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    parents = {"db": db_parent(), "filters": filter_parent()}
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(sub, parents)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
