"""Overdue receivables by age bucket (answers worked out on paper)."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from datetime import date

import pandas as pd
import pytest

from analytics import collections, optional_tables
from analytics.__main__ import main
from analytics.filters import Filters
from tests.conftest import insert, insert_customers, insert_managers

AS_OF = date(2026, 6, 30)


def _invoice(
    iid: str, customer: str, due: str, amount: float, paid: float | None = None, paid_on: str | None = None
):
    return {
        "invoice_id": iid,
        "customer_id": customer,
        "invoice_date": date(2026, 1, 5),
        "due_date": date.fromisoformat(due),
        "amount": amount,
        "paid_amount": paid,
        "paid_date": date.fromisoformat(paid_on) if paid_on else None,
    }


@pytest.fixture
def book(optional_con):
    con = optional_con
    insert_managers(con, {"M1": "甲", "M2": "乙"})
    insert_customers(con, {"K1": "M1", "K2": "M2", "K3": "M1", "K4": "M2"})
    rows = [
        _invoice("R1", "K1", "2026-06-10", 1000),  # 20 days
        _invoice("R2", "K1", "2026-04-20", 500, 200, "2026-05-01"),  # 71 days, 300 left
        _invoice("R3", "K1", "2026-05-31", 800, 800, "2026-07-05"),  # paid after as_of: 30 days
        _invoice("R4", "K2", "2026-03-01", 2000),  # 121 days
        _invoice("R5", "K2", "2026-05-01", 600, 600, "2026-05-20"),  # paid
        _invoice("R6", "K2", "2026-06-30", 900),  # due today: not overdue
        _invoice("R7", "K3", "2026-05-15", 400, 400),  # paid, date unknown
        _invoice("R8", "K3", "2026-05-01", 300),  # 60 days
        _invoice("R9", "K4", "2026-07-15", 700),  # not due yet
    ]
    insert(con, "receivables", rows)
    return con


def test_buckets_per_customer(book):
    frame = collections.overdue_by_customer(book, Filters(), AS_OF)
    columns = ["customer_id", *collections.BUCKETS, "overdue_total"]
    assert frame[columns].values.tolist() == [
        ["K1", 1800, 0, 300, 0, 2100],
        ["K2", 0, 0, 0, 2000, 2000],
        ["K3", 0, 300, 0, 0, 300],
    ]


def test_per_manager(book):
    frame = collections.overdue_by_manager(book, Filters(), AS_OF)
    assert frame[["manager_id", "customers", *collections.BUCKETS, "overdue_total"]].values.tolist() == [
        ["M1", 2, 1800, 300, 300, 0, 2400],
        ["M2", 1, 0, 0, 0, 2000, 2000],
    ]


def test_overdue_payment_signal(book):
    signal = collections.overdue_payment_customers(book, Filters(), AS_OF)
    assert signal.values.tolist() == [["K1", 2100], ["K2", 2000]]
    high = collections.overdue_payment_customers(
        book, Filters(), AS_OF, {"collections": {"overdue_floor": 2050}}
    )
    assert high["customer_id"].tolist() == ["K1"]
    assert collections.overdue_payment_customers(book, Filters(managers=("M2",)), AS_OF)[
        "customer_id"
    ].tolist() == ["K2"]


def test_receivables_command(book):
    path = book.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()[0]
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["receivables", "--db", path, "--as-of", "2026-06-30"]) == 0
    frame = pd.read_csv(io.StringIO(out.getvalue()))
    assert list(frame.columns) == ["customer_id", "manager_id", *collections.BUCKETS, "overdue_total"]
    assert frame["overdue_total"].tolist() == [2100, 2000, 300]


def test_store_without_the_table(con):
    assert collections.overdue_by_customer(con, Filters(), AS_OF).empty
    signal = collections.overdue_payment_customers(con, Filters(), AS_OF)
    assert signal.empty and list(signal.columns) == ["customer_id", "overdue_total"]


def test_a_table_without_rows_is_not_present(optional_con):
    con = optional_con  # the migration's DDL; IF NOT EXISTS, so it may have run
    assert optional_tables.existing(con) == ("complaints", "receivables", "stock_checks")
    assert optional_tables.present(con) == ()
    insert(con, "receivables", [_invoice("R1", "K1", "2026-06-10", 1000)])
    assert optional_tables.present(con) == ("receivables",)
