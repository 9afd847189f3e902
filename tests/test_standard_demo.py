"""The demo extras (analytics.generator.standard): deterministic for a seed, and true to what the
pages show — recent launches taken up by a growing number of shops, some complaints late."""

from __future__ import annotations

from datetime import date

from analytics import complaints, db, products
from analytics.filters import Filters
from analytics.generator import generate_demo
from analytics.generator.standard import NEW_PRODUCTS, generate_standard_extras

END = date(2026, 10, 31)
TABLES = ("orders", "stock_checks", "complaints", "receivables")


def _district(path) -> dict:
    con = db.connect(path)
    generate_demo(con, customers=200, managers=4, months=12, seed=5, end=END)
    generate_standard_extras(con, seed=5)
    return {table: db.query(con, f"SELECT * FROM {table} ORDER BY ALL") for table in TABLES}


def test_same_seed_same_rows(tmp_path):
    first, second = _district(tmp_path / "a.duckdb"), _district(tmp_path / "b.duckdb")
    for table in TABLES:
        assert first[table].equals(second[table]), table


def test_launches_uptake_and_late_complaints(tmp_path):
    _district(tmp_path / "c.duckdb")
    con = db.connect(tmp_path / "c.duckdb")
    recent = products.recent_launches(con, END)
    assert sorted(recent["product"]) == sorted(p[0] for p in NEW_PRODUCTS)
    curve = products.uptake_curve(con, Filters(), NEW_PRODUCTS[0][0], as_of=END)
    assert curve["listed"].is_monotonic_increasing and curve["listed"].iloc[-1] > 3 * curve["listed"].iloc[1]
    assert 0 < curve["repurchased"].iloc[-1] < curve["listed"].iloc[-1]
    handled = complaints.manager_compliance(con, Filters(), END)
    assert handled["complaints"].sum() > handled["contacted_in_time"].sum() > 0
