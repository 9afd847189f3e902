"""`pareto` (80/20 customer value per buyer, or the summary figures) and `classes` (the
recommended service class of every customer) on the command line."""

from __future__ import annotations

import argparse

from analytics.commands.common import add_as_of, filters_from_args, open_db, print_csv
from analytics.domain import VALUE_METRICS as METRICS


def add_commands(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    """`pareto` (per buyer or --summary) and `classes` (recommended service classes)."""
    cmd = subparsers.add_parser(
        "pareto",
        parents=[parents["db"], parents["filters"]],
        help="80/20 customer value: one row per buyer, or the summary figures",
    )
    cmd.add_argument("--metric", choices=METRICS, default="amount", help="value: amount, quantity or profit")
    cmd.add_argument(
        "--summary",
        action="store_true",
        help="one row: buyers,total_value,top20_share,pct_customers_for_80,gini,"
        "a_count,b_count,c_count,non_buyers",
    )
    cmd.set_defaults(handler=_cmd_pareto)

    cmd = subparsers.add_parser(
        "classes",
        parents=[parents["db"], parents["filters"]],
        help="recommended service class of every customer in scope, with the reasons",
    )
    add_as_of(cmd, "date the violation window ends")
    cmd.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the reasons")
    cmd.add_argument("--mismatches", action="store_true", help="only customers whose class differs")
    cmd.set_defaults(handler=_cmd_classes)


def _cmd_pareto(args: argparse.Namespace) -> int:
    from analytics import pareto

    con = open_db(args)
    filters = filters_from_args(args, con)
    if args.summary:
        print_csv(pareto.pareto_summary(con, filters, args.metric).as_frame())
    else:
        print_csv(pareto.customer_values(con, filters, args.metric)[pareto.CUSTOMER_COLUMNS])
    return 0


def _cmd_classes(args: argparse.Namespace) -> int:
    from analytics import classes

    con = open_db(args)
    filters = filters_from_args(args)
    frame = classes.recommend_classes(
        con, filters, args.as_of, lang=args.lang, only_mismatches=args.mismatches
    )
    print_csv(frame[["customer_id", "assigned_class", "recommended_class", "reasons"]])
    return 0
