"""Upkeep of the order aggregates beside the store: customer numbers, order_days (customer × day)
and order_months (customer × month), rebuilt in full, partly after an undo, or added to by an
import. Every function works on a cursor inside ``db.transaction``; the SQL is in
``analytics/sql/store/``.

Customer numbers (``customer_keys``) are given in customer_id order as customers first appear and
never change or get reused, so aggregate rows keep pointing at their customer whatever is undone.
"""

from __future__ import annotations

from typing import Literal

import duckdb

from analytics import sql

# The tables whose customer_ids get numbers (names, never a user's text).
Numbered = Literal["orders", "order_days", "order_months", "visits", "agg_days"]


def _run_all(cur: duckdb.DuckDBPyConnection, name: str, **context: object) -> None:
    """Run each statement of a file that holds several (they bind no values)."""
    for statement in sql.statements(name, **context):
        cur.execute(statement)


def number_customers(cur: duckdb.DuckDBPyConnection, source: Numbered, missing_only: bool = False) -> None:
    """Give every customer_id of table `source` (with `missing_only`: of its rows without a
    customer_no) that has no customer_no yet the next free numbers, in customer_id order."""
    sql.execute(cur, "store/number_customers", source=source, missing_only=missing_only)


def set_customer_numbers(cur: duckdb.DuckDBPyConnection, table: Numbered, missing_only: bool = False) -> None:
    """Copy the customers' numbers into `table`.customer_no (every row, or those without one)."""
    sql.execute(cur, "store/set_customer_numbers", table=table, missing_only=missing_only)


def fill_customer_numbers(cur: duckdb.DuckDBPyConnection, table: Numbered) -> None:
    """Fill `table`.customer_no where it is missing, numbering the customers seen for the first
    time (`table` has customer_id and customer_no columns)."""
    number_customers(cur, table, missing_only=True)
    set_customer_numbers(cur, table, missing_only=True)


def number_visits(cur: duckdb.DuckDBPyConnection) -> None:
    """Fill visits.customer_no for the rows just written; call after every write to visits."""
    fill_customer_numbers(cur, "visits")


def refresh_aggregates(cur: duckdb.DuckDBPyConnection) -> None:
    """Rebuild order_days and order_months from the order lines; call inside transaction().

    Sorted by month, then customer (``days_order`` in sql/store/aggregates.sql)."""
    number_customers(cur, "orders")
    cur.execute("DELETE FROM order_days")
    sql.execute(cur, "store/days_from_lines")
    cur.execute("DELETE FROM order_months")
    sql.execute(cur, "store/months_from_days")


def refresh_order_aggregates(
    cur: duckdb.DuckDBPyConnection, keys: Literal["undo_keys"] = "undo_keys"
) -> None:
    """Recompute order_days/order_months only for the (customer, day) and (customer, month) groups
    of the rows in temp table `keys` (customer_id, order_date); same result as refresh_aggregates()."""
    _run_all(cur, "store/touched_days", keys=keys)
    sql.execute(cur, "store/forget_touched_days")
    number_customers(cur, "agg_days")
    sql.execute(cur, "store/days_from_lines", touched=True)
    sql.execute(cur, "store/forget_touched_months")
    sql.execute(cur, "store/months_from_days", touched=True)
    cur.execute("DROP TABLE agg_days")
    cur.execute("DROP TABLE agg_months")


# ------------------------------------------------------------------ an import's orders added


def group_import_days(cur: duckdb.DuckDBPyConnection) -> None:
    """The import's lines, when they are exactly the stage's rows, as day totals in agg_days: the
    file is grouped once, for its unknown customers, their numbers and the aggregates."""
    cur.execute("DROP TABLE IF EXISTS agg_days")
    sql.execute(cur, "store/import_days", from_stage=True)


def add_to_order_aggregates(cur: duckdb.DuckDBPyConnection, import_id: int, grouped: bool = False) -> None:
    """Add one import's order lines to order_days/order_months without re-reading the other orders:
    only the (customer, day) and (customer, month) groups it touches are rewritten. Orders are only
    ever appended by an import, so old totals + the import's totals = the new totals.

    `grouped`: the import's day totals are in agg_days already (group_import_days); otherwise its
    lines are read back from orders."""
    if not grouped:
        cur.execute("DROP TABLE IF EXISTS agg_days")
        sql.execute(cur, "store/import_days", {"import_id": import_id})
    # The period as day numbers: Python's date cannot hold every date the store can.
    first, last, first_month, last_month, days, unnumbered = sql.execute(
        cur, "store/import_period"
    ).fetchall()[0]
    if first is not None:
        if unnumbered:
            fill_customer_numbers(cur, "agg_days")
        all_new, all_stored = _add_days(cur, first, last, days)
        _add_months(cur, first_month, last_month, all_new, all_stored)
    cur.execute("DROP TABLE agg_days")


def _add_days(cur: duckdb.DuckDBPyConnection, first: int, last: int, days: int) -> tuple[bool, bool]:
    """order_days += the import's `days` day totals (agg_days). Returns whether every day was new
    to the store (agg_days.new_day is then not settled: all of them are new) and whether every
    day was stored before. The stored days are matched by the integer customer_no."""
    period = {"first": first, "last": last}
    if not sql.execute(cur, "store/days_in_period", period).fetchall()[0][0]:
        # The usual import: a new period, its days are simply appended.
        sql.execute(cur, "store/append_import_days")
        return True, False
    # Days the store already has are updated in place (cheaper than deleting and re-inserting
    # them, and they keep their place in date order); the new days are appended.
    updated = sql.execute(cur, "store/update_import_days").fetchall()[0][0]
    if updated < days:  # some days are new to the store (the updated ones are not told apart before)
        sql.execute(cur, "store/mark_new_days", period)
        sql.execute(cur, "store/append_import_days", only_new=True)
    return False, updated == days


def _add_months(
    cur: duckdb.DuckDBPyConnection, first: int, last: int, all_new: bool, all_stored: bool
) -> None:
    """order_months += the import's day totals by month (order_days counts the new days).
    `all_stored`: every day was stored before, so is every month, and only the sums change."""
    if all_stored:
        sql.execute(cur, "store/update_import_months", all_stored=True)
        return
    period = {"first": first, "last": last}
    if not sql.execute(cur, "store/months_in_period", period).fetchall()[0][0]:
        sql.execute(cur, "store/append_import_months", all_new=all_new)
        return
    months = sql.execute(cur, "store/import_months", all_new=all_new).fetchall()[0][0]
    updated = sql.execute(cur, "store/update_import_months").fetchall()[0][0]
    sql.execute(cur, "store/update_month_days")
    if updated < months:
        sql.execute(cur, "store/mark_new_months", period)
        sql.execute(cur, "store/append_import_months", only_new=True)
    cur.execute("DROP TABLE agg_months")
