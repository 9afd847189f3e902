"""The Scorecards, Visits and Service standards pages in both languages, on the demo and an empty database."""

import pytest

from analytics.i18n import t
from tests.conftest import app_test

SCORECARDS, VISITS, SETTINGS = "pages/scorecards.py", "pages/visits.py", "pages/settings.py"
TITLES = {
    SCORECARDS: {"zh": "客户经理考评", "en": "Manager scorecards"},
    VISITS: {"zh": "拜访合规", "en": "Visits"},
    SETTINGS: {"zh": "服务标准设置", "en": "Service standards"},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scorecards_on_demo_data(demo_db_path, settings_file, lang):
    at = app_test(SCORECARDS, demo_db_path, lang)
    assert not at.exception
    assert at.title[0].value == TITLES[SCORECARDS][lang]
    main = at.dataframe[0].value
    score, rank = ("综合得分", "排名") if lang == "zh" else ("Score", "Rank")
    assert len(main) >= 8 and main[rank].tolist() == list(range(1, len(main) + 1))
    assert main[score].between(0, 100).all()
    assert not at.get("plotly_chart")  # the open tab's are the team averages: a table
    teams = at.dataframe[1].value
    assert t("scorecard.col_managers", lang) in teams.columns
    for label in ("scorecard.col_score", "scorecard.compare"):  # status bar, comparison
        at.session_state["scorecard-chart-tab"] = t(label, lang)
        at.run()
        assert not at.exception and len(at.get("plotly_chart")) == 1, label
    # The trend tab: a ranked table of sparklines (one row a manager).
    at.session_state["scorecard-chart-tab"] = t("scorecard.trend", lang)
    at.run()
    assert not at.exception
    manager_id = "客户经理编码" if lang == "zh" else "Manager ID"
    assert main.columns[0] == rank
    trend = at.dataframe[-1].value
    months = "近12个月得分" if lang == "zh" else "Score, last 12 months"
    assert sorted(trend[manager_id]) == sorted(main[manager_id])
    assert all(len(scores) == 12 for scores in trend[months])
    latest = trend["最近一月得分" if lang == "zh" else "Latest month"]
    assert latest.dropna().is_monotonic_decreasing
    # One manager in detail is the Manager page now (tests/test_drill.py): no select box here.
    assert not [s for s in at.selectbox if s.key == "scorecard-manager"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_visits_on_demo_data(demo_db_path, settings_file, lang):
    at = app_test(VISITS, demo_db_path, lang)
    assert not at.exception
    assert at.title[0].value == TITLES[VISITS][lang]
    assert len(at.get("plotly_chart")) == 1  # compliance; the open tab is the list not visited
    compliance = at.dataframe[0].value
    assert len(compliance) > 0
    for label in ("visits.tab_calendar", "visits.tab_methods"):
        at.session_state["visits-section"] = t(label, lang)
        at.run()
        assert not at.exception and len(at.get("plotly_chart")) == 2, label


@pytest.mark.parametrize("page", [SCORECARDS, VISITS])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_on_empty_database(empty_db_path, settings_file, page, lang):
    at = app_test(page, empty_db_path, lang)
    assert not at.exception
    assert at.title[0].value == TITLES[page][lang]
    assert any(("Data › Import" in i.value) or ("数据 › 导入" in i.value) for i in at.info)
    assert not at.get("plotly_chart")


@pytest.mark.parametrize(
    "lang, rejected, saved",
    [
        ("zh", "考评权重合计须为 100，当前为 110。", "服务标准已保存"),
        ("en", "Scorecard weights must add up to 100; they add up to 110.", "Service standards saved"),
    ],
)
def test_settings_editor(empty_db_path, settings_file, lang, rejected, saved):
    at = app_test(SETTINGS, empty_db_path, lang)
    assert not at.exception
    assert at.title[0].value == TITLES[SETTINGS][lang]
    at.number_input(key="std-weight-coverage").set_value(30)
    at.button(key="std-save").click().run()
    assert not at.exception
    assert any(rejected in e.value for e in at.error)
    assert not settings_file.exists()

    at.number_input(key="std-weight-coverage").set_value(20)
    at.number_input(key="std-core-interval_days").set_value(7)
    at.button(key="std-save").click().run()
    assert not at.exception and not at.error
    assert any(saved in s.value for s in at.success)
    assert "interval_days = 7" in settings_file.read_text(encoding="utf-8")

    at.button(key="standards-reset").click().run()
    assert not at.exception
    assert not settings_file.exists()
    assert at.number_input(key="std-core-interval_days").value == 14
