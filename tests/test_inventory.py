"""Inventory guidance on hand-built stock checks (answers worked out on paper)."""

from __future__ import annotations

from datetime import date

import pytest

from analytics import inventory
from analytics.filters import Filters
from tests.conftest import insert, insert_customers

AS_OF = date(2026, 4, 15)


def _check(customer: str, day: str, product: str, qty: float) -> dict:
    return {
        "customer_id": customer,
        "check_date": date.fromisoformat(day),
        "product": product,
        "stock_qty": qty,
    }


def _order(customer: str, day: str, product: str, qty: float) -> dict:
    return {
        "customer_id": customer,
        "order_date": date.fromisoformat(day),
        "product": product,
        "quantity": qty,
        "amount": qty * 100,
    }


@pytest.fixture
def book(optional_con):
    con = optional_con
    insert_customers(con, {"K1": "M1", "K2": "M2"})
    insert(
        con,
        "stock_checks",
        [
            _check("K1", "2026-03-01", "A", 10),
            _check("K1", "2026-04-01", "A", 4),
            _check("K1", "2026-03-01", "B", 20),
            _check("K1", "2026-04-01", "B", 30),
            _check("K1", "2026-03-01", "C", 5),
            _check("K1", "2026-05-01", "C", 2),  # second check after as_of
            _check("K2", "2026-02-10", "A", 9),
            _check("K2", "2026-03-10", "A", 0),
            _check("K2", "2026-04-10", "A", 2),
        ],
    )
    insert(
        con,
        "orders",
        [
            _order("K1", "2026-03-01", "A", 6),  # on the previous check's day: counted
            _order("K1", "2026-03-15", "A", 5),
            _order("K1", "2026-04-01", "A", 7),  # on this check's day: the next period's
            _order("K1", "2026-03-15", "B", 0.0),
            _order("K2", "2026-03-20", "A", 10),
        ],
    )
    return con


def test_actual_sales_reasonable_stock_and_order(book):
    frame = inventory.guidance(book, Filters(), AS_OF).set_index(["customer_id", "product"])
    assert list(frame.index) == [("K1", "A"), ("K1", "B"), ("K2", "A")]
    k1a = frame.loc[("K1", "A")]
    assert (k1a["ordered_between"], k1a["actual_sales"], k1a["reasonable_stock"], k1a["suggested_order"]) == (
        11,
        17,
        25.5,
        21.5,
    )
    k1b = frame.loc[("K1", "B")]  # stock grew without orders: no sales, nothing to order
    assert (k1b["actual_sales"], k1b["reasonable_stock"], k1b["suggested_order"]) == (-10, 0, 0)
    k2a = frame.loc[("K2", "A")]  # the last two checks of three
    assert k2a["previous_check"] == date(2026, 3, 10)
    assert (k2a["actual_sales"], k2a["reasonable_stock"], k2a["suggested_order"]) == (8, 12, 10)


def test_factor_from_settings(book):
    frame = inventory.customer_guidance(book, "K2", AS_OF, {"inventory": {"reasonable_stock_factor": 2.0}})
    assert frame[["product", "reasonable_stock", "suggested_order"]].values.tolist() == [["A", 16, 14]]


def test_visit_plan_column(book):
    column = inventory.suggested_order_column(book, Filters(), AS_OF).set_index("customer_id")[
        "suggested_orders"
    ]
    assert column.to_dict() == {"K1": "A 22", "K2": "A 10"}


def test_store_without_the_table(con):
    frame = inventory.guidance(con, Filters(), AS_OF)
    assert frame.empty and list(frame.columns) == inventory.COLUMNS
