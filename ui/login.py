"""Signing in and out of the dashboard (issue 17).

Without any account in the store the dashboard is the one-person tool: nobody signs in, and a
client that is not on this computer is refused (``st.context.ip_address`` is None only for
localhost). Once an account exists every page first asks for a user name and password (or, where
an identity provider is configured in ``.streamlit/secrets.toml``, takes the account whose user
name is the provider's e-mail or name: docs/ACCOUNTS.md). A signed-in session ends with the
sign-out button, after ``[accounts] idle_minutes`` without a click, or when an admin disables
the account.
"""

from __future__ import annotations

import time
from typing import Any

import duckdb
import streamlit as st

from analytics import accounts, audit
from analytics.accounts import Account
from ui.common import ACCOUNT_KEY, current_account, settings, tr

LAST_SEEN = "account_last_seen"
FLASH = "account_flash"
# The identity provider's claims tried, in order, as the dashboard's user name.
IDENTITY_CLAIMS = ("email", "preferred_username", "name")


# ------------------------------------------------------------------ who is signed in


def signed_in(con: duckdb.DuckDBPyConnection) -> Account | None:
    """The session's account, checked again on every run: None when nobody is signed in, the
    idle time ran out, or the account was disabled meanwhile (also when no account exists)."""
    account = current_account()
    if account is not None:
        idle = time.time() - st.session_state.get(LAST_SEEN, time.time())
        limit = settings().accounts.idle_minutes
        if idle > limit * 60:
            sign_out(con, reason="idle")
            st.session_state[FLASH] = ("accounts.signed_out_idle", {"minutes": f"{limit:g}"})
            if _provider_user() is not None:
                st.logout()
            return None
        fresh = active_account(con, account.user_name)
        if fresh is None:
            sign_out(con, reason="disabled")
            return None
        account = fresh
    else:
        account = identity_account(con)
    if account is not None:
        st.session_state[ACCOUNT_KEY] = account
        st.session_state[LAST_SEEN] = time.time()
    return account


def active_account(con: duckdb.DuckDBPyConnection, name: str) -> Account | None:
    """The account `name` when it exists and is active (its current role and scope)."""
    account = accounts.get_account(con, name)
    if account is None:
        return None
    users = accounts.list_users(con)
    row = users[users["user_name"] == account.user_name]
    return account if not row.empty and bool(row.iloc[0]["active"]) else None


def sign_out(con: duckdb.DuckDBPyConnection, reason: str = "button") -> None:
    """End the session's sign-in (recorded in the audit log)."""
    account = st.session_state.pop(ACCOUNT_KEY, None)
    st.session_state.pop(LAST_SEEN, None)
    if account is not None:
        audit.record(con, account.user_name, audit.AuditAction.SIGN_OUT, {"reason": reason})


# ------------------------------------------------------------------ identity provider


def provider_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section (st.login can be used)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def identity_account(con: duckdb.DuckDBPyConnection) -> Account | None:
    """The active account named like the provider's signed-in user (st.user), or None; the
    first time in a session it is recorded as a sign-in."""
    user = _provider_user()
    if user is None:
        return None
    for claim in IDENTITY_CLAIMS:
        name = str(user.get(claim) or "").strip()
        account = active_account(con, name) if name else None
        if account is not None:
            audit.record(con, account.user_name, audit.AuditAction.SIGN_IN, {"via": "openid", "claim": claim})
            return account
    names = [str(user.get(c)) for c in IDENTITY_CLAIMS if user.get(c)]
    st.session_state[FLASH] = ("accounts.no_account_for_identity", {"name": names[0] if names else "?"})
    return None


def _provider_user() -> Any:
    if not provider_configured():
        return None
    try:
        user = st.user
        return user if user.is_logged_in else None
    except Exception:  # no provider configured, or no browser session (bare mode)
        return None


# ------------------------------------------------------------------ screens


def sign_in_form(con: duckdb.DuckDBPyConnection) -> Account | None:
    """The sign-in form (user name, password, button); the account once signed in.

    No rerun after signing in: the caller clears the form and goes on with the page (a rerun
    from the entry script would lose the page the link asked for)."""
    st.title(tr("accounts.sign_in_title"))
    st.caption(tr("accounts.sign_in_caption"))
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.info(tr(flash[0], **flash[1]), icon=":material/info:")
    with st.form("sign-in", clear_on_submit=False):
        name = st.text_input(tr("accounts.user_name"), key="sign-in-name", autocomplete="username")
        password = st.text_input(
            tr("accounts.password"), type="password", key="sign-in-password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(tr("accounts.sign_in"), type="primary", key="sign-in-submit")
    if provider_configured() and st.button(tr("accounts.sign_in_with_provider"), key="sign-in-provider"):
        st.login()
    if not submitted:
        return None
    rules = settings().accounts
    result = accounts.sign_in(
        con, name, password, max_attempts=rules.max_attempts, lock_minutes=rules.lock_minutes
    )
    if result.account is None:
        message = tr(result.message or "accounts.error_sign_in", minutes=result.minutes)
        st.error(message, icon=":material/lock:")
        return None
    st.session_state[ACCOUNT_KEY] = result.account
    st.session_state[LAST_SEEN] = time.time()
    return result.account


def sidebar_account(con: duckdb.DuckDBPyConnection, account: Account) -> bool:
    """Who is signed in, with the sign-out button; True when it was pressed (signed out now)."""
    slot = st.sidebar.empty()
    with slot.container():
        st.caption(tr("accounts.signed_in_as", name=account.display_name))
        pressed = st.button(tr("accounts.sign_out"), key="sign-out", icon=":material/logout:")
    if not pressed:
        return False
    slot.empty()
    sign_out(con)
    if _provider_user() is not None:
        st.logout()
    return True


def client_address() -> str | None:
    """The browser's address when it is not this computer (None for localhost)."""
    try:
        remote = st.context.ip_address
    except Exception:  # no browser session (bare mode, tests)
        return None
    # Only a real client's address is a text (a test harness may hand over a stand-in object).
    return remote if isinstance(remote, str) and remote else None


def refuse_remote_without_accounts() -> None:
    """No account exists: serve this computer only (a remote client gets a note and nothing)."""
    if client_address() is not None:
        st.error(tr("accounts.localhost_only"), icon=":material/lock:")
        st.stop()
