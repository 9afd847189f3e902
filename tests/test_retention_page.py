"""The retention page in both languages, on the demo data and on an empty store."""

import pytest
import streamlit as st

from analytics.i18n import t
from tests.conftest import app_test

PAGE = "pages/retention.py"


@pytest.fixture(autouse=True)
def fresh_connections():
    """Other tests close every DuckDB connection (db.close_all); the page's cached connection
    must then be opened again rather than reused."""
    st.cache_resource.clear()


TITLES = {"zh": "客户留存", "en": "Retention"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_on_an_empty_database(empty_db_path, lang):
    at = app_test(PAGE, empty_db_path, lang)
    assert not at.exception
    assert at.title[0].value == TITLES[lang]
    assert any("数据 › 导入" in i.value or "Data › Import" in i.value for i in at.info)
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_on_the_demo_database(demo_db_path, lang):
    at = app_test(PAGE, demo_db_path, lang)
    assert not at.exception
    assert at.title[0].value == TITLES[lang]
    # Flow and loss rate; every first-order cohort of the demo still orders every month, which
    # a sentence says instead of a chart of "100"s.
    assert len(at.get("plotly_chart")) == 2
    assert t("drill.cohorts_all_ordering", lang) in [s.value for s in at.success]
    monthly = at.dataframe[0].value
    active, loss_rate = {"zh": ("活跃客户", "流失率"), "en": ("Active", "Loss rate")}[lang]
    assert len(monthly) == 12 and monthly[active].gt(0).all()
    assert monthly[loss_rate].dropna().between(0, 1).all()
    metrics = {m.label: m.value for m in at.metric}
    size = {"zh": "客户群户数", "en": "Cohort size"}[lang]
    retention = {"zh": "留存率", "en": "Retention"}[lang]
    assert int(metrics[size].replace(",", "")) > 0
    assert metrics[retention].endswith("%")
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads.count({"zh": "下载 CSV", "en": "Download CSV"}[lang]) == 3


def test_base_period_switch(demo_db_path):
    # In Chinese: AppTest formats option labels outside the session, in the default language.
    at = app_test(PAGE, demo_db_path, "zh")
    start = at.session_state["filters"].start
    assert any(f"基期 {start.year - 1}-{start.month:02d}-01 至" in c.value for c in at.caption)
    at.button_group(key="retention-base").set_value("previous_year").run()
    assert not at.exception
    assert any(f"基期 {start.year - 1}-01-01 至 {start.year - 1}-12-31" in c.value for c in at.caption)
