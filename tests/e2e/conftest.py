"""Browser fixtures: one dashboard server on a fresh demo database for the whole session,
one Chromium, and a fresh browser tab (a new Streamlit session) per test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e import harness

# Charts load their script lazily and the machine is shared: allow more than the default 5 s.
expect.set_options(timeout=harness.EXPECT_TIMEOUT_MS)


@pytest.fixture(scope="session")
def e2e_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def e2e_db(e2e_folder):
    """A small demo database in a temporary folder."""
    return harness.make_demo_db(e2e_folder)


@pytest.fixture(scope="session")
def demo_facts(e2e_db) -> harness.DemoFacts:
    return harness.demo_facts(e2e_db)


@pytest.fixture(scope="session")
def e2e_server(e2e_folder, e2e_db, demo_facts) -> Iterator[harness.Server]:
    """The dashboard served from the demo database (facts read first: the server locks the file)."""
    server = harness.start_server(e2e_db, e2e_folder)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def e2e_browser():
    if not os.access(harness.CHROMIUM, os.X_OK):
        pytest.skip(f"{harness.CHROMIUM} is missing: run `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = harness.launch_browser(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def dashboard(e2e_server, e2e_browser) -> harness.Server:
    """The server, once its root page has run (see harness.warm_up)."""
    harness.warm_up(e2e_browser, e2e_server)
    return e2e_server


@pytest.fixture(scope="session")
def e2e_context(e2e_browser):
    """One browser profile for the session, so the app's scripts are loaded from its cache;
    every page visit still opens a new Streamlit session."""
    context = e2e_browser.new_context(viewport=harness.VIEWPORT, accept_downloads=True)
    context.set_default_timeout(harness.LOAD_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def tab(e2e_context, dashboard):
    """A new browser tab that accepts downloads."""
    page = e2e_context.new_page()
    yield page
    page.close()
