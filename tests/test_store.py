"""The store: schema creation, migration from an older release, transactions, paths."""

from datetime import date, datetime

import duckdb
import pandas as pd
import pytest

from analytics import db
from tests.conftest import insert


def table_columns(con, table):
    return {r[1] for r in db.rows(con, f"PRAGMA table_info('{table}')")}


def test_new_database_has_every_contract_table(con):
    assert db.schema_version(con) == db.SCHEMA_VERSION
    assert {"manager_id", "manager_name", "team", "region", "active"} <= table_columns(con, "managers")
    assert {"customer_id", "customer_class", "tier", "violation_date", "status"} <= table_columns(
        con, "customers"
    )
    assert {"visit_id", "visit_date", "duration_min", "method", "appointment_date"} <= table_columns(
        con, "visits"
    )
    assert {"order_id", "order_date", "product", "quantity", "amount", "cost"} <= table_columns(con, "orders")
    assert {"manager_id", "month", "sales_target"} <= table_columns(con, "targets")
    assert {"file_name", "sha256", "rows_added", "undone_at"} <= table_columns(con, "import_log")


def test_database_of_version_1_is_migrated_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.duckdb"
    raw = duckdb.connect(str(path))
    for ddl in db.schema_statements(1):
        raw.execute(ddl)
    raw.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    raw.execute("INSERT INTO orders VALUES ('o1', 'c1', DATE '2025-03-01', 'A', 2, 100.0, NULL)")
    raw.close()

    con = db.connect(path)
    try:
        assert db.schema_version(con) == db.SCHEMA_VERSION
        assert "cost" in table_columns(con, "orders")
        assert {"first_day", "last_day"} <= table_columns(con, "order_months")
        assert db.rows(con, "SELECT order_id, amount, cost FROM orders") == [("o1", 100.0, None)]
        assert db.scalar(con, "SELECT count(*) FROM warning_followups") == 0
    finally:
        db.close_all()


def test_newer_database_is_refused(tmp_path):
    path = tmp_path / "future.duckdb"
    raw = duckdb.connect(str(path))
    raw.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    raw.execute("INSERT INTO meta VALUES ('schema_version', '99')")
    raw.close()
    with pytest.raises(RuntimeError, match="newer"):
        db.connect(path)
    db.close_all()


def test_failed_transaction_leaves_nothing_and_keeps_version(con):
    before = db.data_version(con)
    with pytest.raises(ValueError), db.transaction(con) as cur:
        cur.execute("INSERT INTO managers (manager_id) VALUES ('M1')")
        raise ValueError("boom")
    assert db.scalar(con, "SELECT count(*) FROM managers") == 0
    assert db.data_version(con) == before


def test_every_write_bumps_the_data_version(con):
    before = db.data_version(con)
    insert(con, "managers", [{"manager_id": "M1"}])
    assert db.data_version(con) == before + 1


def test_aggregates_follow_the_order_lines(con):
    insert(
        con,
        "orders",
        [
            {"customer_id": "c1", "order_date": date(2025, 1, 3), "amount": 10.0, "quantity": 1, "cost": 9.0},
            {"customer_id": "c1", "order_date": date(2025, 1, 3), "amount": 5.0, "quantity": 2, "cost": 4.0},
            {
                "customer_id": "c1",
                "order_date": date(2025, 1, 20),
                "amount": 7.0,
                "quantity": 1,
                "cost": None,
            },
            {"customer_id": "c2", "order_date": date(2025, 2, 1), "amount": 1.0, "quantity": 1, "cost": 1.0},
        ],
    )
    days = db.rows(
        con, "SELECT customer_id, order_date, amount, quantity, lines FROM order_days ORDER BY 1, 2"
    )
    assert days == [
        ("c1", date(2025, 1, 3), 15.0, 3.0, 2),
        ("c1", date(2025, 1, 20), 7.0, 1.0, 1),
        ("c2", date(2025, 2, 1), 1.0, 1.0, 1),
    ]
    months = db.rows(
        con,
        """SELECT customer_id, month, amount, order_days, lines, first_day, last_day
                             FROM order_months ORDER BY 1, 2""",
    )
    assert months == [
        ("c1", date(2025, 1, 1), 22.0, 2, 3, date(2025, 1, 3), date(2025, 1, 20)),
        ("c2", date(2025, 2, 1), 1.0, 1, 1, date(2025, 2, 1), date(2025, 2, 1)),
    ]
    assert db.data_range(con) == (date(2025, 1, 3), date(2025, 2, 1))
    assert db.last_data_date(con) == date(2025, 2, 1)


def test_an_empty_store_has_no_data_range(con):
    assert db.data_range(con) is None
    assert db.last_data_date(con) is None
    visit = {"customer_id": "c1", "manager_id": "M1", "visit_date": datetime(2025, 3, 4, 9, 30)}
    insert(con, "visits", [visit])
    assert db.data_range(con) == (date(2025, 3, 4), date(2025, 3, 4))


def reopened_as_version(path, version: int, *undo: str):
    """The database at `path` taken back to schema `version` (the `undo` statements run on the
    closed file), then opened again, which migrates it."""
    db.close_all()
    raw = duckdb.connect(str(path))
    for statement in undo:
        raw.execute(statement)
    raw.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
    raw.close()
    return db.connect(path)


def test_version_2_gets_first_and_last_order_days_per_month(tmp_path):
    path = tmp_path / "v2.duckdb"
    con = db.connect(path)
    insert(
        con,
        "orders",
        [{"customer_id": "c1", "order_date": date(2025, 1, d), "amount": 1.0} for d in (3, 9, 28)],
    )
    con = reopened_as_version(
        path,
        2,
        "ALTER TABLE order_months DROP COLUMN first_day",
        "ALTER TABLE order_months DROP COLUMN last_day",
    )
    try:
        assert db.schema_version(con) == db.SCHEMA_VERSION
        assert db.rows(con, "SELECT month, order_days, first_day, last_day FROM order_months") == [
            (date(2025, 1, 1), 3, date(2025, 1, 3), date(2025, 1, 28))
        ]
    finally:
        db.close_all()


def assert_aggregates_recomputed(con) -> None:
    """The stored order_days and order_months equal a full recomputation from the orders."""
    days = db.query(con, "SELECT * FROM order_days ORDER BY customer_id, order_date")
    months = db.query(con, "SELECT * FROM order_months ORDER BY customer_id, month")
    with db.transaction(con) as cur:
        db.refresh_aggregates(cur)
    pd.testing.assert_frame_equal(
        days, db.query(con, "SELECT * FROM order_days ORDER BY customer_id, order_date")
    )
    pd.testing.assert_frame_equal(
        months, db.query(con, "SELECT * FROM order_months ORDER BY customer_id, month")
    )


def assert_customer_numbers_hold(con):
    """Each customer_id has one number and each number one customer_id; every aggregate row
    carries its customer's number."""
    assert (
        db.scalar(
            con,
            """SELECT count(*) - count(DISTINCT customer_id) + count(*) - count(DISTINCT customer_no)
                             FROM customer_keys""",
        )
        == 0
    )
    for table in ("order_days", "order_months", "visits"):
        assert (
            db.scalar(
                con,
                f"""SELECT count(*) FROM {table} a LEFT JOIN customer_keys k USING (customer_id)
                                  WHERE a.customer_no IS DISTINCT FROM k.customer_no""",
            )
            == 0
        )


def test_version_3_numbers_the_customers_in_id_order(tmp_path):
    path = tmp_path / "v3.duckdb"
    con = db.connect(path)
    insert(
        con,
        "orders",
        [
            {"customer_id": c, "order_date": date(2025, 1, d), "amount": 1.0}
            for c, d in (("c2", 3), ("c1", 9), ("c2", 28))
        ],
    )
    insert(con, "visits", [{"customer_id": "c0", "manager_id": "M1", "visit_date": date(2025, 1, 5)}])
    con = reopened_as_version(
        path,
        3,
        "DROP TABLE customer_keys",
        *(f"ALTER TABLE {t} DROP COLUMN customer_no" for t in ("order_days", "order_months", "visits")),
    )
    try:
        assert db.schema_version(con) == db.SCHEMA_VERSION
        # The customers with orders first, then those only visited.
        assert db.rows(con, "SELECT customer_no, customer_id FROM customer_keys ORDER BY 1") == [
            (1, "c1"),
            (2, "c2"),
            (3, "c0"),
        ]
        assert db.rows(con, "SELECT customer_no, order_days FROM order_months ORDER BY 1") == [(1, 1), (2, 2)]
        assert_customer_numbers_hold(con)
    finally:
        db.close_all()


def test_customer_numbers_are_kept_and_extended(con):
    insert(con, "orders", [{"customer_id": "c5", "order_date": date(2025, 1, 1), "amount": 3.0}])
    insert(
        con,
        "orders",
        [{"customer_id": c, "order_date": date(2025, 2, 1), "amount": 1.0} for c in ("c9", "c1")],
    )
    # A full refresh keeps the numbers given; new customers get the next ones, in id order.
    assert db.rows(con, "SELECT customer_id, customer_no FROM customer_keys ORDER BY 2") == [
        ("c5", 1),
        ("c1", 2),
        ("c9", 3),
    ]
    assert_customer_numbers_hold(con)


def test_db_path_from_argument_then_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "env.duckdb"))
    assert db.resolve_db_path() == tmp_path / "env.duckdb"
    assert db.resolve_db_path(tmp_path / "arg.duckdb") == tmp_path / "arg.duckdb"
    monkeypatch.delenv("DASHBOARD_DB")
    assert db.resolve_db_path() == db.DEFAULT_DB


def test_clear_data_empties_every_table(con):
    insert(con, "customers", [{"customer_id": "c1"}])
    insert(con, "orders", [{"customer_id": "c1", "order_date": date(2025, 1, 1), "amount": 3.0}])
    assert not db.is_empty(con)
    db.clear_data(con)
    assert db.is_empty(con)
    assert db.scalar(con, "SELECT count(*) FROM order_days") == 0
    assert db.scalar(con, "SELECT count(*) FROM customer_keys") == 0


def test_follow_up_notes_have_their_own_version(con):
    data_before = db.data_version(con)
    with db.transaction(con, db.FOLLOWUP_VERSION) as cur:
        cur.execute(
            "INSERT INTO warning_followups (customer_id, status, note, warned_on, updated_at) "
            "VALUES ('c1', 'contacted', NULL, NULL, now())"
        )
    assert db.data_version(con) == data_before
    assert db.data_version(con, db.FOLLOWUP_VERSION) == 1


def test_query_results_have_the_dtypes_of_duckdb_own_conversion(con):
    # db.query fetches through Arrow; integers/booleans are nullable only where NULLs occur,
    # dates are datetime64[us], decimals and HUGEINT sums are floats, as with DuckDB's .df().
    sql = """SELECT * FROM (VALUES
        (1::INTEGER, 7::BIGINT, 'a', DATE '2025-01-01', TRUE, 5::HUGEINT, 1.25::DECIMAL(10, 2), FALSE),
        (NULL, 8::BIGINT, NULL, NULL, NULL, NULL, NULL, TRUE)) t(i, b, s, d, flag, h, dec, always)"""
    ours = db.query(con, sql)
    theirs = con.cursor().execute(sql).df()
    assert (
        [str(t) for t in ours.dtypes]
        == [str(t) for t in theirs.dtypes]
        == ["Int32", "int64", "str", "datetime64[us]", "boolean", "float64", "float64", "bool"]
    )
    pd.testing.assert_frame_equal(ours, theirs)
    assert db.query(con, sql + " WHERE FALSE")["d"].dtype == "datetime64[us]"
