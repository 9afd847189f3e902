"""What a person reads on every page, in a real browser, in both languages (#19): no raw values
("None", "nan", "NaT", "00:00:00", "<NA>"), and on Chinese pages no English UI words left over —
neither the product's nor Streamlit's own (the uploader's "Upload", a list's "Select all" and
"No results"), no English field names on the import page, no "25M"/"250k" on a chart's axis.

The visible text is every text node drawn on screen (Streamlit's icon ligatures and text hidden
by `visibility: hidden` left out), in the main area, the sidebar and the charts (SVG), and the
placeholders of the inputs. Tables are drawn on a canvas: their cells are covered by
tests/test_visible_formats.py."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from analytics.i18n import t
from tests.e2e import harness

pytestmark = pytest.mark.e2e

LANGS = ("zh", "en")
PAGES = harness.existing_pages()
BY_NAME = {page.name: page for page in PAGES}

RAW = re.compile(r"\b(None|nan|NaN|NaT)\b|00:00:00|<NA>")
# English words of an interface (Streamlit's and the product's) that must not be left on a
# Chinese page. Proper names, ids and units written in Latin letters (CSV, Excel, ABC, GBK,
# M001, PDF …) are not on the list and may appear.
ENGLISH_UI_WORDS = (
    "Upload",
    "Browse",
    "Drag and drop",
    "per file",
    "Select all",
    "Choose",
    "No results",
    "Download",
    "Export",
    "Total",
    "Manager",
    "Customer",
    "Score",
    "strict",
    "valid-only",
    "pp",
    "Search",
    "Filter",
    "Period",
    "Team",
    "Class",
    "Month",
    "Sales",
    "Share",
    "Visits",
    "Orders",
    "Status",
    "Rank",
    "Import",
    "Undo",
    "Save",
    "Reset",
    "Cancel",
    "Yes",
    "No",
    "Loading",
    "Showing",
    "rows",
    "order_id",
    "customer_id",
    "amount",
    "order_date",
)
ENGLISH_WORD = re.compile(
    r"(?<![A-Za-z_])(" + "|".join(re.escape(w) for w in ENGLISH_UI_WORDS) + r")(?![A-Za-z_])", re.IGNORECASE
)
# Compact units Plotly writes by itself (2.5M, 250k): a Chinese page says 万 and 亿. File sizes
# (85.0B, 1.2KB, 2MB) are units and may stay.
LATIN_UNITS = re.compile(r"(?<![A-Za-z0-9.])\d+(\.\d+)?[kKM](?![A-Za-z])")

# Every text node drawn on screen in the main area and the sidebar (charts' SVG text included),
# without Streamlit's icon ligatures ("download", "upload"), text hidden by CSS and code (a command
# a supervisor types, `python -m analytics export --parquet`, is the same in every language); then the
# placeholders of empty inputs.
VISIBLE_TEXT = """() => {
    const roots = ['stMain', 'stSidebar']
        .map(id => document.querySelector(`[data-testid="${id}"]`)).filter(Boolean);
    const lines = [];
    for (const root of roots) {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const parent = node.parentElement;
            const text = node.textContent.trim();
            const skipped = '[data-testid="stIconMaterial"], style, script, code, pre';
            if (!text || !parent || parent.closest(skipped)) continue;
            if (!parent.checkVisibility({visibilityProperty: true, opacityProperty: false})) continue;
            lines.push(text);
        }
        for (const input of root.querySelectorAll('input, textarea')) {
            if (!input.value && input.placeholder && input.checkVisibility()) lines.push(input.placeholder);
        }
    }
    return lines.join('\\n');
}"""

# What the ::after rules draw in place of hidden text (ui/streamlit_texts.py).
DRAWN_AFTER = """(selector) => [...document.querySelectorAll(selector)]
    .map(e => getComputedStyle(e, '::after').content)"""


def page_params():
    return [pytest.param(page, lang, id=f"{page.name}-{lang}") for page in PAGES for lang in LANGS]


def visible_text(tab) -> str:
    return tab.evaluate(VISIBLE_TEXT)


def problems(text: str, lang: str) -> list[str]:
    """Lines with a raw value, and on a Chinese page lines with an English UI word or unit."""
    found = []
    for line in text.splitlines():
        if RAW.search(line):
            found.append(f"raw value: {line!r}")
        if lang == "zh" and (ENGLISH_WORD.search(line) or LATIN_UNITS.search(line)):
            found.append(f"English on the Chinese page: {line!r}")
    return found


def texts_of_every_tab(tab) -> str:
    """The page's visible text, with each of its tabs opened in turn."""
    texts = [visible_text(tab)]
    tabs = tab.locator(f'{harness.MAIN} [data-baseweb="tab"]')
    for index in range(tabs.count()):
        tabs.nth(index).click()
        harness.wait_idle(tab)
        texts.append(visible_text(tab))
    return "\n".join(texts)


@pytest.mark.parametrize(("page", "lang"), page_params())
def test_visible_text_of_every_page(tab, dashboard, page, lang):
    harness.open_page(tab, page.url(dashboard.base_url, lang))
    expect(tab.locator("h1").first).to_have_text(page.title(lang))
    assert not tab.locator(harness.EXCEPTION).count()
    text = texts_of_every_tab(tab)
    assert problems(text, lang) == []


def test_the_detector_catches_what_the_issue_saw():
    """The checks above fail on the lines of the issue (a test that cannot fail proves nothing)."""
    seen = ["None", "2026-11-01 00:00:00", "+0.7 pp", "Upload", "1GB per file • CSV", "25M", "250k", "0.5M"]
    seen += ["Select all", "缺少必填字段：customer_id, amount", "strict", "Choose options"]
    assert len(problems("\n".join(seen), "zh")) == len(seen)
    assert problems("销售额 1,951.2万\n导出 CSV / Excel\nABC 分类\nM001 宋晓东\n编码：GBK\n85.0B", "zh") == []
    assert problems("+0.7 pp\nUpload", "en") == []


def test_streamlit_lists_in_chinese(tab, dashboard):
    """A multiselect's list says 全选 and, when nothing matches, 无匹配项."""
    harness.open_page(tab, BY_NAME["overview"].url(dashboard.base_url, "zh"))
    box = tab.locator(harness.SIDEBAR).locator('[data-testid="stMultiSelect"]').nth(1)
    dropdown = tab.locator('[data-testid="stMultiSelectDropdown"]')
    for _ in range(3):  # the first click may land while the widget is still being drawn
        box.locator("input").click()
        try:
            expect(dropdown).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            tab.keyboard.press("Escape")
    expect(dropdown).to_be_visible()
    assert tab.evaluate(DRAWN_AFTER, '[data-key="__select_all__"] [data-item-hl]') == ['"全选"']
    assert "Select all" not in visible_text_of(dropdown)
    tab.keyboard.type("zzzz")
    expect(dropdown.locator('[data-empty="true"]')).to_have_count(1)
    assert tab.evaluate(DRAWN_AFTER, '[data-testid="stMultiSelectDropdown"] [data-empty="true"] span') == [
        '"无匹配项"'
    ]
    assert "No results" not in visible_text_of(dropdown)


def visible_text_of(locator) -> str:
    return locator.evaluate(
        """root => [...root.querySelectorAll('*')].filter(e => e.childElementCount === 0
            && e.checkVisibility({visibilityProperty: true})).map(e => e.textContent).join('\\n')"""
    )


def test_import_page_widgets_in_chinese(tab, dashboard):
    """The uploader's button and size line, the field names and a missing-field message, in Chinese."""
    page = BY_NAME.get("import_data")
    if page is None:
        pytest.skip("pages/import_data.py is not written yet")
    harness.open_page(tab, page.url(dashboard.base_url, "zh"))
    drawn = tab.evaluate(DRAWN_AFTER, '[data-testid="stFileUploaderDropzone"] button p')
    assert drawn == [f'"{t("common.widget_upload", "zh")}"']
    line = tab.evaluate(DRAWN_AFTER, '[data-testid="stFileUploaderDropzoneInstructions"] span')
    assert len(line) == 1 and "CSV、TSV、TXT、XLSX" in line[0] and "per file" not in line[0]
    # An orders file without the amount: the message names the fields as the Chinese files do.
    content = "订单编号,客户编码,订货日期,卷烟名称,数量\r\nE2E-1,330102000001,2026-11-02,中华(硬),10\r\n"
    content = content.encode("gbk")
    tab.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "订单-缺金额.csv", "mimeType": "text/csv", "buffer": content}]
    )
    # Without its amount the file is not recognised as orders: the supervisor picks the table.
    harness.wait_idle(tab)
    tab.locator(harness.MAIN).locator('[data-testid="stSelectbox"]').filter(
        has_text=t("importer.table_label", "zh")
    ).first.click()
    tab.get_by_role("option", name=t("importer.table_orders", "zh"), exact=True).click()
    message = tab.get_by_text("缺少必填字段")
    expect(message).to_be_visible()
    harness.wait_idle(tab)
    assert re.search(r"缺少必填字段：[^A-Za-z]*金额", message.inner_text())
    assert problems(visible_text(tab), "zh") == []
