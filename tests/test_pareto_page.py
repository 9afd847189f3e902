"""The 80/20 page through AppTest: demo data and an empty database, in both languages."""

import json

import pytest

from analytics import db, pareto
from analytics.i18n import t
from tests.conftest import app_test

PAGE = "pages/pareto.py"
TITLES = {"zh": "二八客户价值", "en": "80/20 customer value"}


def chart_text(chart) -> str:
    """The figure's JSON with readable Chinese (titles, axis titles, annotations)."""
    return json.dumps(json.loads(chart.proto.spec), ensure_ascii=False)


def metric_values(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_on_demo_data(demo_db_path, lang):
    at = app_test(PAGE, demo_db_path, lang)
    assert not at.exception
    assert at.title[0].value == TITLES[lang]
    tiles = metric_values(at)
    buyers = tiles[t("pareto.kpi_buyers", lang)]
    assert int(buyers.replace(",", "")) > 0
    assert tiles[t("pareto.kpi_top20_share", lang)].endswith("%")
    assert "/" in tiles[t("pareto.kpi_abc", lang)]
    chart = at.get("plotly_chart")[0]
    assert t("pareto.axis_cum_share", lang) in chart_text(chart)
    assert len(at.dataframe) == 1  # the customer ranking tab

    # The figures the page shows are those of the function the CLI prints.
    filters = at.session_state["filters"]
    summary = pareto.pareto_summary(db.connect(demo_db_path), filters, "amount")
    assert buyers == f"{summary.buyers:,}"

    # A customer opens on the Customer page (tests/test_drill.py), not below the table.
    assert not [s for s in at.selectbox if s.key == "pareto-detail"]

    # The metric switch changes the figures.
    assert t("pareto.metric_profit", lang) in at.radio(key="pareto-metric").options  # demo orders carry cost
    at.radio(key="pareto-metric").set_value("quantity").run()
    assert not at.exception
    quantity_tiles = metric_values(at)
    assert quantity_tiles[t("pareto.kpi_top20_share", lang)] != tiles[t("pareto.kpi_top20_share", lang)]
    assert t("pareto.axis_value_quantity", lang) in chart_text(at.get("plotly_chart")[0])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_tab_on_demo_data(demo_db_path, lang):
    at = app_test(PAGE, demo_db_path, lang)
    for tab in ("groups", "time", "migration", "products", "big", "classes"):
        at.session_state["pareto-tab"] = t(f"pareto.tab_{tab}", lang)
        at.run()
        assert not at.exception, tab
        if tab in ("groups", "time", "migration", "products"):
            assert len(at.get("plotly_chart")) == 2, tab
        if tab == "migration":
            assert t("pareto.lost_from_a", lang) in metric_values(at)
            cell = at.selectbox(key="pareto-migration-cell")
            cell.set_value(("A", "A")).run()
            assert not at.exception and len(at.dataframe) == 1
        if tab == "products":
            assert metric_values(at)[t("pareto.kpi_products", lang)] == "15"
        if tab == "big":
            at.number_input(key="pareto-big-threshold").set_value(0.0).run()
            assert not at.exception
            assert int(metric_values(at)[t("pareto.big_count", lang)].replace(",", "")) > 0
        if tab == "classes":
            assert len(at.dataframe) == 2  # shares and mismatches
            assert any(t("pareto.status_within", lang) in str(v) for v in at.dataframe[0].value.iloc[:, -1])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_on_empty_database(empty_db_path, lang):
    at = app_test(PAGE, empty_db_path, lang)
    assert not at.exception
    assert at.title[0].value == TITLES[lang]
    assert metric_values(at)[t("pareto.kpi_buyers", lang)] == "0"
    assert any(t("common.empty_database", lang) == i.value for i in at.info)
    assert t("pareto.metric_profit", lang) not in at.radio(key="pareto-metric").options
    at.radio(key="pareto-metric").set_value("quantity").run()
    assert not at.exception


@pytest.fixture
def quiet_month_db_path(tmp_path):
    """Orders only in January 2025 and a visit in March: the default period (February) is empty."""
    from datetime import date, datetime

    from tests.conftest import insert

    path = tmp_path / "quiet.duckdb"
    con = db.connect(path)
    insert(con, "managers", [{"manager_id": "M1", "manager_name": "王伟", "team": "East"}])
    insert(
        con,
        "customers",
        [
            {
                "customer_id": "a",
                "customer_name": "A店",
                "manager_id": "M1",
                "customer_class": "core",
                "status": "active",
            }
        ],
    )
    insert(
        con,
        "orders",
        [
            {
                "order_id": "1",
                "customer_id": "a",
                "order_date": date(2025, 1, 6),
                "product": "P1",
                "quantity": 2.0,
                "amount": 300.0,
            }
        ],
    )
    insert(con, "visits", [{"customer_id": "a", "manager_id": "M1", "visit_date": datetime(2025, 3, 15, 9)}])
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_tab_in_an_empty_period(quiet_month_db_path, lang):
    at = app_test(PAGE, quiet_month_db_path, lang)
    assert not at.exception
    assert metric_values(at)[t("pareto.kpi_non_buyers", lang)] == "1"
    assert any(t("common.no_data", lang) == i.value for i in at.info)
    for tab in ("groups", "time", "migration", "products", "big", "classes"):
        at.session_state["pareto-tab"] = t(f"pareto.tab_{tab}", lang)
        at.run()
        assert not at.exception, tab
    assert t("pareto.metric_profit", lang) not in at.radio(key="pareto-metric").options
