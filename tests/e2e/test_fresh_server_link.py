"""A supervisor's saved link to a page must work right after the server (re)starts.

Its own tiny server: the shared one has already run dashboard.py by the time tests start."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from analytics.i18n import t
from tests.e2e import harness

pytestmark = pytest.mark.e2e


@pytest.fixture
def fresh_server(tmp_path):
    db_path = harness.make_demo_db(tmp_path, customers=60, managers=2)
    server = harness.start_server(db_path, tmp_path)
    yield server
    server.stop()


def test_link_to_a_page_opens_it_in_the_linked_language_with_filters(e2e_browser, fresh_server):
    linked = next(page for page in harness.existing_pages() if page.name != "overview")
    context = e2e_browser.new_context(viewport=harness.VIEWPORT)
    try:
        tab = context.new_page()
        harness.open_page(tab, linked.url(fresh_server.base_url, "zh"))
        expect(tab.locator("h1").first).to_have_text(linked.title(lang="zh"))
        expect(tab.locator(harness.SIDEBAR).get_by_text(t("common.period", "zh"), exact=True)).to_be_visible()
        expect(tab.locator(harness.EXCEPTION)).to_have_count(0)
    finally:
        context.close()
