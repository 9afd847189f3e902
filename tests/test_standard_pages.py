"""The new pages (new products, complaints, collections) run in both languages on the demo with
its extras and on an empty store, where each says what to import. Not in dashboard.py's
navigation yet, so each page file runs on its own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import db, optional_tables
from analytics.generator import generate_demo
from analytics.generator.standard import generate_standard_extras
from analytics.i18n import t

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("pages/new_products.py", "pages/complaints.py", "pages/collections.py")
EMPTY_KEYS = {
    "pages/new_products.py": "standard.products_need_orders",
    "pages/complaints.py": "standard.complaints_import_first",
    "pages/collections.py": "standard.collections_import_first",
}


@pytest.fixture(scope="module")
def extras_db_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("extras") / "demo.duckdb"
    con = db.connect(path)
    generate_demo(con, customers=600, managers=12, months=24, seed=11)
    written = generate_standard_extras(con, seed=11)
    assert all(
        written[table] > 0 for table in ("new_product_lines", "stock_checks", "complaints", "receivables")
    )
    db.close_all()
    return path


def _run(page: str, path: Path, lang: str) -> AppTest:
    os.environ["DASHBOARD_DB"] = str(path)
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_on_the_demo(extras_db_path, page, lang):
    at = _run(page, extras_db_path, lang)
    assert len(at.dataframe) >= 2
    assert t(EMPTY_KEYS[page], lang) not in [i.value for i in at.info]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_on_an_empty_store(empty_db_path, page, lang):
    at = _run(page, empty_db_path, lang)
    assert [i.value for i in at.info] == [t(EMPTY_KEYS[page], lang)]
    assert not at.dataframe


def test_new_products_defaults_to_a_recent_launch(extras_db_path):
    at = _run("pages/new_products.py", extras_db_path, "en")
    assert at.selectbox(key="new-products-product").value in {"黄金叶(天叶)", "钻石(荷花)", "泰山(华贵)"}


@pytest.mark.parametrize("page", ["pages/complaints.py", "pages/collections.py"])
def test_empty_tables_still_say_what_to_import(empty_db_path, page):
    """After the migration the tables exist on every store; without rows the page still asks for them."""
    with db.transaction(db.connect(empty_db_path)) as cur:
        optional_tables.create_tables(cur)
    at = _run(page, empty_db_path, "zh")
    assert [i.value for i in at.info] == [t(EMPTY_KEYS[page], "zh")]
