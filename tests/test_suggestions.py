"""Product-mix suggestions on hand-built peers (answers worked out on paper)."""

from __future__ import annotations

from datetime import date

import pytest

from analytics import suggestions
from analytics.filters import Filters
from tests.conftest import insert

AS_OF = date(2026, 4, 30)  # 90-day window from 2026-01-31


@pytest.fixture
def book(con):
    shops = [
        ("X", 4, "grocery", "active"),
        ("P1", 5, "grocery", "active"),
        ("P2", 8, "grocery", "active"),
        ("P3", 3, "grocery", "active"),
        ("P4", 10, "grocery", "active"),
        ("P5", 12, "grocery", "active"),  # other tier band
        ("P6", 6, "convenience", "active"),  # other format
        ("P7", 7, "grocery", "closed"),  # closed
        ("P8", 9, "grocery", "active"),  # no order in the window: not a peer
        ("N", None, "grocery", "active"),  # no tier: no band, no suggestion
    ]
    insert(
        con,
        "customers",
        [
            {"customer_id": c, "tier": t, "retail_format": f, "status": s, "manager_id": "M1"}
            for c, t, f, s in shops
        ],
    )
    bought = {
        "P1": "ABC",
        "P2": "BC",
        "P3": "BD",
        "P4": "C",
        "P5": "E",
        "P6": "E",
        "P7": "EF",
        "X": "A",
        "N": "A",
    }
    lines = [
        {"customer_id": c, "order_date": date(2026, 3, 1), "product": p, "amount": 10.0}
        for c, products in bought.items()
        for p in products
    ]
    lines += [
        {"customer_id": "P8", "order_date": date(2025, 12, 1), "product": "F", "amount": 10.0},
        {
            "customer_id": "X",
            "order_date": date(2026, 1, 1),
            "product": "B",
            "amount": 10.0,
        },  # before the window
    ]
    insert(con, "orders", lines)
    return con


def test_top_three_of_the_peers(book):
    frame = suggestions.suggest(book, "X", AS_OF)
    assert frame["product"].tolist() == ["B", "C", "D"]  # B and C tie at 3 of 4; by name
    assert frame["peer_share"].tolist() == pytest.approx([0.75, 0.75, 0.25])
    assert frame["peers"].tolist() == [4, 4, 4]


def test_a_customer_is_never_its_own_peer(book):
    frame = suggestions.suggest(book, "P1", AS_OF)
    assert frame[["product", "peers_buying", "peers"]].values.tolist() == [["D", 1, 4]]


def test_count_from_settings_and_no_band(book):
    frame = suggestions.suggest(book, "X", AS_OF, {"products": {"suggestion_count": 2}})
    assert frame["product"].tolist() == ["B", "C"]
    assert suggestions.suggest(book, "N", AS_OF).empty


def test_visit_plan_column(book):
    column = suggestions.suggestion_column(book, Filters(), AS_OF).set_index("customer_id")[
        "suggested_products"
    ]
    assert column["X"] == "B 75% · C 75% · D 25%"
    assert column["P1"] == "D 25%"
    assert "N" not in column.index
