"""The language switch keeps every filter of the link and relabels every widget; "this month" and
"last month" are two different months."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from analytics.i18n import t
from tests.e2e import harness

pytestmark = pytest.mark.e2e

CJK = re.compile(r"[\u3400-\u9fff]")
# The sidebar's own words whose other-language version must not stay on screen after a switch.
LABELS = (
    "common.filters",
    "common.period",
    "common.period_last_3_months",
    "common.period_last_month",
    "common.class_core",
    "common.class_potential",
    "common.customer_class",
)


def sidebar_text(tab) -> str:
    """The sidebar's text and what its inputs show (a select box shows its choice in an input)."""
    sidebar = tab.locator(harness.SIDEBAR)
    shown = sidebar.locator("input").evaluate_all("inputs => inputs.map(i => i.value || i.placeholder || '')")
    return sidebar.inner_text() + "\n" + "\n".join(shown)


def switch_language(tab, lang: str) -> None:
    name = {"zh": "中文", "en": "English"}[lang]
    switch = tab.locator(harness.SIDEBAR).locator('[data-testid="stButtonGroup"]')
    switch.get_by_text(name, exact=True).click()
    expect(tab).to_have_url(re.compile(rf"[?&]lang={lang}\b"))
    harness.wait_idle(tab)


def assert_sidebar_in(tab, lang: str) -> None:
    other = "en" if lang == "zh" else "zh"
    text = sidebar_text(tab)
    for key in ("common.period_last_3_months", "common.class_core", "common.class_potential"):
        assert t(key, lang) in text, f"{key} is not shown in {lang}"
    for key in LABELS:
        assert t(key, other) not in text, f"the sidebar still shows {t(key, other)!r} after the switch"
    if lang == "en":  # team and manager names are Chinese data, but none is chosen here
        assert not CJK.search(text.replace("中文", "")), f"Chinese left in the English sidebar: {text!r}"


def assert_link_keeps_filters(tab, lang: str) -> None:
    url = tab.url
    assert re.search(rf"[?&]lang={lang}\b", url), url
    assert re.search(r"[?&]period=last_3_months\b", url), url
    assert sorted(re.findall(r"[?&]class=(\w+)", url)) == ["core", "potential"], url


def test_switching_language_twice_keeps_the_link_and_relabels_the_sidebar(tab, dashboard):
    harness.open_page(tab, f"{dashboard.base_url}/?lang=zh&period=last_3_months&class=core&class=potential")
    assert_sidebar_in(tab, "zh")
    assert_link_keeps_filters(tab, "zh")
    switch_language(tab, "en")
    assert_sidebar_in(tab, "en")
    assert_link_keeps_filters(tab, "en")
    switch_language(tab, "zh")
    assert_sidebar_in(tab, "zh")
    assert_link_keeps_filters(tab, "zh")
    expect(tab.locator(harness.EXCEPTION)).to_have_count(0)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_this_month_is_not_last_month(tab, dashboard, lang):
    today = date.today()
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    harness.open_page(tab, f"{dashboard.base_url}/?lang={lang}&period=this_month")
    this_month = t("common.period_shown", lang, start=first, end=today)
    expect(tab.locator(harness.SIDEBAR)).to_contain_text(this_month)
    # The demo ends with last month: the page says so.
    expect(tab.locator(harness.MAIN)).to_contain_text(t("common.data_until", lang, day=last_month_end))
    harness.open_page(tab, f"{dashboard.base_url}/?lang={lang}&period=last_month")
    last_month = t("common.period_shown", lang, start=last_month_end.replace(day=1), end=last_month_end)
    expect(tab.locator(harness.SIDEBAR)).to_contain_text(last_month)
    assert this_month not in sidebar_text(tab)
    assert t("common.data_until", lang, day=last_month_end) not in sidebar_text(tab)
