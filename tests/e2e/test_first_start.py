"""First start in a real browser: a fresh server on an empty store shows the demo's progress, then
the Overview with the demo data, and its sidebar never lists the pages/ folder's file names
(Streamlit does so until the entry script has set up its navigation)."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from analytics.i18n import t
from tests.e2e import harness

pytestmark = pytest.mark.e2e

NAVIGATION = '[data-testid="stSidebarNav"]'
# The navigation's words without its icons (a material icon's text is its name: "dashboard").
NAVIGATION_WORDS = """(nav) => [...nav.querySelectorAll('a')].map(link => {
    const copy = link.cloneNode(true);
    copy.querySelectorAll('[data-testid="stIconMaterial"]').forEach(icon => icon.remove());
    return copy.textContent.trim(); })"""


@pytest.fixture
def empty_server(tmp_path):
    server = harness.start_server(tmp_path / "empty.duckdb", tmp_path)
    yield server
    server.stop()


def file_names() -> set[str]:
    """How Streamlit names the pages of a pages/ folder in its sidebar: "import data"."""
    return {page.name.replace("_", " ") for page in harness.existing_pages()} | {"dashboard"}


def test_the_first_start_shows_progress_and_never_file_names(e2e_browser, empty_server):
    context = e2e_browser.new_context(viewport=harness.VIEWPORT)
    try:
        tab = context.new_page()
        tab.goto(f"{empty_server.base_url}/?lang=zh", wait_until="domcontentloaded")
        names, seen, began = file_names(), [], time.monotonic()
        while not tab.locator("h1").count() and time.monotonic() - began < harness.LOAD_TIMEOUT_MS / 1000:
            navigation = tab.locator(NAVIGATION)
            if navigation.count():
                seen += navigation.first.evaluate(NAVIGATION_WORDS)
            time.sleep(0.05)
        harness.wait_idle(tab)
        expect(tab.locator("h1").first).to_have_text(t("overview.title", "zh"))
        expect(tab.locator(harness.MAIN)).to_contain_text(t("common.demo_notice", "zh"))
        shown = {entry.strip() for entry in seen} & names
        assert not shown, f"the sidebar listed file names: {sorted(shown)}"
    finally:
        context.close()
