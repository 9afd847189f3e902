"""The meeting report: its figures on a hand-built book, the PDF read back as text and drawn as
PNG pages (poppler-utils), the workbook read back, and the page in both languages."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, timedelta

import openpyxl
import pytest

from analytics import report
from analytics.filters import Filters
from analytics.i18n import t
from tests.conftest import app_test, insert
from ui import report_charts, report_pdf, report_tables, report_xlsx

MARCH = Filters(start=date(2025, 3, 1), end=date(2025, 3, 31))
TODAY = date(2025, 4, 2)


def weekly(customer: str, first: date, last: date, amount: float) -> list[dict]:
    days = [first + timedelta(days=7 * n) for n in range((last - first).days // 7 + 1)]
    return [
        {"order_id": f"{customer}{d:%Y%m%d}", "customer_id": customer, "order_date": d, "amount": amount}
        for d in days
    ]


@pytest.fixture
def book(con):
    """a (East, core) ordered 1,000 every Friday until 31 January and then stopped: the cadence
    rule warns it. b (West) orders 100 every Friday and on 31 March, the data's last day."""
    insert(
        con,
        "managers",
        [
            {"manager_id": "M1", "manager_name": "王芳", "team": "East"},
            {"manager_id": "M2", "manager_name": "李强", "team": "West"},
        ],
    )
    insert(
        con,
        "customers",
        [
            {"customer_id": "a", "customer_name": "甲店", "manager_id": "M1", "customer_class": "core"},
            {"customer_id": "b", "customer_name": "乙店", "manager_id": "M2", "customer_class": "regular"},
        ],
    )
    orders = weekly("a", date(2024, 3, 1), date(2025, 1, 31), 1000.0)
    orders += weekly("b", date(2024, 3, 1), date(2025, 3, 28), 100.0)
    orders.append(
        {"order_id": "b-last", "customer_id": "b", "order_date": date(2025, 3, 31), "amount": 100.0}
    )
    insert(con, "orders", orders)
    return con


def test_the_report_of_a_month(book):
    content = report.meeting_report(book, MARCH)
    tiles = {tile.name: tile for tile in content.tiles}
    assert tiles["sales"].value == 500  # b: four Fridays and 31 March
    assert tiles["sales"].previous == 4 * 100  # February: b only
    assert tiles["active_customers"].value == 1
    assert content.top_customers["customer_id"].tolist() == ["b"]
    assert content.top_customers["share"].tolist() == [1.0]
    assert content.pareto.buyers == 1
    assert content.as_of == date(2025, 3, 31)
    assert content.data_end is None
    assert content.actions["customer_id"].tolist() == ["a"]
    assert "cadence" in content.actions.loc[0, "rules"].split(";")
    assert content.actions_total == 1
    assert sorted(content.scorecard["manager_name"]) == ["李强", "王芳"]


def test_a_team_report_and_a_period_past_the_data(book):
    west = report.meeting_report(
        book, Filters(start=date(2025, 3, 1), end=date(2025, 3, 31), teams=("West",))
    )
    assert west.actions.empty  # a is East's
    assert west.scorecard["manager_name"].tolist() == ["李强"]
    april = report.meeting_report(book, Filters(start=date(2025, 4, 1), end=date(2025, 4, 30)))
    assert april.data_end == date(2025, 3, 31)
    assert not april.has_data
    assert report_tables.period_line(april, "zh").endswith("数据截至 2025-03-31")
    assert report_tables.period_line(april, "en").endswith("data until 2025-03-31")
    manager = report.meeting_report(
        book, Filters(start=date(2025, 3, 1), end=date(2025, 3, 31), managers=("M1",))
    )
    assert report_tables.scope_line(manager, "zh") == "客户经理：王芳 (M1)"
    assert report_tables.scope_line(west, "en") == "Team: West"


def test_cells_are_words_and_numbers_never_codes_or_emoji():
    assert report_tables.value("cadence;decline_yoy", "rules", "zh") == "订货节奏中断、同比下滑"
    assert report_tables.value("on_track", "status", "zh") == "达标"
    assert report_tables.value("behind", "status", "en") == "Behind"
    assert report_tables.value(None, "followup", "en") == "New"
    assert report_tables.value(float("nan"), "money", "en") is None
    assert report_tables.text(0.01426, "percent", "en") == "1.4%"
    assert report_tables.text(735068.333, "money", "zh") == "735,068"
    assert report_tables.text(None, "int", "zh") == "—"


needs_font = pytest.mark.skipif(report_charts.cjk_font() is None, reason="no CJK font: `make browser`")
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) is missing: apt-get install poppler-utils",
)


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@needs_font
@needs_poppler
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pdf_has_every_section_and_draws(book, tmp_path, lang):
    content = report.meeting_report(book, MARCH)
    path = tmp_path / f"report-{lang}.pdf"
    path.write_bytes(report_pdf.pdf_bytes(content, lang, today=TODAY))
    text = pdf_text(path)
    for key in ("report.title", "report.section_kpis", "report.section_trend", "report.section_pareto"):
        assert t(key, lang) in text, key
    for key in ("report.section_actions", "report.section_scorecard", "overview.tile_sales"):
        assert t(key, lang) in text, key
    assert t("report.section_top", lang, top=report.TOP_CUSTOMERS) in text
    assert t("report.period", lang, start="2025-03-01", end="2025-03-31") in text
    assert "甲店" in text and "乙店" in text and "王芳" in text  # the warned customer, the buyer
    assert t("warnings.rule_cadence", lang) in text
    assert not re.search(r"\bNone\b|\bnan\b|NaT|00:00:00|warnings\.|report\.", text)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    assert "NotoSansCJKSC" in fonts and " yes " in fonts  # embedded, the Simplified Chinese face
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(tmp_path / lang)], check=True)
    pages = sorted(tmp_path.glob(f"{lang}-*.png"))
    assert len(pages) >= 2
    assert all(page.stat().st_size > 10_000 for page in pages)  # drawn, not blank


def test_the_workbook_keeps_numbers_as_numbers(book):
    content = report.meeting_report(book, MARCH)
    data = report_xlsx.xlsx_bytes(content, "zh", today=TODAY)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == [
        t(f"report.sheet_{s}", "zh") for s in ("summary", "top", "actions", "scorecard")
    ]
    summary = workbook.worksheets[0]
    assert summary["A1"].value == "客户经理督导看板 · 会议报告"
    sales = next(row for row in summary.iter_rows() if row[0].value == t("overview.tile_sales", "zh"))
    assert (sales[1].value, sales[1].number_format) == (500, "#,##0")
    assert sales[3].value == pytest.approx(0.25) and sales[3].number_format == "0.0%"
    assert len(summary._images) == 2  # the two charts
    top = workbook.worksheets[1]
    assert [c.value for c in top[1]] == [
        "排名",
        "客户编码",
        "客户名称",
        "客户经理",
        "客户类别",
        "销售额（元）",
        "占比",
    ]
    assert [c.value for c in top[2]] == [1, "b", "乙店", "李强", "常规客户", 500, 1]
    assert top["G2"].number_format == "0.0%"
    actions = workbook.worksheets[2]
    assert actions["A2"].value == "a"
    assert "订货节奏中断" in [c.value for c in actions[2]][-2]
    card = workbook.worksheets[3]
    statuses = [row[-1].value for row in card.iter_rows(min_row=2)]
    assert all(s and not re.match(r"^\W", s) for s in statuses), statuses  # no coloured dot


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_offers_both_files(demo_db_path, lang):
    at = app_test("pages/report.py", demo_db_path, lang)
    assert not at.exception
    assert at.title[0].value == t("report.title", lang)
    buttons = {b.key: b.label for b in at.get("download_button")}
    assert buttons["report-xlsx"] == t("report.download_xlsx", lang)
    if report_charts.cjk_font() is not None:
        assert buttons["report-pdf"] == t("report.download_pdf", lang)


def test_the_file_names_are_translated():
    assert report_tables.file_name(MARCH, "zh", "pdf") == "会议报告-2025-03-01-2025-03-31.pdf"
    assert report_tables.file_name(MARCH, "en", "xlsx") == "meeting-report-2025-03-01-2025-03-31.xlsx"
