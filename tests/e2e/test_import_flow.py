"""The import flow end to end: a supervisor uploads a GBK orders export with Chinese headers,
reads the check and the summary, sees the Overview's sales change, undoes the import and
sees the sales back where they were."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from analytics.i18n import t
from tests.e2e import harness

pytestmark = pytest.mark.e2e

LANG = "zh"
FILE_NAME = "订货明细-e2e.csv"
AMOUNT = 1_000_000  # yuan per line: three lines move the month's sales by 300万
PAGES = {page.name: page for page in harness.declared_pages()}


def orders_export(facts: harness.DemoFacts) -> bytes:
    """Three order lines for existing demo customers, dated in the default period, as the
    ordering system exports them: GBK, Chinese headers."""
    day = facts.month[0].replace(day=15).isoformat()
    lines = ["订单编号,客户编码,订货日期,卷烟名称,数量,订货金额"]
    for number, customer_id in enumerate(facts.customer_ids, start=1):
        lines.append(f"E2E-{number:04d},{customer_id},{day},中华(硬),10,{AMOUNT}")
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def yuan(tile: str) -> float:
    """A Chinese tile figure back in yuan: 2,201.8万 -> 22018000, 1.23亿 -> 123000000."""
    number = float(re.sub(r"[^\d.\-]", "", tile))
    return number * (1e8 if tile.endswith("亿") else 1e4 if tile.endswith("万") else 1)


def overview_sales(tab, server: harness.Server) -> float:
    overview = PAGES["overview"]
    harness.open_page(tab, overview.url(server.base_url, LANG))
    tile = tab.locator('[data-testid="stMetric"]').filter(has_text=t("overview.tile_sales", LANG))
    return yuan(tile.locator(harness.METRIC_VALUE).inner_text())


def test_gbk_orders_import_changes_overview_and_undo_restores_it(tab, dashboard, demo_facts):
    if not (harness.ROOT / PAGES["import_data"].file).exists():
        pytest.skip("pages/import_data.py is not written yet")
    assert len(demo_facts.customer_ids) == 3
    before = overview_sales(tab, dashboard)

    harness.open_page(tab, PAGES["import_data"].url(dashboard.base_url, LANG))
    tab.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": FILE_NAME, "mimeType": "text/csv", "buffer": orders_export(demo_facts)}]
    )
    expect(tab.get_by_text(t("importer.check_ok", LANG, rows=3))).to_be_visible()
    expect(tab.get_by_text(re.compile(r"编码：(GBK|GB18030|gb18030|gbk)"))).to_be_visible()
    expect(tab.locator(harness.EXCEPTION)).to_have_count(0)

    tab.get_by_role("button", name=t("importer.import_button", LANG)).click()
    summary = t(
        "importer.summary",
        LANG,
        file=FILE_NAME,
        table=t("importer.table_orders", LANG),
        added=3,
        updated=0,
        unchanged=0,
        rejected=0,
        created=0,
    )
    expect(tab.get_by_text(summary)).to_be_visible()
    harness.wait_idle(tab)

    after_import = overview_sales(tab, dashboard)
    assert after_import - before == pytest.approx(3 * AMOUNT, abs=2_000)  # tiles round to 0.1万

    harness.open_page(tab, PAGES["import_data"].url(dashboard.base_url, LANG))
    tab.get_by_role("tab", name=t("importer.tab_log", LANG)).click()
    undo_choice = tab.get_by_role("combobox", name=t("importer.undo_label", LANG))
    expect(undo_choice).to_have_value(re.compile(re.escape(FILE_NAME)))  # the newest import comes first
    tab.get_by_role("button", name=t("importer.undo_button", LANG)).click()
    tab.get_by_role("button", name=t("accounts.confirm", LANG)).click()  # undo asks first
    expect(tab.get_by_text(re.compile(r"已撤销第 \d+ 批导入：删除 3 行"))).to_be_visible()
    expect(tab.locator(harness.EXCEPTION)).to_have_count(0)

    assert overview_sales(tab, dashboard) == pytest.approx(before, abs=1)
