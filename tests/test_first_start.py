"""First start: an empty database fills itself with demo data, which the supervisor can clear."""

import pytest

from analytics import db
from tests.conftest import app_test


@pytest.mark.parametrize("lang, notice", [("zh", "演示数据"), ("en", "demo data")])
def test_first_start_loads_demo_and_offers_to_clear_it(tmp_path, lang, notice):
    path = tmp_path / "fresh.duckdb"
    at = app_test(None, path, lang)
    assert not at.exception
    con = db.connect(path)
    assert db.get_meta(con, "demo") == "1"
    assert db.scalar(con, "SELECT count(*) FROM customers") >= 2500
    assert any(notice in info.value for info in at.info)
    assert at.button(key="demo_clear").label == ("清空演示数据" if lang == "zh" else "Clear demo data")


def test_cleared_demo_stays_cleared_after_a_restart(tmp_path):
    # AppTest does not deliver clicks on widgets of the entry script, so the button's action
    # (db.clear_demo) is exercised directly; the browser tests click the real button.
    path = tmp_path / "fresh.duckdb"
    app_test(None, path, "en")
    con = db.connect(path)
    db.clear_demo(con)
    assert db.is_empty(con)
    again = app_test(None, path, "en")
    assert not again.exception
    assert db.is_empty(con)
    assert not any("looking at demo data" in info.value for info in again.info)
    assert any("database is empty" in info.value for info in again.info)


def test_demo_can_be_loaded_again_from_the_empty_overview(empty_db_path):
    at = app_test(None, empty_db_path, "zh")
    at.button(key="overview-load-demo").click().run()
    assert not at.exception
    con = db.connect(empty_db_path)
    assert db.get_meta(con, "demo") == "1"
    assert not db.is_empty(con)
