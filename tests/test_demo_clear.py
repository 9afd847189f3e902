"""Clearing the demo data removes only what the demo generator wrote (issue 17): every imported
row, the customers and managers an import created or changed, and the import log stay."""

from __future__ import annotations

import pytest

from analytics import db, demo, importer
from analytics.generator import generate_demo


def _csv(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def demo_con(con):
    generate_demo(con, customers=60, managers=4, months=3, seed=5)
    return con


def _one(con, query: str, params: list | None = None):
    return db.rows(con, query, params or [])[0][0]


def test_clear_after_import_keeps_imported_rows(demo_con, tmp_path):
    con = demo_con
    demo_customer, demo_manager = db.rows(con, "SELECT customer_id, manager_id FROM customers LIMIT 1")[0]
    other_demo = db.rows(
        con, "SELECT manager_id FROM managers WHERE manager_id <> ? LIMIT 1", [demo_manager]
    )[0][0]
    managers = "manager_id,manager_name,team\nR001,Real One,Real team\n" + f"{other_demo},Renamed,Real team\n"
    assert importer.import_file(con, _csv(tmp_path, "managers.csv", managers)).added == 1
    customers = "customer_id,customer_name,manager_id\nRC1,Real customer,R001\n"
    assert importer.import_file(con, _csv(tmp_path, "customers.csv", customers)).added == 1
    # One order of a new customer (the import creates it) and one of a demo customer.
    orders = (
        "order_id,customer_id,order_date,product,quantity,amount\n"
        "X1,RC1,2020-01-05,Tea,2,100.5\n"
        "X2,NEW1,2020-01-06,Tea,1,50\n"
        f"X3,{demo_customer},2020-01-07,Tea,1,25\n"
    )
    assert importer.import_file(con, _csv(tmp_path, "orders.csv", orders)).added == 3
    logged = _one(con, "SELECT count(*) FROM import_log")

    cleared = demo.clear_demo(con)

    assert _one(con, "SELECT count(*) FROM orders") == 3
    assert _one(con, "SELECT sum(amount) FROM orders") == pytest.approx(175.5)
    assert _one(con, "SELECT sum(amount) FROM order_days") == pytest.approx(175.5)
    assert _one(con, "SELECT sum(amount) FROM order_months") == pytest.approx(175.5)
    assert _one(con, "SELECT count(*) FROM visits") == 0
    assert _one(con, "SELECT count(*) FROM targets") == 0
    kept_customers = {r[0] for r in db.rows(con, "SELECT customer_id FROM customers")}
    assert kept_customers == {"RC1", "NEW1", demo_customer}
    kept_managers = {r[0] for r in db.rows(con, "SELECT manager_id FROM managers")}
    # R001 imported, the changed demo manager, and the manager of the demo customer with an order.
    assert kept_managers == {"R001", other_demo, demo_manager}
    assert _one(con, "SELECT manager_name FROM managers WHERE manager_id = ?", [other_demo]) == "Renamed"
    assert _one(con, "SELECT count(*) FROM import_log") == logged
    assert cleared.customers == 60 - 1  # the demo's 60, less the one an imported order names
    assert cleared.orders > 0 and cleared.visits > 0 and cleared.targets > 0
    assert not demo.is_demo(con)
    assert db.get_meta(con, "demo_declined") == "1"


def test_clear_without_import_empties_the_store(demo_con):
    assert demo.is_demo(demo_con)
    cleared = demo.clear_demo(demo_con)
    assert cleared.customers == 60 and cleared.managers == 4
    assert db.is_empty(demo_con)
    for table in ("managers", "targets", "order_days", "order_months", "warning_followups"):
        assert _one(demo_con, f"SELECT count(*) FROM {table}") == 0, table


def test_undo_after_clear_still_works(demo_con, tmp_path):
    """An import made on the demo can still be undone once the demo is gone."""
    orders = "order_id,customer_id,order_date,product,quantity,amount\nX1,NEW1,2020-01-05,Tea,2,100\n"
    result = importer.import_file(demo_con, _csv(tmp_path, "orders.csv", orders))
    demo.clear_demo(demo_con)
    importer.undo_import(demo_con, result.import_id)
    assert db.is_empty(demo_con)
