"""Drill-down in a real browser, in Chinese and English (issue 19): a click on a chart's bar
opens the Customer or Manager page with the id in the link, and so does a selected table row."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from analytics.i18n import t
from tests.e2e import harness

pytestmark = pytest.mark.e2e

LANGS = ("zh", "en")


def open_page(tab, server, path: str, lang: str, title_key: str) -> None:
    harness.open_page(tab, f"{server.base_url}/{path}?lang={lang}")
    expect(tab.locator("h1").first).to_have_text(t(title_key, lang))


def click_first_bar(tab, chart_key: str) -> None:
    """Click the middle of the chart's first bar, as a person would (plotly reads the click
    from its drag layer over the bars)."""
    chart = tab.locator(f".st-key-{chart_key} .js-plotly-plot").first
    chart.scroll_into_view_if_needed()
    bar = chart.locator(".bars path").first
    expect(bar).to_be_visible()
    box = bar.bounding_box()
    tab.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def select_first_row(tab, table_key: str) -> None:
    """Tick the selection box of a table's first row (st.dataframe draws on a canvas: the box
    is the first column, the first row below the header)."""
    table = tab.locator(f".st-key-{table_key}-table").first
    table.scroll_into_view_if_needed()
    expect(table).to_be_visible()
    box = table.bounding_box()
    tab.mouse.click(box["x"] + 16, box["y"] + 35 + 17)


def expect_item_page(tab, lang: str, path: str, param: str, title_key: str) -> str:
    """The Customer or Manager page opened with the id in the link; the id."""
    expect(tab).to_have_url(re.compile(rf"/{path}\?.*\b{param}=[^&]+"), timeout=harness.LOAD_TIMEOUT_MS)
    harness.wait_idle(tab)
    expect(tab.locator("h1").first).to_have_text(t(title_key, lang))
    assert not tab.locator(harness.EXCEPTION).count()
    item = re.search(rf"\b{param}=([^&]+)", tab.url).group(1)
    expect(tab.locator("h2").first).to_contain_text(item)  # the page's header names the item
    return item


@pytest.mark.parametrize("lang", LANGS)
def test_a_bar_of_the_pareto_chart_opens_its_customer(tab, dashboard, lang):
    open_page(tab, dashboard, "pareto", lang, "pareto.title")
    click_first_bar(tab, "pareto-chart")
    customer = expect_item_page(tab, lang, "customer", "customer", "drill.customer_title")
    # The customer of the first bar: the ranking's first row.
    assert re.fullmatch(r"\w+", customer)
    expect(tab.locator(harness.MAIN)).to_contain_text(t("drill.actions_title", lang))
    # The language switch keeps the customer in the link.
    other = "en" if lang == "zh" else "zh"
    tab.locator(harness.SIDEBAR).get_by_text({"zh": "中文", "en": "English"}[other], exact=True).click()
    harness.wait_idle(tab)
    expect(tab.locator("h1").first).to_have_text(t("drill.customer_title", other))
    assert f"customer={customer}" in tab.url


@pytest.mark.parametrize("lang", LANGS)
def test_a_row_of_the_scorecard_opens_its_manager(tab, dashboard, lang):
    open_page(tab, dashboard, "scorecards", lang, "scorecard.title")
    select_first_row(tab, "scorecard-main")
    manager = expect_item_page(tab, lang, "manager", "manager_id", "drill.manager_title")
    expect(tab.locator(harness.MAIN)).to_contain_text(t("scorecard.items_title", lang))
    assert manager


@pytest.mark.parametrize("lang", LANGS)
def test_a_bar_of_the_scorecard_opens_its_manager_and_a_row_there_its_customer(tab, dashboard, lang):
    open_page(tab, dashboard, "scorecards", lang, "scorecard.title")
    # The status bars sit in their own tab, drawn only when it is open.
    tab.get_by_role("tab", name=t("scorecard.col_score", lang), exact=True).click()
    harness.wait_idle(tab)
    click_first_bar(tab, "scorecard-status-bar")
    expect_item_page(tab, lang, "manager", "manager_id", "drill.manager_title")
    select_first_row(tab, "manager-customers")
    expect_item_page(tab, lang, "customer", "customer", "drill.customer_title")


@pytest.mark.parametrize("lang", LANGS)
def test_a_team_bar_on_the_overview_filters_every_page(tab, dashboard, lang):
    open_page(tab, dashboard, "", lang, "overview.title")
    click_first_bar(tab, "overview-sales-by-team")
    expect(tab).to_have_url(re.compile(r"[?&]team=[^&]+"), timeout=harness.LOAD_TIMEOUT_MS)
    harness.wait_idle(tab)
    assert not tab.locator(harness.EXCEPTION).count()
    team = unquote(re.search(r"[?&]team=([^&]+)", tab.url).group(1))
    # The sidebar's team filter now holds the team clicked, so every page shows only it.
    expect(tab.locator(harness.SIDEBAR).locator('[data-testid="stMultiSelect"]').first).to_contain_text(team)
