"""Data › Accounts (admin): every account, add one, disable or enable it, reset its password.

Without any account this page is where the one user creates the first admin; from then on
everyone signs in. Accounts are never deleted, so the audit log keeps naming them."""

import pandas as pd
import streamlit as st

from analytics import accounts
from analytics.accounts import ROLES, AccountError, Role
from analytics.filters import filter_options
from ui import format
from ui.common import audit_user, cached, connection, labeler, lang, page_header, require_role, tr

FLASH = "accounts-flash"

require_role("can_manage_accounts")
page_header("accounts.accounts_title", "accounts.accounts_caption", show_period=False)
con = connection()


def show_flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def done(message: str) -> None:
    st.session_state[FLASH] = message
    st.rerun()


def when(value: object) -> str:
    return format.MISSING if format.is_missing(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def scope_text(row: pd.Series) -> str:
    if row["role"] == Role.SUPERVISOR:
        return row["teams"] or format.MISSING
    if row["role"] == Role.MANAGER:
        return row["manager_id"] or format.MISSING
    return tr("accounts.scope_all")


def passwords_match(password: str, repeat: str) -> bool:
    """Whether the password was typed the same twice; says so when not."""
    if password != repeat:
        st.error(tr("accounts.error_password_mismatch"), icon=":material/error:")
    return password == repeat


def account_table(users: pd.DataFrame) -> pd.DataFrame:
    """The accounts as a person reads them (no password hashes exist in `users`)."""
    return pd.DataFrame(
        {
            tr("accounts.user_name"): users["user_name"],
            tr("accounts.display_name"): users["display_name"].fillna(format.MISSING),
            tr("accounts.role"): [tr(f"accounts.role_{r}") for r in users["role"]],
            tr("accounts.scope"): [scope_text(row) for _, row in users.iterrows()],
            tr("accounts.active"): [
                tr("accounts.active" if a else "accounts.inactive") for a in users["active"]
            ],
            tr("accounts.failed_attempts"): users["failed_attempts"].fillna(0).astype(int),
            tr("accounts.locked_until"): [when(v) for v in users["locked_until"]],
            tr("accounts.created_at"): [when(v) for v in users["created_at"]],
            tr("accounts.updated_at"): [when(v) for v in users["updated_at"]],
        }
    )


def add_form(first: bool) -> None:
    st.subheader(tr("accounts.add_account"))
    options = cached(filter_options)
    manager_names = {
        m["manager_id"]: format.name_with_id(m["manager_name"], m["manager_id"]) for m in options["managers"]
    }
    with st.form("account-add", clear_on_submit=False):
        left, right = st.columns(2)
        name = left.text_input(tr("accounts.user_name"), key="acc-name")
        display = right.text_input(tr("accounts.display_name"), key="acc-display")
        role = left.selectbox(
            tr("accounts.role"),
            ROLES if not first else (Role.ADMIN.value,),
            format_func=labeler("accounts.role_"),
            key="acc-role",
        )
        teams = right.multiselect(
            tr("accounts.teams"), options["teams"], key="acc-teams", placeholder=tr("common.widget_choose")
        )
        manager = left.selectbox(
            tr("accounts.manager"),
            list(manager_names),
            index=None,
            format_func=lambda m: manager_names.get(m, m),
            key="acc-manager",
            placeholder=tr("common.widget_choose"),
        )
        password = right.text_input(tr("accounts.password"), type="password", key="acc-password")
        repeat = left.text_input(tr("accounts.password_repeat"), type="password", key="acc-repeat")
        submitted = st.form_submit_button(tr("accounts.add_account"), type="primary", key="acc-add")
    if not submitted or not passwords_match(password, repeat):
        return
    try:
        added = accounts.add_user(
            con, name, role, password, teams=teams, manager_id=manager, display_name=display, by=audit_user()
        )
    except AccountError as error:
        st.error(error.message(lang()), icon=":material/error:")
        return
    done(tr("accounts.account_added", name=added.user_name))


def change_form(users: pd.DataFrame) -> None:
    st.subheader(tr("accounts.choose_account"))
    name = st.selectbox(
        tr("accounts.user_name"),
        users["user_name"].tolist(),
        index=None,
        key="acc-chosen",
        placeholder=tr("common.widget_choose"),
    )
    if not name:
        return
    active = bool(users.loc[users["user_name"] == name, "active"].iloc[0])
    try:
        if active and st.button(tr("accounts.disable"), key="acc-disable", icon=":material/block:"):
            accounts.disable_user(con, name, by=audit_user())
            done(tr("accounts.account_disabled", name=name))
        if not active and st.button(tr("accounts.enable"), key="acc-enable", icon=":material/check:"):
            accounts.enable_user(con, name, by=audit_user())
            done(tr("accounts.account_enabled", name=name))
    except AccountError as error:
        st.error(error.message(lang()), icon=":material/error:")
    with st.form("account-password"):
        password = st.text_input(tr("accounts.new_password"), type="password", key="acc-new-password")
        repeat = st.text_input(tr("accounts.password_repeat"), type="password", key="acc-new-repeat")
        submitted = st.form_submit_button(tr("accounts.set_password"), key="acc-set-password")
    if not submitted or not passwords_match(password, repeat):
        return
    try:
        accounts.set_password(con, name, password, by=audit_user())
    except AccountError as error:
        st.error(error.message(lang()), icon=":material/error:")
        return
    done(tr("accounts.password_changed", name=name))


show_flash()
users = accounts.list_users(con)
if users.empty:
    st.info(tr("accounts.no_accounts_yet"), icon=":material/info:")
else:
    st.dataframe(account_table(users), hide_index=True, width="stretch", key="accounts-table")
add_form(first=users.empty)
if not users.empty:
    change_form(users)
