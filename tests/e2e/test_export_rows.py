"""A table capped on screen still exports every row: on a demo of 1,500 customers the 80/20
ranking shows its first rows with a line saying how many there are, and the CSV holds them all."""

from __future__ import annotations

import csv
import io
import re

import pytest

from analytics.i18n import t
from tests.e2e import harness
from tests.e2e.test_pages import download
from ui.tables import MAX_ROWS


@pytest.fixture(scope="module")
def big_demo(tmp_path_factory):
    """Its own server on a demo with more buyers than a table shows."""
    folder = tmp_path_factory.mktemp("export-rows")
    path = harness.make_demo_db(folder, customers=1500, managers=12)
    server = harness.start_server(path, folder)
    yield server
    server.stop()


def test_capped_ranking_exports_every_row(big_demo, e2e_browser):
    context = e2e_browser.new_context(viewport=harness.VIEWPORT, accept_downloads=True)
    context.set_default_timeout(harness.LOAD_TIMEOUT_MS)
    try:
        tab = context.new_page()
        harness.open_page(tab, f"{big_demo.base_url}/pareto?lang=en")
        note = tab.locator(harness.MAIN).get_by_text(re.compile(r"^Showing the first ")).first
        numbers = [int(n.replace(",", "")) for n in re.findall(r"[\d,]+", note.inner_text())]
        assert numbers[0] == MAX_ROWS and numbers[1] > MAX_ROWS, note.inner_text()
        _, data = download(tab, t("common.export_csv", "en"))
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert len(rows) - 1 == numbers[1] > MAX_ROWS  # header + every ranked buyer
        assert len({row[1] for row in rows[1:]}) == numbers[1]  # distinct customer ids
    finally:
        context.close()
