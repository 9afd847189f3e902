"""The ``warnings`` command: the action list as of a date (CSV); --open every open warning,
--all every customer with an order in the year, each with its risk and expected loss."""

from __future__ import annotations

import argparse
from typing import Any

from analytics.commands.common import add_as_of, filters_from_args, open_db, print_csv

CLI_COLUMNS = [
    "customer_id",
    "customer_name",
    "manager_id",
    "customer_class",
    "risk_score",
    "expected_loss",
    "rules",
    "revenue_at_risk",
    "days_since_last_order",
    "last_order_date",
    "last_visit_date",
]


def add_commands(subparsers: Any, parents: dict[str, argparse.ArgumentParser]) -> None:
    cmd = subparsers.add_parser(
        "warnings",
        parents=[parents["db"], parents["filters"]],
        help="the action list of loss warnings as of a date: risk, expected loss, reasons",
    )
    add_as_of(cmd)
    shown = cmd.add_mutually_exclusive_group()
    shown.add_argument(
        "--all",
        dest="include_all",
        action="store_true",
        help="every customer with an order on or before the as-of date, warned or not",
    )
    shown.add_argument("--open", dest="open_only", action="store_true", help="every open warning")
    cmd.set_defaults(handler=_cmd_warnings)


def _cmd_warnings(args: argparse.Namespace) -> int:
    # The ranking (and scikit-learn) only when the command runs: --help stays quick.
    from analytics import config, risk, warnings

    con = open_db(args)
    filters = filters_from_args(args, con)
    settings = config.load_settings()
    frame, _ = risk.ranked_warnings(con, filters, args.as_of, settings, include_all=args.include_all)
    if not args.include_all:
        frame = frame[frame["open"]].reset_index(drop=True)
        if not args.open_only:
            frame = warnings.action_list(frame, settings)
    out = frame[CLI_COLUMNS].copy()
    out["risk_score"] = out["risk_score"].round(4)
    out["expected_loss"] = out["expected_loss"].round(2)
    out["revenue_at_risk"] = out["revenue_at_risk"].round(2)
    out["days_since_last_order"] = out["days_since_last_order"].astype("Int64")
    print_csv(out)
    return 0
