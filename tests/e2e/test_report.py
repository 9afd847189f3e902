"""The meeting report downloaded from its page: the PDF holds every section in the page's
language (read back with pdftotext), the workbook its four sheets."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from analytics.i18n import t
from tests.e2e import harness

pytestmark = pytest.mark.e2e

REPORT = harness.PageInfo("pages/report.py", "report.title")
SECTIONS = ("section_kpis", "section_trend", "section_pareto", "section_actions", "section_scorecard")


def download(tab, label: str) -> tuple[str, bytes]:
    button = tab.locator('[data-testid="stDownloadButton"]').filter(has_text=label).first
    with tab.expect_download(timeout=harness.LOAD_TIMEOUT_MS) as event:
        button.click()
    return event.value.suggested_filename, Path(event.value.path()).read_bytes()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is missing")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_downloads_as_pdf_and_workbook(tab, dashboard, tmp_path, lang):
    harness.open_page(tab, REPORT.url(dashboard.base_url, lang, period="last_month"))
    expect(tab.locator("h1").first).to_have_text(t("report.title", lang))
    name, data = download(tab, t("report.download_pdf", lang))
    assert name.startswith(t("report.file_name", lang)) and name.endswith(".pdf")
    path = tmp_path / name
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    for section in SECTIONS:
        assert t(f"report.{section}", lang) in text, section
    name, data = download(tab, t("report.download_xlsx", lang))
    assert name.endswith(".xlsx")
    sheets = openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames
    assert sheets == [t(f"report.sheet_{s}", lang) for s in ("summary", "top", "actions", "scorecard")]
