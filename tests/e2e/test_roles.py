"""Accounts in a real browser (issue 17), in Chinese and English: each role signs in, visits
every page its navigation offers and downloads the Overview's exports, and no customer or
manager of another team appears in any page or file; a link naming another team shows nothing
of it; wrong passwords lock; sign-out brings the form back."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import openpyxl
import pytest
from playwright.sync_api import expect

from analytics import accounts, db
from analytics.i18n import t
from tests.e2e import harness
from tests.test_scope import found, outsiders

pytestmark = pytest.mark.e2e

PASSWORD = "Correct-Horse-42"
ROLES = ("admin", "sup", "mgr")
ADMIN_ONLY = {"settings", "accounts", "audit", "backup"}


@pytest.fixture(scope="module")
def role_store(tmp_path_factory) -> tuple[Path, dict]:
    """A demo with two teams and an account per role; what each account must not see."""
    folder = tmp_path_factory.mktemp("roles")
    path = harness.make_demo_db(folder, customers=300, managers=12)
    con = duckdb.connect(str(path))
    try:
        team, manager = db.rows(con, "SELECT team, manager_id FROM managers ORDER BY manager_id LIMIT 1")[0]
        other = db.rows(con, "SELECT min(team) FROM managers WHERE team <> ?", [team])[0][0]
        accounts.add_user(con, "admin", "admin", PASSWORD, display_name="Ada Admin")
        accounts.add_user(con, "sup", "supervisor", PASSWORD, teams=[team], display_name="Sue Pervisor")
        accounts.add_user(con, "mgr", "manager", PASSWORD, manager_id=manager, display_name="Max Manager")
        accounts.add_user(con, "victim", "supervisor", PASSWORD, teams=[team])
        hidden = {name: outsiders(con, accounts.get_account(con, name)) for name in ("sup", "mgr")}
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path, {"hidden": hidden, "other_team": other, "folder": folder}


@pytest.fixture(scope="module")
def role_server(role_store, e2e_browser) -> Iterator[harness.Server]:
    path, facts = role_store
    server = harness.start_server(path, facts["folder"])
    yield server
    server.stop()


@pytest.fixture
def role_tab(e2e_browser, role_server):
    context = e2e_browser.new_context(viewport=harness.VIEWPORT, accept_downloads=True)
    context.set_default_timeout(harness.LOAD_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def sign_in(tab, name: str, password: str, lang: str) -> None:
    tab.get_by_label(t("accounts.user_name", lang), exact=True).fill(name)
    tab.get_by_label(t("accounts.password", lang), exact=True).fill(password)
    tab.get_by_role("button", name=t("accounts.sign_in", lang), exact=True).click()
    harness.wait_idle(tab)


def open_signed_in(tab, server: harness.Server, name: str, lang: str, **query: str) -> None:
    params = "&".join(f"{k}={v}" for k, v in {"lang": lang, **query}.items())
    harness.open_page(tab, f"{server.base_url}/?{params}")
    expect(tab.locator("h1").first).to_have_text(t("accounts.sign_in_title", lang))
    sign_in(tab, name, PASSWORD, lang)
    expect(tab.locator(harness.SIDEBAR)).to_contain_text(t("accounts.sign_out", lang))


def visible_text(tab) -> str:
    return tab.locator(harness.MAIN).inner_text() + "\n" + tab.locator(harness.SIDEBAR).inner_text()


def assert_nothing_of(text: str, hidden: dict | None, where: str) -> None:
    if hidden is None:
        return
    leaked = found(text, hidden["customers"] | hidden["managers"] | hidden["names"])
    assert not leaked, f"{where} shows another team's {sorted(leaked)[:5]}"


def download(tab, label: str) -> tuple[str, bytes]:
    button = tab.locator('[data-testid="stDownloadButton"]').filter(visible=True).filter(has_text=label).first
    with tab.expect_download() as event:
        button.click()
    data = Path(event.value.path()).read_bytes()
    harness.wait_idle(tab)
    return event.value.suggested_filename, data


def xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        ",".join("" if v is None else str(v) for v in row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_only_its_own(role_tab, role_server, role_store, role, lang):
    tab, hidden = role_tab, role_store[1]["hidden"].get(role)
    open_signed_in(tab, role_server, role, lang)
    navigation = tab.locator('[data-testid="stSidebarNav"]')
    offered = [page for page in harness.existing_pages() if page.title(lang) in navigation.inner_text()]
    names = {page.name for page in offered}
    if role == "admin":
        assert names >= ADMIN_ONLY
    else:
        assert not names & ADMIN_ONLY
        assert ("import_data" in names) == (role == "sup")
    for page in offered:
        navigation.get_by_role("link", name=page.title(lang), exact=True).click()
        harness.wait_idle(tab)
        expect(tab.locator("h1").first).to_have_text(page.title(lang))
        exceptions = tab.locator(harness.EXCEPTION)
        assert not exceptions.count(), f"{page.name}: {exceptions.first.inner_text()}"
        assert_nothing_of(visible_text(tab), hidden, page.name)
        if page.name == "overview":
            csv_name, csv_bytes = download(tab, t("common.export_csv", lang))
            rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
            assert len(rows) > 1, "the export is empty"
            assert_nothing_of(csv_bytes.decode("utf-8-sig"), hidden, csv_name)
            xlsx_name, xlsx_bytes = download(tab, t("common.export_xlsx", lang))
            assert_nothing_of(xlsx_text(xlsx_bytes), hidden, xlsx_name)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_link_naming_another_team_shows_nothing_of_it(role_tab, role_server, role_store, lang):
    facts = role_store[1]
    open_signed_in(role_tab, role_server, "sup", lang, team=facts["other_team"])
    note = t("accounts.scope_hidden", lang, names=facts["other_team"])
    expect(role_tab.locator(harness.MAIN)).to_contain_text(note)
    assert_nothing_of(visible_text(role_tab), facts["hidden"]["sup"], "the link")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_customer_and_manager_pages_of_another_team_show_nothing(role_tab, role_server, role_store, lang):
    """A link to the Customer or Manager page naming another team's customer or manager: the
    page says it is outside the account's scope and shows nothing of them."""
    hidden = role_store[1]["hidden"]["sup"]
    links = (
        ("customer", "customer", sorted(hidden["customers"])[0], "drill.customer_unknown"),
        ("manager", "manager_id", sorted(hidden["managers"])[0], "drill.manager_unknown"),
    )
    for path, param, value, message in links:
        harness.open_page(role_tab, f"{role_server.base_url}/{path}?lang={lang}&{param}={value}")
        sign_in(role_tab, "sup", PASSWORD, lang)
        expect(role_tab.locator(harness.MAIN)).to_contain_text(t(message, lang))
        assert_nothing_of(visible_text(role_tab), hidden, path)


def test_wrong_passwords_lock_and_sign_out_works(role_tab, role_server):
    lang = "en"
    harness.open_page(role_tab, f"{role_server.base_url}/?lang={lang}")
    for _ in range(4):
        sign_in(role_tab, "victim", "not-the-password", lang)
        expect(role_tab.locator(harness.MAIN)).to_contain_text(t("accounts.error_sign_in", lang))
    sign_in(role_tab, "victim", "not-the-password", lang)
    expect(role_tab.locator(harness.MAIN)).to_contain_text(t("accounts.error_locked", lang, minutes=15))
    sign_in(role_tab, "victim", PASSWORD, lang)  # locked: the right password does not open it
    expect(role_tab.locator(harness.MAIN)).to_contain_text(t("accounts.error_locked", lang, minutes=15))

    open_signed_in(role_tab, role_server, "sup", lang)
    expect(role_tab.locator(harness.SIDEBAR)).to_contain_text(
        t("accounts.signed_in_as", lang, name="Sue Pervisor")
    )
    role_tab.get_by_role("button", name=t("accounts.sign_out", lang)).click()
    harness.wait_idle(role_tab)
    expect(role_tab.locator("h1").first).to_have_text(t("accounts.sign_in_title", lang))
    expect(role_tab.get_by_label(t("accounts.password", lang), exact=True)).to_be_visible()
    time.sleep(0.5)
    assert t("accounts.sign_out", lang) not in role_tab.locator(harness.SIDEBAR).inner_text()


@pytest.fixture(scope="module")
def clear_server(tmp_path_factory, e2e_browser) -> Iterator[tuple[harness.Server, Path]]:
    """A demo store of its own (it gets cleared) with an admin."""
    folder = tmp_path_factory.mktemp("clear")
    path = harness.make_demo_db(folder)
    con = duckdb.connect(str(path))
    try:
        accounts.add_user(con, "admin", "admin", PASSWORD)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    server = harness.start_server(path, folder)
    yield server, path
    server.stop()


def test_clearing_demo_data_asks_for_the_word_and_keeps_a_backup(role_tab, clear_server):
    server, path = clear_server
    tab, lang = role_tab, "zh"
    open_signed_in(tab, server, "admin", lang)
    notice = t("common.demo_notice", lang)
    expect(tab.locator(harness.MAIN)).to_contain_text(notice)
    tab.get_by_role("button", name=t("common.demo_clear", lang), exact=True).click()
    harness.wait_idle(tab)
    word = t("accounts.confirm_word_clear", lang)
    field = tab.get_by_label(t("accounts.confirm_type_word", lang, word=word), exact=True)
    field.fill("删除")
    tab.get_by_role("button", name=t("accounts.confirm", lang), exact=True).click()
    harness.wait_idle(tab)
    expect(tab.locator(harness.MAIN)).to_contain_text(t("accounts.confirm_mismatch", lang, word=word))
    expect(tab.locator(harness.MAIN)).to_contain_text(notice)  # nothing was cleared
    assert not list((path.parent / "backups").glob("*.zip"))

    field.fill(word)
    tab.get_by_role("button", name=t("accounts.confirm", lang), exact=True).click()
    harness.wait_idle(tab)
    expect(tab.locator(harness.MAIN)).not_to_contain_text(notice)
    assert len(list((path.parent / "backups").glob("demo-auto-*-clear_demo.zip"))) == 1

    navigation = tab.locator('[data-testid="stSidebarNav"]')
    navigation.get_by_role("link", name=t("accounts.audit_title", lang), exact=True).click()
    harness.wait_idle(tab)
    expect(tab.locator(harness.MAIN)).to_contain_text(t("accounts.action_clear_demo", lang))
