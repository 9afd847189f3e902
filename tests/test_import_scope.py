"""A supervisor's import is restricted to their teams (issue 17): rows of another team's customers
or managers, of customers the store does not know, or moving a customer or a manager out of
another team are row errors (code "scope"), judged against the store before the import, and
nothing of the other team changes. Also: an import of real data ends demo mode, keeping the rows."""

from __future__ import annotations

import pytest

from analytics import db, demo, importer
from analytics.generator import generate_demo
from tests.conftest import insert


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def two_teams(con, tmp_path):
    """Team A: manager MA with customers CA1, CA2; team B: manager MB with customer CB1; each
    customer has imported orders (so order_days / order_months hold them)."""
    insert(
        con,
        "managers",
        [
            {"manager_id": "MA", "manager_name": "Ann", "team": "A"},
            {"manager_id": "MB", "manager_name": "Bob", "team": "B"},
        ],
    )
    insert(
        con,
        "customers",
        [
            {"customer_id": "CA1", "customer_name": "a1", "manager_id": "MA"},
            {"customer_id": "CA2", "customer_name": "a2", "manager_id": "MA"},
            {"customer_id": "CB1", "customer_name": "b1", "manager_id": "MB"},
        ],
    )
    orders = (
        "order_id,customer_id,order_date,product,quantity,amount\n"
        "O1,CA1,2025-05-01,P,1,100\nO2,CA2,2025-05-02,P,2,200\nO3,CB1,2025-05-03,P,3,300\n"
    )
    assert importer.import_file(con, write(tmp_path, "seed.csv", orders)).added == 3
    return con


def team_b(con) -> dict:
    """Everything of team B: row counts and sums of its customers, orders and aggregates."""
    in_b = "customer_id IN (SELECT customer_id FROM customers WHERE manager_id = 'MB')"
    return {
        "customers": db.rows(
            con,
            "SELECT customer_id, customer_name, manager_id FROM customers "
            "WHERE manager_id = 'MB' OR customer_id LIKE 'CB%' ORDER BY 1",
        ),
        "managers": db.rows(con, "SELECT * FROM managers WHERE team = 'B' OR manager_id = 'MB'"),
        "orders": db.rows(con, f"SELECT count(*), sum(amount), sum(quantity) FROM orders WHERE {in_b}"),
        "order_days": db.rows(con, f"SELECT count(*), sum(amount), sum(lines) FROM order_days WHERE {in_b}"),
        "order_months": db.rows(
            con, f"SELECT count(*), sum(amount), sum(lines) FROM order_months WHERE {in_b}"
        ),
        "targets": db.rows(con, "SELECT count(*), sum(sales_target) FROM targets WHERE manager_id = 'MB'"),
    }


def codes(result: importer.ImportResult) -> list[tuple[int, str, str]]:
    return list(zip(result.errors["row"], result.errors["code"], result.errors["column"], strict=True))


ORDERS = (
    "order_id,customer_id,order_date,product,quantity,amount\n"
    "N1,CA1,2025-06-01,P,1,10\n"  # row 2: team A
    "N2,CB1,2025-06-01,P,5,999\n"  # row 3: team B
    "N3,CNEW,2025-06-02,P,1,7\n"  # row 4: a customer the store does not know
)


def test_a_supervisor_of_team_a_cannot_touch_team_b_orders(two_teams, tmp_path):
    con = two_teams
    before = team_b(con)
    path = write(tmp_path, "orders.csv", ORDERS)
    strict = importer.import_file(con, path, allowed_teams=("A",))
    assert strict.status == "rejected" and strict.rejected == 2
    assert codes(strict) == [(3, "scope", "customer_id"), (4, "scope", "customer_id")]
    assert db.scalar(con, "SELECT count(*) FROM orders") == 3

    result = importer.import_file(con, path, mode="valid-only", allowed_teams=("A",))
    assert result.status == "imported" and (result.added, result.rejected) == (1, 2)
    assert result.created_customers == 0
    assert db.rows(con, "SELECT order_id FROM orders WHERE import_id = ?", [result.import_id]) == [("N1",)]
    assert team_b(con) == before
    assert db.scalar(con, "SELECT count(*) FROM customers WHERE customer_id = 'CNEW'") == 0
    # The reasons a supervisor reads: another team, and an unknown customer to import first.
    reasons = importer.render_errors(result.errors, "en")["reason"].tolist()
    assert reasons[0] == "Row 3 belongs to a team outside what your account may see; not imported"
    assert "import the customer" in reasons[1]
    assert "第 3 行" in importer.render_errors(result.errors, "zh")["reason"][0]
    # Unrestricted (admin, command line), the same file imports every row.
    assert importer.import_file(con, path, mode="valid-only").added == 2


def test_visits_of_another_teams_manager_are_scope_errors(two_teams, tmp_path):
    con = two_teams
    visits = (
        "visit_id,customer_id,manager_id,visit_date\n"
        "V1,CA1,MA,2025-06-01 09:00\n"  # row 2: fine
        "V2,CA2,MB,2025-06-01 10:00\n"  # row 3: team A's customer, team B's manager
        "V3,CB1,MB,2025-06-01 11:00\n"  # row 4: team B
    )
    result = importer.import_file(
        con, write(tmp_path, "v.csv", visits), mode="valid-only", allowed_teams=("A",)
    )
    assert (result.added, result.rejected) == (1, 2)
    assert codes(result) == [(3, "scope", "manager_id"), (4, "scope", "customer_id")]


def test_customers_managers_and_targets_stay_in_the_teams(two_teams, tmp_path):
    con = two_teams
    before = team_b(con)
    customers = (
        "customer_id,customer_name,manager_id\n"
        "CA1,renamed,MA\n"  # row 2: fine (an update)
        "CA3,new,MA\n"  # row 3: fine (new, of team A)
        "CB1,taken,MA\n"  # row 4: moving team B's customer
        "CA2,given,MB\n"  # row 5: giving a customer to team B's manager
        "CA4,nobody,\n"  # row 6: a customer nobody of team A would see
    )
    result = importer.import_file(
        con, write(tmp_path, "c.csv", customers), mode="valid-only", allowed_teams=("A",)
    )
    assert (result.added, result.updated, result.rejected) == (1, 1, 3)
    assert [row for row, *_ in codes(result)] == [4, 5, 6]
    assert db.scalar(con, "SELECT manager_id FROM customers WHERE customer_id = 'CA2'") == "MA"
    managers = "manager_id,manager_name,team\nMA,Ann R,A\nMB,Bob R,B\nMC,Cy,B\nMD,Di,A\nMA2,Al,\n"
    result = importer.import_file(
        con, write(tmp_path, "m.csv", managers), mode="valid-only", allowed_teams=("A",)
    )
    assert (result.added, result.updated, result.rejected) == (1, 1, 3)
    assert [row for row, *_ in codes(result)] == [3, 4, 6]
    targets = "manager_id,month,sales_target\nMA,2025-06,100\nMB,2025-06,500\n"
    result = importer.import_file(
        con, write(tmp_path, "t.csv", targets), mode="valid-only", allowed_teams=("A",)
    )
    assert (result.added, result.rejected) == (1, 1) and codes(result) == [(3, "scope", "manager_id")]
    assert team_b(con) == before
    # A supervisor with no team may import nothing at all.
    nothing = importer.import_file(con, write(tmp_path, "t2.csv", targets), allowed_teams=())
    assert nothing.status == "rejected" and nothing.rejected == 2


def test_the_store_before_the_import_decides(two_teams, tmp_path):
    """A managers file cannot make room for itself: team B's manager moved to team A in the same
    file is judged as team B's (and a customers file is judged by the managers stored before)."""
    con = two_teams
    result = importer.import_file(
        con, write(tmp_path, "m.csv", "manager_id,team\nMB,A\n"), mode="valid-only", allowed_teams=("A",)
    )
    assert result.rejected == 1 and codes(result) == [(2, "scope", "manager_id")]
    assert db.scalar(con, "SELECT team FROM managers WHERE manager_id = 'MB'") == "B"


def test_the_page_checked_file_is_scoped_too(two_teams, tmp_path):
    con = two_teams
    raw = importer.read_table_file(write(tmp_path, "orders.csv", ORDERS))
    mapping = importer.detect_table(raw.headers)[1]
    prepared = importer.prepare(raw, "orders", mapping)
    assert prepared.bad_rows == 0  # the check alone does not know the account
    result = importer.import_prepared(con, prepared, mode="valid-only", allowed_teams=("A",))
    assert (result.added, result.rejected) == (1, 2)
    result = importer.import_raw(con, raw, "orders", mapping, mode="strict", allowed_teams=("A", "B"))
    assert result.status == "rejected" and codes(result) == [(4, "scope", "customer_id")]


def test_an_import_ends_demo_mode_and_keeps_the_demo_rows(con, tmp_path):
    generate_demo(con, customers=30, managers=3, months=2, seed=3)
    assert demo.is_demo(con)
    counts = db.rows(con, "SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM customers)")[0]
    orders = "order_id,customer_id,order_date,amount\nREAL1,RC1,2025-01-05,10\n"
    rejected = importer.import_file(con, write(tmp_path, "bad.csv", orders + "REAL2,RC1,not a date,1\n"))
    assert rejected.status == "rejected" and demo.is_demo(con)  # nothing written, still the demo
    result = importer.import_file(con, write(tmp_path, "o.csv", orders))
    assert result.added == 1
    assert not demo.is_demo(con)
    after = db.rows(con, "SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM customers)")[0]
    assert after == (counts[0] + 1, counts[1] + 1)  # nothing deleted
