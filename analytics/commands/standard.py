"""The rest of the service standard: ``products`` (new-product cultivation), ``suggest``
(product mix), ``inventory`` (stock guidance), ``complaints`` and ``receivables``."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any


def add_commands(subparsers: Any, parents: dict[str, argparse.ArgumentParser]) -> None:
    common = [parents["db"], parents["filters"]]
    cmd = subparsers.add_parser(
        "products", parents=common, help="listing and repurchase rate of a new product"
    )
    cmd.add_argument("--product", required=True, help="product name as in the order lines")
    cmd.add_argument("--launch", type=date.fromisoformat, help="launch day (default: its first order line)")
    cmd.add_argument("--as-of", dest="as_of", type=date.fromisoformat, help="default: the last day with data")
    cmd.set_defaults(handler=_cmd_products)

    cmd = subparsers.add_parser("suggest", parents=[parents["db"]], help="products a customer's peers buy")
    cmd.add_argument("--customer", required=True, help="customer_id")
    cmd.add_argument("--as-of", dest="as_of", type=date.fromisoformat)
    cmd.set_defaults(handler=_cmd_suggest)

    cmd = subparsers.add_parser("inventory", parents=[parents["db"]], help="a customer's stock guidance")
    cmd.add_argument("--customer", required=True, help="customer_id")
    cmd.add_argument("--as-of", dest="as_of", type=date.fromisoformat)
    cmd.set_defaults(handler=_cmd_inventory)

    cmd = subparsers.add_parser("complaints", parents=common, help="complaints handled in time, per manager")
    cmd.add_argument("--as-of", dest="as_of", type=date.fromisoformat)
    cmd.set_defaults(handler=_cmd_complaints)

    cmd = subparsers.add_parser(
        "receivables", parents=common, help="overdue receivables by age, per customer"
    )
    cmd.add_argument("--as-of", dest="as_of", type=date.fromisoformat)
    cmd.set_defaults(handler=_cmd_receivables)


def _rounded(frame: Any, columns: list[str]) -> Any:
    out = frame.copy()
    for column in columns:
        out[column] = out[column].astype(float).round(6)
    return out


def _cmd_products(args: argparse.Namespace) -> int:
    from analytics import products
    from analytics.commands.common import filters_from_args, open_db, print_csv

    con = open_db(args)
    filters = filters_from_args(args)
    frame = products.cultivation_with_total(con, filters, args.product, args.launch, args.as_of)
    columns = ["manager_id", *products.FIGURES]
    print_csv(_rounded(frame[columns], ["listing_rate", "repurchase_rate"]))
    return 0


def _cmd_suggest(args: argparse.Namespace) -> int:
    from analytics import suggestions
    from analytics.commands.common import open_db, print_csv

    frame = suggestions.suggest(open_db(args), args.customer, args.as_of)
    print_csv(_rounded(frame, ["peer_share"]))
    return 0


def _cmd_inventory(args: argparse.Namespace) -> int:
    from analytics import inventory
    from analytics.commands.common import open_db, print_csv

    frame = inventory.customer_guidance(open_db(args), args.customer, args.as_of)
    print_csv(_rounded(frame, ["actual_sales", "reasonable_stock", "suggested_order"]))
    return 0


def _cmd_complaints(args: argparse.Namespace) -> int:
    from analytics import complaints
    from analytics.commands.common import filters_from_args, open_db, print_csv

    con = open_db(args)
    frame = complaints.manager_compliance(con, filters_from_args(args), args.as_of, since=args.start)
    columns = [c for c in complaints.MANAGER_COLUMNS if c != "manager_name"]
    print_csv(_rounded(frame[columns], ["contact_rate", "reply_rate"]))
    return 0


def _cmd_receivables(args: argparse.Namespace) -> int:
    from analytics import collections
    from analytics.commands.common import filters_from_args, open_db, print_csv

    con = open_db(args)
    frame = collections.overdue_by_customer(con, filters_from_args(args), args.as_of)
    columns = ["customer_id", "manager_id", *collections.BUCKETS, "overdue_total"]
    print_csv(_rounded(frame[columns], [*collections.BUCKETS, "overdue_total"]))
    return 0
