"""The same metrics on Spark and on DuckDB give the same figures: a demo book in a DuckDB store
(its risk ranking trained there), exported once as Parquet, read by local Spark (one session and
one store for the module, which the commands reuse). Counts, ranks, classes and dates exactly;
sums and shares to 1e-9 relative; the commands' CSV byte for byte. The same book also as tables
of a Spark catalog, through a Spark Connect server, and on the dashboard's 80/20 page."""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stdout

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("the Spark engine needs Java 17 (openjdk-17-jre-headless)", allow_module_level=True)

from analytics import db, pareto, retention, risk, scorecard, warnings
from analytics.engine.parquet import export_parquet
from analytics.engine.spark import LOCAL_CONFIG, SMALL_DATA_CONFIG, open_store, session
from analytics.filters import Filters
from analytics.generator import generate_demo
from analytics.warnings import schema as warning_schema
from tests.spark_connect import ConnectServer


@pytest.fixture(scope="module")
def connect_server(tmp_path_factory):
    """A Spark Connect server, started before the book is made (its JVM starts meanwhile); None
    without the Connect client (pyspark[connect]: grpcio, … in requirements-spark.txt)."""
    try:
        import grpc  # noqa: F401
        import zstandard  # noqa: F401
    except ImportError:
        yield None
        return
    server = ConnectServer(tmp_path_factory.mktemp("connect"), {**LOCAL_CONFIG, **SMALL_DATA_CONFIG}).start()
    yield server
    # Stop the Connect clients first: one left open calls the stopped server at exit and retries
    # for minutes (PySpark's atexit clean-up).
    from analytics.engine import spark as engine_spark

    for key in [key for key in engine_spark._OPEN if key[1] is not None]:
        store = engine_spark._OPEN.pop(key)
        store.close()
        store.spark.stop()
    server.stop()


@pytest.fixture(scope="module")
def book(tmp_path_factory, connect_server):
    folder = tmp_path_factory.mktemp("spark_book")
    con = db.connect(folder / "book.duckdb")
    generate_demo(con, customers=300, managers=6, months=15, seed=5)
    warning_schema.ensure(con)
    risk.stored_ranking(con)  # trained on DuckDB; the warehouse carries it
    export_parquet(con, folder / "warehouse")
    session(master="local[2]", extra=SMALL_DATA_CONFIG)
    store = open_store(folder / "warehouse")
    yield con, store, folder
    store.close()
    db.close_all()


@pytest.fixture(scope="module")
def period(book):
    first, last = db.data_range(book[0])
    return Filters(start=first, end=last)


@pytest.fixture(scope="module")
def last_quarter(period):
    """The last three calendar months: the scorecard's retention has its 12 base months before."""
    start = (pd.Timestamp(period.end) - pd.offsets.MonthBegin(3)).date()
    return Filters(start=start, end=period.end)


def same_figures(duck: pd.DataFrame, spark: pd.DataFrame, keys: list[str] | None = None) -> None:
    """Same columns, dtypes and rows (in key order); floats to 1e-9 relative, the rest exactly."""
    assert list(spark.columns) == list(duck.columns)
    assert list(spark.dtypes) == list(duck.dtypes)
    assert len(spark) == len(duck)
    if keys:
        duck = duck.sort_values(keys, ignore_index=True)
        spark = spark.sort_values(keys, ignore_index=True)
    for column in duck.columns:
        a, b = duck[column], spark[column]
        if pd.api.types.is_float_dtype(a):
            assert np.allclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-9, atol=0, equal_nan=True), (
                column
            )
        else:
            assert a.isna().tolist() == b.isna().tolist(), column
            assert a[a.notna()].tolist() == b[b.notna()].tolist(), column


def test_the_store_reads_the_same_data_range(book):
    con, store, _ = book
    assert db.data_range(store) == db.data_range(con)


def test_pareto_summary_and_detail(book, period):
    con, store, _ = book
    for metric in ("amount", "quantity"):
        same_figures(
            pareto.pareto_summary(con, period, metric).as_frame(),
            pareto.pareto_summary(store, period, metric).as_frame(),
        )
    duck = pareto.customer_values(con, period)
    assert len(duck) > 200 and set(duck["abc"]) == {"A", "B", "C"}
    same_figures(duck, pareto.customer_values(store, period), keys=["rank"])


def test_scoped_pareto(book, period):
    con, store, _ = book
    manager = db.scalar(con, "SELECT min(manager_id) FROM managers")
    scoped = Filters(start=period.start, end=period.end, managers=(manager,), classes=("core", "regular"))
    duck = pareto.customer_values(con, scoped)
    assert 0 < len(duck) < 300
    same_figures(duck, pareto.customer_values(store, scoped), keys=["rank"])


def test_abc_migration(book, period):
    con, store, _ = book
    duck = pareto.abc_migration(con, period)
    assert duck.select_dtypes("number").to_numpy().sum() > 0
    same_figures(duck, pareto.abc_migration(store, period))


def test_retention_monthly_flow(book, period):
    con, store, _ = book
    duck = retention.monthly_flow(con, period)
    assert len(duck) == 15 and duck["lost"].sum() > 0
    same_figures(duck, retention.monthly_flow(store, period), keys=["month"])


def test_warning_rules(book, period):
    con, store, _ = book
    duck = warnings.rule_facts(con, period)
    assert len(duck) > 100
    same_figures(duck, warnings.rule_facts(store, period), keys=["customer_id"])


def test_scorecard_figures(book, last_quarter):
    """The raw figures of scorecard/figures.spark.sql (order months as lists, not 128-bit masks)."""
    con, store, _ = book
    quarter = ((last_quarter.start, last_quarter.end),)
    duck = scorecard.period_figures(con, last_quarter, quarter)
    assert len(duck) == 6 and duck["retention"].between(0.5, 1).all() and duck["active_customers"].gt(0).all()
    same_figures(duck, scorecard.period_figures(store, last_quarter, quarter), keys=["manager_id"])


def test_scorecard(book, last_quarter):
    con, store, _ = book
    duck = scorecard.scorecard(con, last_quarter)
    assert len(duck) == 6 and duck["sales"].sum() > 0
    same_figures(duck, scorecard.scorecard(store, last_quarter), keys=["manager_id"])


def test_warning_and_action_lists(book, period):
    con, store, _ = book
    scores = risk.stored_ranking(con, period.end).scores
    duck = warnings.warning_list(con, period, period.end, scores=scores)
    spark = warnings.warning_list(store, period, period.end, scores=scores)
    assert len(duck) > 10 and duck["risk_score"].notna().all()
    same_figures(duck, spark, keys=["customer_id"])
    actions = warnings.action_list(duck)
    assert 0 < len(actions) < len(duck)
    same_figures(actions, warnings.action_list(spark), keys=["customer_id"])


def test_overdue_list(book, period):
    con, store, _ = book
    manager = db.scalar(con, "SELECT min(manager_id) FROM managers")
    duck = scorecard.overdue_list(con, manager, period.end)
    assert len(duck) > 10 and duck["days_overdue"].gt(0).any() and duck["open_warnings"].gt(0).any()
    same_figures(duck, scorecard.overdue_list(store, manager, period.end), keys=["customer_id"])


@pytest.mark.parametrize(
    "command", [["pareto", "--summary"], ["scorecard", "LAST_QUARTER"], ["warnings", "--open"]]
)
def test_commands_print_the_same_csv(book, last_quarter, command):
    folder = book[2]
    if "LAST_QUARTER" in command:  # the period test_scorecard compared (its results are kept)
        command = [command[0], "--start", str(last_quarter.start), "--end", str(last_quarter.end)]

    def printed(*extra: str) -> list[str]:
        return sorted(command_output(folder, *command, *extra).splitlines())

    duck = printed()
    assert len(duck) > 2 if command[0] != "pareto" else len(duck) == 2
    assert printed("--engine", "spark", "--warehouse", str(folder / "warehouse")) == duck


def command_output(folder, *argv: str) -> str:
    """What ``python -m analytics ARGV --db book.duckdb`` prints (run in this process)."""
    from analytics.__main__ import build_parser, run

    args = build_parser().parse_args([*argv, "--db", str(folder / "book.duckdb")])
    out = io.StringIO()
    with redirect_stdout(out):
        assert run(args) == 0
    return out.getvalue()


def test_tables_of_a_spark_catalog(book, period):
    """The book saved as tables of the local catalog's database `book` (saveAsTable, as a lake's
    loader would), read by name (`spark_catalog.book.orders`, …) as the settings name them, beside
    the folder's store (each store its own views)."""
    from analytics import engine
    from analytics.settings import Engine

    con, store, folder = book
    spark = store.spark
    spark.sql(f"CREATE DATABASE IF NOT EXISTS book LOCATION '{folder / 'catalog'}'")
    for table in store.tables:
        spark.read.parquet(str(folder / "warehouse" / table)).write.mode("overwrite").saveAsTable(
            f"book.{table}"
        )
    named = Engine(kind="spark", catalog="spark_catalog", database="book")
    catalog_store = engine.open_spark(named)
    assert catalog_store is not store and catalog_store.spark is not spark
    assert set(catalog_store.tables) == set(store.tables)
    plan = catalog_store.spark.sql("SELECT count(*) FROM orders").toArrow()
    assert plan.column(0)[0].as_py() == db.scalar(con, "SELECT count(*) FROM orders")
    same_figures(
        pareto.pareto_summary(con, period).as_frame(), pareto.pareto_summary(catalog_store, period).as_frame()
    )
    same_figures(
        pareto.customer_values(con, period), pareto.customer_values(catalog_store, period), keys=["rank"]
    )
    # Each store reads its own views: the folder's files, the catalog database's.
    assert all("/warehouse/orders/" in f for f in store.spark.table("orders").inputFiles())
    assert all("/catalog/orders/" in f for f in catalog_store.spark.table("orders").inputFiles())
    # The settings page's check opens it again (a new export's files listed anew).
    assert engine.check(named) == (True, ", ".join(store.tables))
    assert catalog_store.closed and engine.open_spark(named) is not catalog_store


def test_the_dashboard_reads_through_spark_when_the_settings_say_so(book, settings_file, monkeypatch, caplog):
    """The 80/20 page under AppTest, once on DuckDB and once with [engine] kind = "spark" on the
    warehouse: the same tiles, and the metrics did run on Spark (not a fallback to DuckDB)."""
    from analytics import config
    from analytics.engine.spark import SparkStore
    from analytics.i18n import t
    from tests.conftest import app_test

    con, _, folder = book
    path = folder / "book.duckdb"

    def tiles(at) -> dict[str, str]:
        assert not at.exception, at.exception
        return {m.label: m.value for m in at.metric}

    duck_page = app_test("pages/pareto.py", path, "en", timeout=300)
    duck = tiles(duck_page)
    filters = duck_page.session_state["filters"]
    assert (
        int(duck[t("pareto.kpi_buyers", "en")].replace(",", ""))
        == pareto.pareto_summary(con, filters).buyers
        > 0
    )

    ran: list[str] = []
    original = SparkStore.arrow

    def spied(self, sql, params=None):
        ran.append(sql)
        return original(self, sql, params)

    monkeypatch.setattr(SparkStore, "arrow", spied)
    config.save_settings({"engine": {"kind": "spark", "warehouse": str(folder / "warehouse")}})
    assert config.load_settings().engine.on_spark
    with caplog.at_level("WARNING", logger="analytics.engine"):
        spark_page = app_test("pages/pareto.py", path, "en", timeout=300)
        assert tiles(spark_page) == duck
    # No fallback to DuckDB logged by the engine (other loggers, e.g. Streamlit's, may speak here).
    assert len(ran) >= 2 and not [r for r in caplog.records if r.name.startswith("analytics")]
    assert len(spark_page.dataframe) == len(duck_page.dataframe) == 1
    assert spark_page.dataframe[0].value.equals(duck_page.dataframe[0].value)


# Last: a Spark Connect client in this process (the local session stays usable, see session()).
def test_pareto_summary_over_spark_connect(book, connect_server):
    """`--spark-remote sc://localhost:PORT`: the same warehouse read by a Spark Connect server
    (its own JVM); the command prints exactly the DuckDB command's bytes."""
    if connect_server is None:
        pytest.skip("the Spark Connect client is not installed (requirements-spark.txt)")
    folder = book[2]
    remote = connect_server.wait()
    duck = command_output(folder, "pareto", "--summary")
    spark = command_output(
        folder,
        "pareto",
        "--summary",
        "--engine",
        "spark",
        "--warehouse",
        str(folder / "warehouse"),
        "--spark-remote",
        remote,
    )
    assert len(duck.splitlines()) == 2 and "," in duck
    assert spark == duck
    from analytics.engine.spark import _OPEN

    remote_store = next(s for key, s in _OPEN.items() if key[1] == remote)
    assert type(remote_store.spark).__module__.startswith("pyspark.sql.connect")
    # The local session still answers after a Connect session in the same process.
    book[1].forget_results()
    assert db.data_range(book[1]) == db.data_range(book[0])
