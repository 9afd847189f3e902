"""New-product cultivation on a dozen hand-built customers (answers worked out on paper)."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from datetime import date

import pandas as pd
import pytest

from analytics import products
from analytics.__main__ import main
from analytics.filters import Filters
from tests.conftest import insert

AS_OF = date(2026, 4, 15)


def _line(customer: str, day: str, product: str, order_id: str | None = None) -> dict:
    return {
        "order_id": order_id,
        "customer_id": customer,
        "order_date": date.fromisoformat(day),
        "product": product,
        "quantity": 1.0,
        "amount": 100.0,
    }


@pytest.fixture
def book(con):
    insert(
        con,
        "managers",
        [
            {"manager_id": "M1", "manager_name": "甲", "team": "T1"},
            {"manager_id": "M2", "manager_name": "乙", "team": "T2"},
        ],
    )
    insert(
        con,
        "customers",
        [
            {
                "customer_id": f"C{i:02d}",
                "manager_id": "M1" if i <= 6 else "M2",
                "status": "closed" if i == 12 else "active",
            }
            for i in range(1, 13)
        ],
    )
    lines = [_line(f"C{i:02d}", "2025-06-01", "老品") for i in range(1, 13)]
    lines += [
        _line("C01", "2026-03-02", "新品"),
        _line("C01", "2026-03-09", "新品"),
        _line("C02", "2026-03-05", "新品", "a"),
        _line("C02", "2026-03-05", "新品", "b"),  # two lines, one day: listed, not repurchased
        _line("C03", "2026-03-10", "老品"),
        _line("C05", "2026-03-20", "新品"),
        _line("C05", "2026-03-25", "老品"),
        _line("C05", "2026-04-02", "新品"),
        _line("C06", "2026-03-15", "老品"),
        _line("C07", "2026-03-03", "新品"),
        _line("C07", "2026-03-04", "新品"),
        _line("C08", "2026-03-06", "老品"),
        _line("C09", "2026-04-10", "新品"),
        _line("C11", "2026-03-30", "老品"),
        _line("C12", "2026-03-05", "新品"),  # closed: never a target
    ]
    insert(con, "orders", lines)
    return con


def test_launch_is_the_first_order_line(book):
    assert products.launch_of(book, "新品", AS_OF) == date(2026, 3, 2)
    assert list(products.recent_launches(book, AS_OF)["product"]) == ["新品"]  # 老品 is 10 months old


def test_per_manager_and_total(book):
    frame = products.cultivation_with_total(book, Filters(), "新品", as_of=AS_OF)
    got = frame[["manager_id", "target_customers", "listed", "repurchased"]].values.tolist()
    assert got == [["M1", 5, 3, 2], ["M2", 4, 2, 1], ["", 9, 5, 3]]
    assert frame["listing_rate"].tolist() == pytest.approx([0.6, 0.5, 5 / 9])
    assert frame["repurchase_rate"].tolist() == pytest.approx([2 / 3, 0.5, 0.6])


def test_a_launch_the_supervisor_sets(book):
    frame = products.cultivation(book, Filters(), "新品", launch=date(2026, 3, 6), as_of=AS_OF)
    got = frame[["manager_id", "target_customers", "listed", "repurchased"]].values.tolist()
    assert got == [["M1", 4, 2, 1], ["M2", 3, 1, 0]]


def test_per_team_and_scope(book):
    teams = products.cultivation(book, Filters(), "新品", as_of=AS_OF, by="team")
    assert teams[["team", "target_customers", "listed"]].values.tolist() == [["T1", 5, 3], ["T2", 4, 2]]
    only = products.cultivation(book, Filters(teams=("T2",)), "新品", as_of=AS_OF)
    assert only["manager_id"].tolist() == ["M2"]


def test_curve_counts_what_happened_by_each_day(book):
    curve = products.uptake_curve(book, Filters(), "新品", as_of=AS_OF)
    assert curve["day"].iloc[0] == date(2026, 3, 2) and curve["day"].iloc[-1] == AS_OF
    week = curve[curve["day"] == date(2026, 3, 9)].iloc[0]
    assert (week["target_customers"], week["listed"], week["repurchased"]) == (4, 3, 2)
    last = curve.iloc[-1]
    assert (last["target_customers"], last["listed"], last["repurchased"]) == (9, 5, 3)


def test_not_listed_is_the_promotion_list(book):
    frame = products.not_listed(book, Filters(), "新品", as_of=AS_OF)
    assert frame[["manager_id", "customer_id"]].values.tolist() == [
        ["M1", "C03"],
        ["M1", "C06"],
        ["M2", "C08"],
        ["M2", "C11"],
    ]


def test_unknown_product_has_no_figures(book):
    assert products.cultivation(book, Filters(), "无此品", as_of=AS_OF).empty
    assert products.uptake_curve(book, Filters(), "无此品", as_of=AS_OF).empty


def test_products_command(book, tmp_path):
    path = book.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()[0]
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["products", "--db", path, "--product", "新品", "--as-of", "2026-04-15"]) == 0
    frame = pd.read_csv(io.StringIO(out.getvalue()), dtype={"manager_id": str}, keep_default_na=False)
    assert list(frame.columns) == [
        "manager_id",
        "target_customers",
        "listed",
        "listing_rate",
        "repurchased",
        "repurchase_rate",
    ]
    assert frame["manager_id"].tolist() == ["M1", "M2", ""]
    assert frame["listing_rate"].tolist() == pytest.approx([0.6, 0.5, 0.555556])
