"""Fixtures shared by every test: fresh databases, hand-built rows, the demo database, AppTest."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from analytics import db, optional_tables

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def con(tmp_path):
    """A fresh, migrated, empty database file."""
    connection = db.connect(tmp_path / "test.duckdb")
    yield connection
    db.close_all()


@pytest.fixture
def optional_con(con):
    """A fresh database with the optional tables too (receivables, complaints, stock checks, …),
    created as the migration step creates them."""
    with db.transaction(con) as cur:
        optional_tables.create_tables(cur)
    return con


def insert_managers(con, names: dict[str, str]) -> None:
    """Insert managers by id → name."""
    insert(con, "managers", [{"manager_id": m, "manager_name": name} for m, name in names.items()])


def insert_customers(con, managers: dict[str, str]) -> None:
    """Insert customers by id → their manager's id (every other column NULL)."""
    insert(con, "customers", [{"customer_id": c, "manager_id": m} for c, m in managers.items()])


def insert(con, table: str, rows: list[dict]) -> None:
    """Insert hand-built rows (missing columns are NULL) and refresh the order aggregates."""
    if not rows:
        return
    columns = [r[1] for r in db.rows(con, f"PRAGMA table_info('{table}')")]
    frame = pd.DataFrame(rows)
    for column in columns:
        if column not in frame.columns:
            frame[column] = None
    frame = frame[columns]
    with db.transaction(con) as cur:
        cur.register("incoming_rows", frame)
        cur.execute(f"INSERT INTO {table} SELECT * FROM incoming_rows")
        cur.unregister("incoming_rows")
        if table == "orders":
            db.refresh_aggregates(cur)
        if table == "visits":
            db.number_visits(cur)


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory) -> Path:
    """A small demo database (generated once per test run; read-only for tests)."""
    from analytics.generator import generate_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    connection = db.connect(path)
    generate_demo(connection, customers=600, managers=12, months=24, seed=11)
    return path


@pytest.fixture
def settings_file(tmp_path, monkeypatch) -> Path:
    """Settings saved to a temporary file instead of data/settings.toml."""
    path = tmp_path / "settings.toml"
    monkeypatch.setenv("DASHBOARD_SETTINGS", str(path))
    return path


def app_test(
    page: str | None,
    db_path: Path,
    lang: str = "en",
    timeout: int = 120,
    account: object = None,
    **query: str,
):
    """An AppTest of dashboard.py on `db_path`, signed in as `account` (None: nobody) with the
    `query` parameters, switched to `page` (e.g. "pages/pareto.py")."""
    import time

    from streamlit.testing.v1 import AppTest

    from ui import login

    os.environ["DASHBOARD_DB"] = str(db_path)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    at.session_state["lang"] = lang
    if account is not None:
        at.session_state["account"] = account
        at.session_state[login.LAST_SEEN] = time.time()
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


@pytest.fixture
def empty_db_path(tmp_path) -> Path:
    """A migrated empty database on which the demo was declined (stays empty on start)."""
    path = tmp_path / "empty.duckdb"
    connection = db.connect(path)
    with db.transaction(connection) as cur:
        db.set_meta(cur, "demo_declined", "1")
    return path
