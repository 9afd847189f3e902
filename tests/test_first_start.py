"""First start: an empty database fills itself with demo data in the background, showing its
progress meanwhile; the supervisor can clear the demo, and it stays cleared."""

import threading

import pytest

from analytics import db, generator
from analytics.i18n import t
from tests.conftest import app_test
from ui import first_start


def finish_demo(path, timeout: float = 180) -> None:
    job = first_start.job_for(path)
    assert job is not None and job.wait(timeout), "the demo generation did not end"
    assert job.error is None, job.error


@pytest.fixture
def held_generation(monkeypatch):
    """generate_demo waits until the test releases it, so the page's first run is seen while the
    demo is still being made."""
    release = threading.Event()
    real = generator.generate_demo

    def held(con, **kwargs):
        kwargs["progress"](0.3, "orders")
        assert release.wait(120)
        return real(con, customers=300, managers=6, months=13, seed=5, progress=kwargs["progress"])

    monkeypatch.setattr(generator, "generate_demo", held)
    yield release
    release.set()


@pytest.mark.parametrize(
    "lang, waiting, notice", [("zh", "首次启动", "演示数据"), ("en", "First start", "demo data")]
)
def test_first_start_shows_progress_then_the_demo(tmp_path, held_generation, lang, waiting, notice):
    path = tmp_path / "fresh.duckdb"
    at = app_test(None, path, lang)
    # The page is drawn while the demo is still being generated: a note and a progress bar,
    # not the page (whose figures would be empty).
    assert not at.exception
    assert first_start.job_for(path).running
    assert any(waiting in info.value for info in at.info)
    bars = at.get("progress")
    assert len(bars) == 1
    assert (bars[0].proto.value, bars[0].proto.text) == (30, t("common.demo_progress_orders", lang))
    assert not at.title
    held_generation.set()
    finish_demo(path)
    con = db.connect(path)
    assert db.get_meta(con, "demo") == "1"
    assert db.scalar(con, "SELECT count(*) FROM customers") == 300
    again = app_test(None, path, lang)
    assert not again.exception
    assert any(notice in info.value for info in again.info)
    assert again.button(key="demo_clear").label == ("清空演示数据" if lang == "zh" else "Clear demo data")
    assert again.title


def test_cleared_demo_stays_cleared_after_a_restart(tmp_path, held_generation):
    # AppTest does not deliver clicks on widgets of the entry script, so the button's action
    # (db.clear_demo) is exercised directly; the browser tests click the real button.
    path = tmp_path / "fresh.duckdb"
    app_test(None, path, "en")
    held_generation.set()
    finish_demo(path)
    con = db.connect(path)
    db.clear_demo(con)
    assert db.is_empty(con)
    first_start.forget(path)  # a restarted process has no job
    again = app_test(None, path, "en")
    assert not again.exception
    assert first_start.job_for(path) is None
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
