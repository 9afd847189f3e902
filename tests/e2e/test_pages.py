"""Every page in a real browser, in Chinese and English: it loads without an exception, shows
its title and main chart, follows the sidebar filters, and exports tables that open."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from analytics.i18n import t
from tests.e2e import harness

pytestmark = pytest.mark.e2e

LANGS = ("zh", "en")
PAGES = harness.declared_pages()
BOM = b"\xef\xbb\xbf"
CJK = re.compile(r"[\u3400-\u9fff]")
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")

# Pages that draw no chart, do not depend on the sidebar filters, or export no table. The
# Customer page shows the customer of its link whatever the sidebar's team or manager, and its
# months up to the period's last (which a longer period ending the same day does not move).
NO_CHART = {"import_data", "settings", "accounts", "audit", "backup"}
# Pages whose first view has no chart: their charts are in a tab drawn when opened (its label).
CHART_TAB = {"warnings": "warnings.tab_counts", "scorecards": "scorecard.compare"}
UNFILTERED = {"import_data", "settings", "accounts", "audit", "backup", "customer"}
NO_EXPORT = {"import_data", "settings", "accounts", "audit", "backup"}
# The pages of one item open on the item their link names (ui.drill); see page_query.
DEMO_MANAGER = "M001"

# The Overview's top-customers table, as exported: its header in each language.
OVERVIEW_EXPORT_HEADER = [
    "overview.col_rank",
    "common.customer_id",
    "common.customer_name",
    "common.manager_id",
    "common.manager_name",
    "common.customer_class",
    "overview.axis_sales",
    "overview.col_share",
    "overview.col_orders",
    "overview.col_last_order",
]


def page_params():
    return [pytest.param(page, lang, id=f"{page.name}-{lang}") for page in PAGES for lang in LANGS]


def require(page: harness.PageInfo) -> None:
    if not (harness.ROOT / page.file).exists():
        pytest.skip(f"{page.file} is not written yet")


def page_query(page: harness.PageInfo, facts: harness.DemoFacts) -> dict[str, str]:
    """The link parameters a page needs to show something: the Customer page a customer who
    ordered in the default period, the Manager page a manager of the demo."""
    if page.name == "customer":
        return {"customer": facts.customer_ids[0]}
    if page.name == "manager":
        return {"manager_id": DEMO_MANAGER}
    return {}


def open_dashboard_page(tab, server, page: harness.PageInfo, lang: str, **query: str) -> None:
    harness.open_page(tab, page.url(server.base_url, lang, **query))
    expect(tab.locator("h1").first).to_have_text(page.title(lang))
    assert_no_exception(tab)


def assert_no_exception(tab) -> None:
    exceptions = tab.locator(harness.EXCEPTION)
    if exceptions.count():
        pytest.fail("the page shows an exception:\n" + exceptions.first.inner_text())


# ------------------------------------------------------------------ loading


@pytest.mark.parametrize(("page", "lang"), page_params())
def test_page_in_the_browser(tab, dashboard, demo_facts, page, lang):
    """One visit per page and language (page loads are the slow part): loads with its title,
    chart and labels; exports its first table; follows a change of the sidebar filters."""
    require(page)
    open_dashboard_page(tab, dashboard, page, lang, **page_query(page, demo_facts))
    check_title_chart_and_labels(tab, page, lang)
    if page.name not in NO_EXPORT:
        check_export(tab, page, lang)
    if page.name not in UNFILTERED:
        check_filter_change(tab, page, lang)


def check_title_chart_and_labels(tab, page: harness.PageInfo, lang: str) -> None:
    check_labels(tab, lang)
    if page.name in CHART_TAB:
        assert not tab.locator(harness.PLOTLY).count(), "a chart drawn before its tab was opened"
        open_tab(tab, t(CHART_TAB[page.name], lang))
    if page.name not in NO_CHART:
        chart = tab.locator(harness.PLOTLY).first
        expect(chart).to_be_visible()
        assert tab.evaluate(DRAWN_TRACES) > 0, "the main chart has no data drawn"
        for title in tab.evaluate(AXIS_TITLES):
            assert title.strip(), "a chart axis has no title"
            assert not SNAKE_CASE.match(title), f"axis title is a column name: {title}"
            if lang == "en":
                assert not CJK.search(title), f"Chinese axis title on the English page: {title}"
    if page.name in CHART_TAB:
        check_labels(tab, lang)  # the chart's tab stays open: the filter change redraws its chart


def open_tab(tab, label: str) -> None:
    """Open the page's tab labelled `label` (a tab drawn when opened: the script runs again)."""
    tab.get_by_role("tab", name=label, exact=True).click()
    harness.wait_idle(tab)
    expect(tab.get_by_role("tab", name=label, exact=True)).to_have_attribute("aria-selected", "true")


def check_labels(tab, lang: str) -> None:
    text = tab.locator(harness.MAIN).inner_text() + tab.locator(harness.SIDEBAR).inner_text()
    assert harness.untranslated_keys(text) == []
    navigation = tab.locator('[data-testid="stSidebarNav"]').inner_text()
    assert bool(CJK.search(navigation)) == (lang == "zh"), f"navigation not in {lang}: {navigation!r}"


# Traces with at least one point, over the charts on screen (_fullData: arrays decoded from
# plotly's binary form).
DRAWN_TRACES = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .filter(chart => chart.offsetParent !== null)
    .flatMap(chart => chart._fullData || [])
    .filter(trace => trace.visible !== false
        && ['x', 'y', 'z', 'values', 'r'].some(k => trace[k] && trace[k].length > 0))
    .length"""

# The x and y axis titles of the visible charts that have such axes.
AXIS_TITLES = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .filter(chart => chart.offsetParent !== null && chart._fullLayout)
    .flatMap(chart => {
        const cartesian = (chart._fullData || []).some(tr => ['bar', 'scatter', 'scattergl', 'heatmap',
                                                              'histogram', 'box'].includes(tr.type));
        if (!cartesian) return [];
        const layout = chart._fullLayout;
        return ['xaxis', 'yaxis'].filter(axis => layout[axis] && layout[axis].visible !== false)
            .map(axis => (layout[axis].title && layout[axis].title.text) || '');
    })"""


# ------------------------------------------------------------------ filters

# The figures on screen: metric tiles and the data behind the charts.
FIGURES = """() => JSON.stringify({
    metrics: [...document.querySelectorAll('[data-testid="stMetricValue"]')].map(e => e.innerText),
    charts: [...document.querySelectorAll('.js-plotly-plot')]
        .map(chart => (chart.data || []).map(tr => [tr.x, tr.y, tr.z, tr.values])),
})"""

# Pages that look at one day (the period's last), not a span: a longer period ending on the
# same day rightly changes nothing there, so they are checked with the manager filter.
AS_OF_PAGES = {"warnings", "new_products", "collections"}


def choose_period(tab, lang: str, period: str) -> None:
    """Pick a period in the sidebar's first select box. The navigation lists every page
    (expanded), so the box may be below the sidebar's first screen: it is scrolled into view,
    and the option is typed (the list may open where a click cannot reach it)."""
    box = tab.locator(harness.SIDEBAR).locator('[data-testid="stSelectbox"]').first
    box.scroll_into_view_if_needed()
    box.click()
    option = tab.get_by_role("option", name=t(f"common.period_{period}", lang), exact=True)
    option.scroll_into_view_if_needed()
    option.click()


def choose_first_manager(tab, lang: str) -> None:
    box = (
        tab.locator(harness.SIDEBAR)
        .locator('[data-testid="stMultiSelect"]')
        .filter(has_text=t("common.manager", lang))
    )
    box.get_by_role("combobox").click()
    tab.keyboard.press("ArrowDown")  # the click may only focus the box when the sidebar has scrolled
    # Options read "name (ID)"; the list also offers "select all".
    tab.get_by_role("option").filter(has_text=re.compile(r"\(\w+\)$")).first.click()
    tab.keyboard.press("Escape")


def check_filter_change(tab, page: harness.PageInfo, lang: str) -> None:
    before = tab.evaluate(FIGURES)
    metrics_before = tab.locator(harness.METRIC_VALUE).all_inner_texts()

    if page.name in AS_OF_PAGES:
        choose_first_manager(tab, lang)
        in_url = r"[?&]manager=\w"
    else:
        choose_period(tab, lang, "last_3_months")
        in_url = r"[?&]period=last_3_months\b"

    tab.wait_for_function(
        f"(before) => ({FIGURES})() !== before", arg=before, timeout=harness.LOAD_TIMEOUT_MS, polling=200
    )
    harness.wait_idle(tab)
    assert_no_exception(tab)
    expect(tab).to_have_url(re.compile(in_url))
    if metrics_before:
        assert tab.locator(harness.METRIC_VALUE).all_inner_texts() != metrics_before, "no tile changed"


# ------------------------------------------------------------------ export


def download(tab, label: str) -> tuple[str, bytes]:
    button = tab.locator('[data-testid="stDownloadButton"]').filter(visible=True).filter(has_text=label).first
    with tab.expect_download() as event:
        button.click()
    path = event.value.path()
    harness.wait_idle(tab)  # a download button reruns the script
    return event.value.suggested_filename, Path(path).read_bytes()


def expected_export_header(page: harness.PageInfo, lang: str) -> list[str] | None:
    if page.name == "overview":
        return [t(key, lang) for key in OVERVIEW_EXPORT_HEADER]
    return None


def check_export(tab, page: harness.PageInfo, lang: str) -> None:
    csv_name, csv_bytes = download(tab, t("common.export_csv", lang))
    assert csv_name.endswith(".csv")
    assert csv_bytes.startswith(BOM), "the CSV has no UTF-8 byte order mark (Excel would garble Chinese)"
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    header = rows[0]
    assert len(rows) > 1, "the exported table is empty"

    expected = expected_export_header(page, lang)
    if expected is not None:
        assert header == expected
    assert not [name for name in header if SNAKE_CASE.match(name)], f"untranslated column names: {header}"
    if lang == "zh":
        assert any(CJK.search(name) for name in header), f"no Chinese column name: {header}"

    xlsx_name, xlsx_bytes = download(tab, t("common.export_xlsx", lang))
    assert xlsx_name.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes), read_only=True).worksheets[0]
    first_row = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))
    assert [str(value) for value in first_row if value is not None] == header
