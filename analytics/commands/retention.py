"""``retention``: active, won and lost customers and the loss rate per month."""

from __future__ import annotations

import argparse
from typing import Any


def add_commands(subparsers: Any, parents: dict[str, argparse.ArgumentParser]) -> None:
    cmd = subparsers.add_parser(
        "retention",
        parents=[parents["db"], parents["filters"]],
        help="active, won and lost customers and the loss rate per month",
    )
    cmd.set_defaults(handler=_cmd_retention)


def _cmd_retention(args: argparse.Namespace) -> int:
    from analytics import retention
    from analytics.commands.common import filters_from_args, open_db, print_csv

    con = open_db(args)
    frame = retention.monthly_flow(con, filters_from_args(args, con))
    out = frame[["month", "active", "won", "lost", "loss_rate"]].copy()
    out["month"] = retention.month_labels(out["month"])
    out["loss_rate"] = out["loss_rate"].round(6)
    print_csv(out)
    return 0
