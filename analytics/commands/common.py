"""Shared pieces of the command line: --db, the filter options, CSV output."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # the heavy libraries load in the handlers that use them, not for --help
    import duckdb
    import pandas as pd

    from analytics.filters import Filters

WAIT_SECONDS = 30.0


def db_parent() -> argparse.ArgumentParser:
    """--db, and --wait: how long to wait while another program holds the store (a running
    dashboard does not make a command wait: it runs the command itself)."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--db", help="DuckDB file (default $DASHBOARD_DB or data/dashboard.duckdb)")
    parent.add_argument(
        "--wait",
        type=float,
        default=WAIT_SECONDS,
        metavar="SECONDS",
        help=f"wait this long while another program holds the store (default {WAIT_SECONDS:g})",
    )
    parent.add_argument(
        "--engine", choices=("duckdb", "spark"), default="duckdb", help="where reads run (default duckdb)"
    )
    parent.add_argument(
        "--warehouse", metavar="DIR", help="Parquet folder of `export --parquet` (local path or lake URI)"
    )
    parent.add_argument("--spark-remote", metavar="sc://HOST:PORT", help="Spark Connect server (else local)")
    return parent


def message_language(args: argparse.Namespace | None = None) -> str:
    """The language of error messages: the command's --lang, else the terminal's locale."""
    from analytics.i18n import language_from_locale

    chosen = getattr(args, "lang", None)
    if chosen in ("en", "zh"):
        return chosen
    return language_from_locale(
        os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG")
    )


def print_error(key: str, args: argparse.Namespace | None = None, **values: object) -> None:
    """The message `key` (analytics/i18n) on standard error, as ``error: ...``."""
    from analytics.i18n import t

    print(f"error: {t(key, message_language(args), **values)}", file=sys.stderr)


def day(text: str) -> date:
    """A YYYY-MM-DD option inside db.PLAUSIBLE_DATES (an argparse `type`: a usage error, exit 2)."""
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None
    from analytics import db

    first, last = db.PLAUSIBLE_DATES
    if not first <= value <= last:
        raise argparse.ArgumentTypeError(f"{text} is outside {first} … {last}")
    return value


def add_as_of(cmd: argparse.ArgumentParser, what: str = "as-of date") -> None:
    """--as-of (dest as_of): a plausible YYYY-MM-DD day, default the last day with data."""
    cmd.add_argument(
        "--as-of", dest="as_of", type=day, help=f"{what}, YYYY-MM-DD (default: the last day with data)"
    )


def filter_parent() -> argparse.ArgumentParser:
    """--start/--end and the repeatable --team/--manager/--region/--class options."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--start", type=day, help="first day, YYYY-MM-DD")
    parent.add_argument("--end", type=day, help="last day, YYYY-MM-DD")
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
    from analytics import db
    from analytics.filters import Filters

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
    """The connection reads go to: the DuckDB store, or with --engine spark a SparkStore over
    --warehouse (which answers the same queries; see analytics.engine)."""
    from analytics import db

    if getattr(args, "engine", "duckdb") != "spark":
        return db.connect(args.db)
    if not args.warehouse:
        raise SystemExit("--engine spark needs --warehouse DIR (a folder written by export --parquet)")
    from analytics.engine.spark import open_store

    return open_store(args.warehouse, remote=args.spark_remote)


def print_csv(df: pd.DataFrame, out: TextIO | None = None) -> None:
    """CSV to stdout: UTF-8, header row, ISO dates, ratios as they are."""
    (out or sys.stdout).write(df.to_csv(index=False, date_format="%Y-%m-%d"))
