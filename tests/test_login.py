"""Signing in (issue 17): no account = no form; with accounts every page asks first; five wrong
passwords lock; the right one signs in; sign-out, idle time and a disabled account end the
session; an identity provider's user maps to an account by user name; admin pages refuse others.

AppTest runs the entry script (dashboard.py) only in the first run of a test (later runs run the
page alone), so the form and the session are driven through small scripts that call ui.login,
and the dashboard through a first run with the session already signed in."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from analytics import accounts, audit, db
from analytics.generator import generate_demo
from tests.conftest import app_test
from ui import login

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Correct-Horse-42"

FORM_SCRIPT = """
import streamlit as st
from ui import login
from ui.common import connection
account = login.sign_in_form(connection())
if account is not None:
    st.success(f"in:{account.user_name}:{account.role}")
"""

SESSION_SCRIPT = """
import streamlit as st
from ui import login
from ui.common import connection
con = connection()
account = login.signed_in(con)
if account is not None and login.sidebar_account(con, account):
    account = None
st.markdown(f"who:{account.user_name if account else '-'}")
"""


@pytest.fixture(scope="module")
def fast_hashing():
    patch = pytest.MonkeyPatch()
    patch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    patch.undo()


@pytest.fixture(scope="module")
def store(tmp_path_factory, fast_hashing) -> Path:
    """A small demo with an admin, a supervisor of the first team and a manager."""
    path = tmp_path_factory.mktemp("login") / "login.duckdb"
    con = db.connect(path)
    generate_demo(con, customers=120, managers=4, months=3, seed=5)
    team, manager = db.rows(con, "SELECT team, manager_id FROM managers ORDER BY manager_id LIMIT 1")[0]
    accounts.add_user(con, "boss", "admin", PASSWORD, display_name="Big Boss")
    accounts.add_user(con, "sup", "supervisor", PASSWORD, teams=[team], display_name="Sue Pervisor")
    accounts.add_user(con, "mgr", "manager", PASSWORD, manager_id=manager)
    return path


@pytest.fixture
def served(store, monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_DB", str(store))
    monkeypatch.setenv("DASHBOARD_SETTINGS", str(tmp_path / "settings.toml"))
    return db.connect(store)


def script(source: str, **state) -> AppTest:
    at = AppTest.from_string(source, default_timeout=60)
    at.session_state["lang"] = "en"
    for key, value in state.items():
        at.session_state[key] = value
    return at


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="sign-in-name").input(name)
    at.text_input(key="sign-in-password").input(password)
    return at.button(key="sign-in-submit").click().run()


def dashboard(db_path: Path, account=None, page: str | None = None, lang: str = "en", **query) -> AppTest:
    """dashboard.py's first run, signed in as `account` (None: nobody), then `page` alone."""
    return app_test(page, db_path, lang, account=account, **query)


def entries(con, user: str | None = None, action: str | None = None) -> list[str]:
    return audit.read(con, user=user, action=action)["action"].tolist()


# ------------------------------------------------------------------ no account, accounts


def test_without_accounts_there_is_no_form(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SETTINGS", str(tmp_path / "settings.toml"))
    path = tmp_path / "plain.duckdb"
    generate_demo(db.connect(path), customers=60, managers=2, months=2, seed=1)
    at = dashboard(path)
    assert not at.exception
    assert [t.value for t in at.title] == ["Overview"]
    assert not [w for w in at.text_input if w.key.startswith("sign-in")]  # no user name, no password
    assert at.sidebar.multiselect  # the filters are there


def test_without_accounts_a_remote_browser_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SETTINGS", str(tmp_path / "settings.toml"))
    monkeypatch.setattr(login, "client_address", lambda: "192.0.2.7")
    path = tmp_path / "plain.duckdb"
    generate_demo(db.connect(path), customers=60, managers=2, months=2, seed=1)
    at = dashboard(path)
    assert [e.value for e in at.error] == [
        "No account exists yet, so the dashboard serves this computer only. "
        "To share it, create an admin account first."
    ]
    assert not at.title and not at.sidebar.multiselect and not at.metric


def test_with_accounts_a_remote_browser_gets_the_form(served, store, monkeypatch):
    monkeypatch.setattr(login, "client_address", lambda: "192.0.2.7")
    at = dashboard(store)
    assert [t.value for t in at.title] == ["Sign in"] and not at.error


@pytest.mark.parametrize("lang, title", [("en", "Sign in"), ("zh", "登录")])
def test_with_accounts_the_page_asks_for_name_and_password_first(served, store, lang, title):
    at = dashboard(store, lang=lang)
    assert not at.exception
    assert [t.value for t in at.title] == [title]
    name, password = at.text_input
    assert (name.key, password.key) == ("sign-in-name", "sign-in-password")
    assert password.proto.type == password.proto.PASSWORD and name.proto.type == name.proto.DEFAULT
    assert at.button(key="sign-in-submit")
    # Nothing of the data before signing in: no filters, no figures.
    assert not at.sidebar.multiselect and not at.metric and not at.dataframe


# ------------------------------------------------------------------ the form


def test_right_password_signs_in(served):
    at = script(FORM_SCRIPT).run()
    sign_in(at, "sup", PASSWORD)
    assert [s.value for s in at.success] == ["in:sup:supervisor"]
    assert at.session_state["account"].user_name == "sup"
    assert entries(served, "sup", "sign_in")


def test_five_wrong_passwords_lock_the_account(served):
    accounts.add_user(served, "victim", "supervisor", PASSWORD, teams=["x"], by="boss")
    at = script(FORM_SCRIPT).run()
    for _ in range(4):
        sign_in(at, "victim", "wrong-password")
        assert [e.value for e in at.error] == ["Wrong user name or password"]
    sign_in(at, "victim", "wrong-password")
    assert [e.value for e in at.error] == [
        "Too many wrong passwords in a row: the account is locked, try again in 15 minutes"
    ]
    sign_in(at, "victim", PASSWORD)  # the right password does not open a locked account
    assert "locked" in at.error[0].value and not at.success
    assert "account" not in at.session_state
    assert entries(served, "victim", "sign_in_failed").count("sign_in_failed") == 6


# ------------------------------------------------------------------ the session


def test_sign_out_ends_the_session(served):
    account = accounts.get_account(served, "sup")
    at = script(SESSION_SCRIPT, account=account, **{login.LAST_SEEN: time.time()}).run()
    assert at.markdown[0].value == "who:sup"
    assert at.sidebar.caption[0].value == "Signed in as Sue Pervisor"
    at.sidebar.button(key="sign-out").click().run()
    assert at.markdown[0].value == "who:-"
    assert "account" not in at.session_state
    assert not at.sidebar.button  # the button went with the session
    assert entries(served, "sup", "sign_out")


def test_idle_time_signs_out(served):
    account = accounts.get_account(served, "sup")
    at = script(SESSION_SCRIPT, account=account, **{login.LAST_SEEN: time.time() - 31 * 60}).run()
    assert at.markdown[0].value == "who:-"
    assert at.session_state[login.FLASH][0] == "accounts.signed_out_idle"


def test_a_disabled_account_is_signed_out_on_its_next_click(served):
    accounts.add_user(served, "leaver", "supervisor", PASSWORD, teams=["x"], by="boss")
    account = accounts.get_account(served, "leaver")
    at = script(SESSION_SCRIPT, account=account, **{login.LAST_SEEN: time.time()}).run()
    assert at.markdown[0].value == "who:leaver"
    accounts.disable_user(served, "leaver", by="boss")
    at.run()
    assert at.markdown[0].value == "who:-"


AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}}


def test_identity_provider_user_maps_to_an_account_by_user_name(served):
    at = script(SESSION_SCRIPT)
    at.secrets = AUTH
    at.user = {"email": "mgr", "name": "Ma Nager", "is_logged_in": True}
    at.run()
    assert at.markdown[0].value == "who:mgr"
    assert audit.read(served, user="mgr", action="sign_in")["detail"].str.contains("openid").any()


def test_identity_provider_user_without_an_account_is_not_signed_in(served):
    at = script(SESSION_SCRIPT)
    at.secrets = AUTH
    at.user = {"email": "stranger@example.com", "is_logged_in": True}
    at.run()
    assert at.markdown[0].value == "who:-"
    assert at.session_state[login.FLASH] == (
        "accounts.no_account_for_identity",
        {"name": "stranger@example.com"},
    )


def test_without_provider_settings_the_provider_is_ignored(served):
    at = script(SESSION_SCRIPT)
    at.user = {"email": "mgr", "is_logged_in": True}
    at.run()
    assert at.markdown[0].value == "who:-"


# ------------------------------------------------------------------ the dashboard signed in


def test_signed_in_dashboard_shows_name_and_pages(served, store):
    at = dashboard(store, accounts.get_account(served, "boss"))
    assert not at.exception
    assert [t.value for t in at.title] == ["Overview"]
    assert "Signed in as Big Boss" in [c.value for c in at.sidebar.caption]
    assert at.sidebar.button(key="sign-out")


ADMIN_PAGES = ["pages/settings.py", "pages/accounts.py", "pages/audit.py", "pages/backup.py"]


@pytest.mark.parametrize(
    "user, hidden", [("sup", ADMIN_PAGES), ("mgr", [*ADMIN_PAGES, "pages/import_data.py"])]
)
def test_pages_an_account_may_not_open_are_not_in_its_navigation(served, store, user, hidden):
    at = dashboard(store, accounts.get_account(served, user))
    for page in hidden:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)
    at.switch_page("pages/overview.py")  # the others are there


@pytest.mark.parametrize("page", ADMIN_PAGES)
@pytest.mark.parametrize("user", ["sup", "mgr"])
def test_admin_pages_refuse_others_opened_by_link(served, page, user):
    """Run alone (as when opened by its address), an admin page refuses a non-admin."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    at.session_state["lang"] = "en"
    at.session_state["account"] = accounts.get_account(served, user)
    at.run()
    assert [e.value for e in at.error] == ["Your account may not do this"]
    assert not at.form and not at.dataframe and not at.number_input and not at.button


@pytest.mark.parametrize(
    "page", ["pages/settings.py", "pages/accounts.py", "pages/audit.py", "pages/backup.py"]
)
def test_admin_pages_open_for_an_admin(served, store, page):
    at = dashboard(store, accounts.get_account(served, "boss"), page)
    assert not at.exception and not at.error


def test_a_saved_setting_is_in_the_audit_log_with_old_and_new_value(served, store):
    at = dashboard(store, accounts.get_account(served, "boss"), "pages/settings.py")
    old = at.number_input(key="std-core-interval_days").value
    at.number_input(key="std-core-interval_days").set_value(old + 1)
    at.button(key="std-save").click().run()
    detail = audit.read(served, user="boss", action="setting_changed")["detail"].iloc[0]
    assert f'"classes.core.interval_days": [{old}, {old + 1}]' in detail


# ------------------------------------------------------------------ the Accounts page


def accounts_page(served, user: str | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/accounts.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    if user:
        at.session_state["account"] = accounts.get_account(served, user)
    return at.run()


def test_an_admin_adds_and_disables_an_account_on_the_page(served):
    at = accounts_page(served, "boss")
    assert not at.exception
    at.text_input(key="acc-name").input("newsup")
    at.selectbox(key="acc-role").set_value("supervisor")
    at.multiselect(key="acc-teams").set_value([at.multiselect(key="acc-teams").options[0]])
    at.text_input(key="acc-password").input(PASSWORD)
    at.text_input(key="acc-repeat").input(PASSWORD + "x")
    at.button(key="acc-add").click().run()
    assert [e.value for e in at.error] == ["The two passwords differ"]
    assert accounts.get_account(served, "newsup") is None
    at.text_input(key="acc-repeat").input(PASSWORD)
    at.button(key="acc-add").click().run()
    assert [s.value for s in at.success] == ['Account "newsup" added']
    assert accounts.get_account(served, "newsup").role == "supervisor"
    at.selectbox(key="acc-chosen").set_value("newsup").run()
    at.button(key="acc-disable").click().run()
    assert [s.value for s in at.success] == ['Account "newsup" disabled']
    assert login.active_account(served, "newsup") is None
    changes = audit.read(served, user="boss", action="account_changed")["detail"]
    assert changes.str.contains('"newsup"').sum() == 2


def test_the_last_admin_cannot_be_disabled_on_the_page(served):
    at = accounts_page(served, "boss")
    at.selectbox(key="acc-chosen").set_value("boss").run()
    at.button(key="acc-disable").click().run()
    assert [e.value for e in at.error] == ["The last active admin account cannot be disabled"]


def test_without_accounts_the_page_creates_the_first_admin(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SETTINGS", str(tmp_path / "settings.toml"))
    path = tmp_path / "first.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    con = db.connect(path)
    at = accounts_page(con, None)
    assert not at.error
    assert at.selectbox(key="acc-role").options == ["Admin"]  # the first account must be an admin
    at.text_input(key="acc-name").input("first")
    at.text_input(key="acc-password").input(PASSWORD)
    at.text_input(key="acc-repeat").input(PASSWORD)
    at.button(key="acc-add").click().run()
    assert accounts.any_accounts(con) and accounts.get_account(con, "first").is_admin
