"""The [engine] settings (issue 20): DuckDB by default without Spark; what an admin may save; the
dashboard's reads go to Spark only when the settings name a source, and stay on DuckDB when
Spark cannot be opened or a metric fails there. No Spark is needed for these tests."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from pydantic import ValidationError

from analytics import config, engine, pareto
from analytics.filters import Filters
from analytics.settings import Engine
from tests.conftest import ROOT, insert


def test_the_default_is_duckdb_and_reading_needs_no_spark():
    settings = config.as_settings({})
    assert settings.engine == Engine(kind="duckdb")
    assert not settings.engine.on_spark
    code = (
        "import sys\n"
        "from analytics import db, engine, pareto\n"
        "from analytics.filters import Filters\n"
        "con = db.connect(':memory:')\n"
        "summary = engine.call(pareto.pareto_summary, con, Filters())\n"
        "assert summary.buyers == 0, summary\n"
        "assert not [m for m in sys.modules if m.startswith(('pyspark', 'py4j', 'sqlglot'))]\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("values", "problems"),
    [
        ({"kind": "spark"}, ["engine.error_spark_source"]),
        ({"kind": "spark", "catalog": "spark_catalog"}, ["engine.error_spark_source"]),
        (
            {"kind": "spark", "warehouse": "/lake/book", "spark_remote": "http://x:15002"},
            ["engine.error_spark_remote"],
        ),
        ({"kind": "spark", "database": "book; DROP TABLE x"}, ["engine.error_name"]),
        ({"kind": "cluster", "warehouse": "/lake/book"}, ["engine.error_spark_source"]),
    ],
)
def test_an_engine_edit_that_cannot_work_is_not_saved(settings_file, values, problems):
    assert engine.save(values) == problems
    assert not settings_file.exists()


def test_an_engine_edit_is_saved_beside_the_other_settings(settings_file):
    config.save_settings({"abc": {"a_share": 0.7}})
    edited = {
        "kind": "spark",
        "warehouse": "",
        "catalog": " spark_catalog ",
        "database": "book",
        "spark_remote": "sc://spark:15002",
    }
    assert engine.save(edited) == []
    saved = config.load_settings()
    assert saved.abc.a_share == 0.7
    assert saved.engine.on_spark and saved.engine.source == "spark_catalog.book"
    assert engine.store_key(saved.engine) == (None, "sc://spark:15002", "spark_catalog.book")
    assert engine.save({"kind": "duckdb", "warehouse": "/lake/book"}) == []
    assert config.load_settings().engine.kind == "duckdb"
    assert not config.load_settings().engine.on_spark
    with pytest.raises(ValidationError):
        config.as_settings({"engine": {"kind": "spark", "spark_remote": "localhost:15002"}})


def _book(con) -> Filters:
    insert(
        con,
        "managers",
        [{"manager_id": "M1", "manager_name": "A", "team": "T1", "region": "R1", "active": True}],
    )
    insert(
        con,
        "customers",
        [
            {
                "customer_id": c,
                "manager_id": "M1",
                "region": "R1",
                "customer_class": "regular",
                "status": "active",
            }
            for c in ("c1", "c2")
        ],
    )
    insert(
        con,
        "orders",
        [
            {
                "order_id": "o1",
                "customer_id": "c1",
                "order_date": "2024-01-05",
                "amount": 300.0,
                "quantity": 3,
            },
            {
                "order_id": "o2",
                "customer_id": "c2",
                "order_date": "2024-01-09",
                "amount": 100.0,
                "quantity": 1,
            },
        ],
    )
    return Filters(start=date(2024, 1, 1), end=date(2024, 1, 31))


class FakeStore:
    """Stands where a SparkStore would: answers by running on DuckDB and counts the reads."""

    dialect = "spark"
    tables = ("customers", "orders")

    def __init__(self, con, fail: bool = False) -> None:
        self.con, self.fail, self.reads = con, fail, 0

    def query(self, sql, params=None):
        self.reads += 1
        if self.fail:
            raise RuntimeError("Spark refused the query")
        from analytics import fetch

        return fetch.query(self.con, sql, params)

    def rows(self, sql, params=None):
        self.reads += 1
        if self.fail:
            raise RuntimeError("Spark refused the query")
        from analytics import fetch

        return fetch.rows(self.con, sql, params)


def test_the_reads_go_where_the_settings_say(con, settings_file, monkeypatch):
    filters = _book(con)
    fake = FakeStore(con)
    opened = []
    monkeypatch.setattr(engine, "open_spark", lambda e: opened.append(e.source) or fake)
    expected = pareto.pareto_summary(con, filters)
    assert expected.buyers == 2

    assert engine.call(pareto.pareto_summary, con, filters) == expected
    assert opened == [] and fake.reads == 0  # DuckDB: the default

    engine.save({"kind": "spark", "warehouse": "/lake/book"})
    assert engine.call(pareto.pareto_summary, con, filters) == expected
    assert opened == ["/lake/book"] and fake.reads > 0
    # The store's own functions (its managers for the sidebar, accounts, imports) stay on DuckDB.
    from analytics import db

    reads = fake.reads
    assert engine.call(db.is_empty, con) is False
    assert fake.reads == reads


def test_a_failing_spark_leaves_the_dashboard_on_duckdb(con, settings_file, monkeypatch, caplog):
    filters = _book(con)
    expected = pareto.pareto_summary(con, filters)
    engine.save({"kind": "spark", "warehouse": "/lake/missing"})
    tries = []

    def no_java(e):
        tries.append(e.source)
        raise RuntimeError("Java gateway process exited")

    monkeypatch.setattr(engine, "open_spark", no_java)
    with caplog.at_level("WARNING", logger="analytics.engine"):
        assert engine.call(pareto.pareto_summary, con, filters) == expected
        assert engine.call(pareto.pareto_summary, con, filters) == expected
    assert tries == ["/lake/missing"]  # not tried again on every read
    assert "did not open" in caplog.text
    assert engine.last_failure(config.load_settings().engine) == "RuntimeError: Java gateway process exited"

    failing = FakeStore(con, fail=True)
    monkeypatch.setattr(engine, "open_spark", lambda e: failing)
    assert engine.check(config.load_settings().engine) == (True, "customers, orders")  # opens again at once
    assert engine.last_failure(config.load_settings().engine) is None
    assert engine.call(pareto.pareto_summary, con, filters) == expected
    assert failing.reads > 0 and "failed on Spark" in caplog.text


def test_an_admin_sets_the_engine_on_the_settings_page(empty_db_path, settings_file):
    """The Engine section of the settings page: an incomplete choice is refused with the reason,
    a complete one saved (and in the audit log); nothing opens Spark until a page reads."""
    from analytics import audit, db
    from analytics.i18n import t
    from tests.conftest import app_test

    at = app_test("pages/settings.py", empty_db_path, "en")
    assert not at.exception
    assert t("engine.section", "en") in [h.value for h in at.subheader]
    at.radio(key="settings-engine-kind-en").set_value("spark")
    at.button(key="settings-engine-save").click().run()
    assert t("engine.error_spark_source", "en") in at.error[0].value
    assert not settings_file.exists()

    at.text_input(key="settings-engine-warehouse").set_value("/lake/book")
    at.text_input(key="settings-engine-remote").set_value("sc://spark:15002")
    at.button(key="settings-engine-save").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == t("engine.saved", "en")
    saved = config.load_settings().engine
    assert (saved.kind, saved.warehouse, saved.spark_remote) == ("spark", "/lake/book", "sc://spark:15002")
    detail = audit.read(db.connect(empty_db_path), action="setting_changed")["detail"].iloc[0]
    assert '"engine.kind": ["duckdb", "spark"]' in detail
    assert '"engine.warehouse": ["", "/lake/book"]' in detail
