"""The service standard's own pages (new products, complaints, collections) in a real browser on an
empty store: each opens without an exception and says what to import, in both languages."""

from __future__ import annotations

import pytest

from analytics import db
from analytics.i18n import t
from tests.e2e import harness

LANGS = ("zh", "en")
# page file stem -> the sentence that says what to import (as tests/test_standard_pages.py)
EMPTY_KEYS = {
    "new_products": "standard.products_need_orders",
    "complaints": "standard.complaints_import_first",
    "collections": "standard.collections_import_first",
}


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory):
    """The dashboard on a migrated empty store whose demo was declined (it stays empty)."""
    folder = tmp_path_factory.mktemp("e2e-empty")
    path = folder / "empty.duckdb"
    connection = db.connect(path)
    with db.transaction(connection) as cur:
        db.set_meta(cur, "demo_declined", "1")
    connection.close()
    server = harness.start_server(path, folder)
    yield server
    server.stop()


@pytest.mark.e2e
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(EMPTY_KEYS))
def test_a_standard_page_on_an_empty_store_says_what_to_import(e2e_browser, empty_server, name, lang):
    info = next(p for p in harness.existing_pages() if p.name == name)
    context = e2e_browser.new_context(viewport=harness.VIEWPORT)
    try:
        tab = context.new_page()
        harness.open_page(tab, info.url(empty_server.base_url, lang))
        assert not tab.locator(harness.EXCEPTION).count(), harness.main_text(tab)
        assert tab.locator("h1").first.inner_text() == info.title(lang)
        assert t(EMPTY_KEYS[name], lang) in harness.main_text(tab)
    finally:
        context.close()
