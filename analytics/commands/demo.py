"""``init-demo``: replace all data with a generated demo district."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any


def add_commands(subparsers: Any, parents: dict[str, argparse.ArgumentParser]) -> None:
    cmd = subparsers.add_parser(
        "init-demo", parents=[parents["db"]], help="replace all data with generated demo data"
    )
    cmd.add_argument("--customers", type=int, default=3000)
    cmd.add_argument("--managers", type=int, default=24)
    cmd.add_argument("--months", type=int, default=24)
    cmd.add_argument("--seed", type=int, default=7)
    cmd.add_argument("--end", type=date.fromisoformat, help="last day of data, YYYY-MM-DD")
    cmd.set_defaults(handler=_cmd_init_demo)


def _cmd_init_demo(args: argparse.Namespace) -> int:
    import resource

    from analytics import db
    from analytics.generator import generate_demo

    con = db.connect(args.db)
    stats = generate_demo(
        con,
        customers=args.customers,
        managers=args.managers,
        months=args.months,
        seed=args.seed,
        end=args.end,
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes
    print(
        f"demo data: {stats.managers} managers, {stats.customers} customers, {stats.orders} order lines, "
        f"{stats.visits} visits, {stats.targets} targets in {stats.seconds:.1f} s "
        f"(peak memory {peak_mb:.0f} MB)"
    )
    return 0
