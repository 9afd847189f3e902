"""The ``warnings`` command: loss warnings as of a date, ranked with the risk model (CSV)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from analytics.commands.common import filters_from_args, open_db, print_csv

CLI_COLUMNS = [
    "customer_id",
    "customer_name",
    "manager_id",
    "customer_class",
    "risk_score",
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
        help="loss warnings as of a date: fired rules, risk score, revenue at risk",
    )
    cmd.add_argument(
        "--as-of",
        dest="as_of",
        type=date.fromisoformat,
        help="as-of date, YYYY-MM-DD (default: the last data date)",
    )
    cmd.add_argument(
        "--all",
        dest="include_all",
        action="store_true",
        help="every customer with an order on or before the as-of date, warned or not",
    )
    cmd.set_defaults(handler=_cmd_warnings)


def _cmd_warnings(args: argparse.Namespace) -> int:
    # The model (and scikit-learn) only when the command runs: --help stays quick.
    from analytics import config, risk_model

    con = open_db(args)
    filters = filters_from_args(args, con)
    frame, _ = risk_model.ranked_warnings(
        con, filters, args.as_of, config.load_settings(), include_all=args.include_all
    )
    out = frame[CLI_COLUMNS].copy()
    out["risk_score"] = out["risk_score"].round(4)
    out["revenue_at_risk"] = out["revenue_at_risk"].round(2)
    out["days_since_last_order"] = out["days_since_last_order"].astype("Int64")
    print_csv(out)
    return 0
