"""Commands of the scorecard area: `scorecard` (manager scorecards for a period) and `overdue`
(a manager's customers by next visit due)."""

from __future__ import annotations

import argparse
from datetime import date

from analytics.commands.common import add_as_of, filters_from_args, open_db, print_csv


def add_commands(subparsers: argparse._SubParsersAction, parents: dict[str, argparse.ArgumentParser]) -> None:
    card = subparsers.add_parser(
        "scorecard", parents=[parents["db"], parents["filters"]], help="manager scorecards for a period (CSV)"
    )
    card.set_defaults(handler=_cmd_scorecard)
    overdue = subparsers.add_parser(
        "overdue", parents=[parents["db"]], help="a manager's customers by next visit due (CSV)"
    )
    overdue.add_argument("--manager", required=True, help="manager_id")
    add_as_of(overdue)
    overdue.set_defaults(handler=_cmd_overdue)


def _cmd_scorecard(args: argparse.Namespace) -> int:
    from analytics import scorecard

    con = open_db(args)
    card = scorecard.scorecard(con, filters_from_args(args, con))
    print_csv(card.reindex(columns=scorecard.CLI_COLUMNS))
    return 0


def _cmd_overdue(args: argparse.Namespace) -> int:
    from analytics import db, scorecard

    con = open_db(args)
    as_of = args.as_of or db.last_data_date(con) or date.today()
    print_csv(scorecard.overdue_list(con, args.manager, as_of))
    return 0
