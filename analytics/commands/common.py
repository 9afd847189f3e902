"""Shared pieces of the command line: --db, the filter options, CSV output."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TextIO

import duckdb
import pandas as pd

from analytics import db
from analytics.filters import Filters


def db_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--db", help="DuckDB file (default $DASHBOARD_DB or data/dashboard.duckdb)")
    return parent


def filter_parent() -> argparse.ArgumentParser:
    """--start/--end and the repeatable --team/--manager/--region/--class options."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--start", type=date.fromisoformat, help="first day, YYYY-MM-DD")
    parent.add_argument("--end", type=date.fromisoformat, help="last day, YYYY-MM-DD")
    parent.add_argument("--team", action="append", default=[], help="repeatable")
    parent.add_argument("--manager", action="append", default=[], help="repeatable")
    parent.add_argument("--region", action="append", default=[], help="repeatable")
    parent.add_argument(
        "--class",
        dest="customer_class",
        action="append",
        default=[],
        help="customer class code (core, potential, regular, assist); repeatable",
    )
    return parent


def filters_from_args(args: argparse.Namespace, con: duckdb.DuckDBPyConnection | None = None) -> Filters:
    """Filters from the options; a missing --start/--end becomes the whole data's span."""
    start, end = getattr(args, "start", None), getattr(args, "end", None)
    if (start is None or end is None) and con is not None:
        span = db.data_range(con)
        if span:
            start = start or span[0]
            end = end or span[1]
    return Filters(
        start=start,
        end=end,
        teams=tuple(getattr(args, "team", []) or []),
        managers=tuple(getattr(args, "manager", []) or []),
        regions=tuple(getattr(args, "region", []) or []),
        classes=tuple(getattr(args, "customer_class", []) or []),
    )


def open_db(args: argparse.Namespace) -> duckdb.DuckDBPyConnection:
    return db.connect(args.db)


def print_csv(df: pd.DataFrame, out: TextIO | None = None) -> None:
    """CSV to stdout: UTF-8, header row, ISO dates, ratios as they are."""
    (out or sys.stdout).write(df.to_csv(index=False, date_format="%Y-%m-%d"))
