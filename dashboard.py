"""Entry point: page config, language, sign-in, first-start demo data, sidebar filters, navigation.

Run with ``streamlit run dashboard.py`` (or ``make run``)."""

from __future__ import annotations

# ruff: noqa: E402 (the imports after the first call are the slow ones)
from ui.startup import leave_pages_directory_mode

leave_pages_directory_mode()  # before the slow imports below: see ui/startup.py

from datetime import date

import duckdb
import streamlit as st

from analytics import audit, db, demo
from analytics.accounts import Account
from analytics.filters import PERIODS, Filters, clamp_period, filter_options, period_dates
from analytics.i18n import LANGUAGES
from ui import drill, first_start, login
from ui.common import (
    account_filters,
    accounts_on,
    auto_backup,
    cached,
    clear_caches,
    confirm_buttons,
    connection,
    db_path,
    labeler,
    lang,
    language_key,
    may,
    page_style,
    record,
    tr,
)
from ui.errors import guarded, show_error

st.set_page_config(page_title="客户经理督导看板 · Supervision", page_icon=":bar_chart:", layout="wide")

# Pages by section: (file, title key, icon).
SECTIONS = {
    "common.section_overview": [
        ("pages/overview.py", "overview.title", ":material/dashboard:"),
        ("pages/report.py", "report.title", ":material/summarize:"),
    ],
    "common.section_customers": [
        ("pages/pareto.py", "pareto.title", ":material/leaderboard:"),
        ("pages/warnings.py", "warnings.title", ":material/warning:"),
        ("pages/retention.py", "retention.title", ":material/group:"),
        ("pages/new_products.py", "standard.products_title", ":material/new_releases:"),
        ("pages/customer.py", "drill.customer_title", ":material/person:"),
    ],
    "common.section_managers": [
        ("pages/scorecards.py", "scorecard.title", ":material/scoreboard:"),
        ("pages/visits.py", "visits.title", ":material/calendar_month:"),
        ("pages/complaints.py", "standard.complaints_title", ":material/support_agent:"),
        ("pages/collections.py", "standard.collections_title", ":material/payments:"),
        ("pages/manager.py", "drill.manager_title", ":material/badge:"),
    ],
    "common.section_data": [
        ("pages/import_data.py", "importer.title", ":material/upload_file:"),
        ("pages/settings.py", "standards.title", ":material/tune:"),
        ("pages/accounts.py", "accounts.accounts_title", ":material/manage_accounts:"),
        ("pages/audit.py", "accounts.audit_title", ":material/history:"),
        ("pages/backup.py", "accounts.backup_title", ":material/backup:"),
    ],
}

# Pages only some accounts see (an Account permission); every page checks it again itself.
PERMISSIONS = {
    # The meeting report is the supervisors' (and admins'): the accounts with can_import today.
    "pages/report.py": "can_import",
    "pages/import_data.py": "can_import",
    "pages/settings.py": "can_edit_settings",
    "pages/accounts.py": "can_manage_accounts",
    "pages/audit.py": "can_manage_accounts",
    "pages/backup.py": "can_clear_data",
}


# ------------------------------------------------------------------ query string


def _qp_list(name: str) -> list[str]:
    return [v for v in st.query_params.get_all(name) if v]


def _qp_date(name: str) -> date | None:
    try:
        return date.fromisoformat(st.query_params.get(name, ""))
    except ValueError:
        return None


def _init_state_from_url() -> None:
    """First run of a session: take language and filters from the link."""
    if st.session_state.get("_url_loaded"):
        return
    st.session_state["_url_loaded"] = True
    if st.query_params.get("lang") in LANGUAGES:
        st.session_state["lang"] = st.query_params["lang"]
    if st.query_params.get("period") in PERIODS:
        st.session_state["f_period"] = st.query_params["period"]
    start, end = _qp_date("start"), _qp_date("end")
    if start and end and start <= end:
        st.session_state["f_range"] = (start, end)
    for key in ("team", "manager", "region", "class"):
        if _qp_list(key):
            st.session_state[f"f_{key}"] = _qp_list(key)


def _write_url(filters: Filters, period: str, page_params: dict[str, list[str]] | None = None) -> None:
    """The link of the view: language, period, filters and the page's own item (the customer or
    manager it shows, see ui.drill)."""
    params = {"lang": [lang()], "period": [period]}
    if period == "custom" and filters.start and filters.end:
        params.update(start=[filters.start.isoformat()], end=[filters.end.isoformat()])
    for key, values in (
        ("team", filters.teams),
        ("manager", filters.managers),
        ("region", filters.regions),
        ("class", filters.classes),
    ):
        if values:
            params[key] = list(values)
    params.update(page_params or {})
    if {key: st.query_params.get_all(key) for key in st.query_params} != params:
        st.query_params.from_dict(params)


# ------------------------------------------------------------------ sidebar


def language_switch() -> None:
    current = lang()
    choice = st.sidebar.segmented_control(
        tr("common.language"),
        options=list(LANGUAGES),
        default=current,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
        key="lang_switch",
    )
    if choice and choice != current:
        st.session_state["lang"] = choice
        st.rerun()


def scoped_options(options: dict, account: Account | None) -> tuple[list[str], list[dict]]:
    """The teams and managers (records) the sidebar offers: only those the account may see."""
    scope = account.scope() if account is not None else None
    managers = options["managers"]
    if scope is None:
        return options["teams"], managers
    if scope.managers or not scope.teams:
        managers = [m for m in managers if m["manager_id"] in scope.managers]
        teams = sorted({m["team"] for m in managers if m["team"]})
    else:
        teams = [t for t in options["teams"] if t in scope.teams]
        managers = [m for m in managers if m["team"] in scope.teams]
    return teams, managers


def _drop_hidden(key: str, offered: list[str]) -> list[str]:
    """Remove from the widget state `key` what the sidebar does not offer; what was removed."""
    chosen = st.session_state.get(key) or []
    st.session_state[key] = [v for v in chosen if v in offered]
    return [v for v in chosen if v not in offered]


def _period(span: tuple[date, date] | None) -> tuple[str, date, date]:
    """The sidebar's period: the preset and its dates (presets count from today; a custom
    period is made to fit the data, saying so when a link asked for one outside it)."""
    st.session_state.setdefault("f_period", "last_month")
    if st.session_state["f_period"] not in PERIODS:
        st.session_state["f_period"] = "last_month"
    period = st.sidebar.selectbox(
        tr("common.period"), PERIODS, key=language_key("f_period"), format_func=labeler("common.period_")
    )
    st.session_state["f_period"] = period
    if period != "custom":
        return (period, *period_dates(period, date.today()))
    wanted = st.session_state.get("f_range") or period_dates("last_month", date.today())
    shown = clamp_period(wanted[0], wanted[1], span)
    if shown != tuple(wanted):
        st.session_state["f_range_clamped"] = (tuple(wanted), shown)
        st.session_state.pop("f_range_input", None)
    picked = st.sidebar.date_input(
        tr("common.period_range"),
        value=shown,
        key="f_range_input",
        min_value=span[0] if span else None,
        max_value=span[1] if span else None,
    )
    start, end = picked if isinstance(picked, (list, tuple)) and len(picked) == 2 else shown
    st.session_state["f_range"] = (start, end)
    clamped = st.session_state.get("f_range_clamped")
    if clamped and clamped[1] == (start, end):
        (asked_start, asked_end), _ = clamped
        st.sidebar.caption(
            tr("common.period_clamped", start=asked_start, end=asked_end, shown_start=start, shown_end=end)
        )
    return period, start, end


def sidebar_filters(
    con: duckdb.DuckDBPyConnection, account: Account | None = None, page: st.Page | None = None
) -> Filters:
    """Period, team, manager, region and class, as one Filters value, within the account's scope.

    A team or manager the link names but the account may not see is left out, and the page says so."""
    span = db.data_range(con)
    st.session_state["data_span"] = span
    drill.apply_pending_filter()
    st.sidebar.subheader(tr("common.filters"))
    period, start, end = _period(span)
    shown = tr("common.period_shown", start=start, end=end)
    if span and span[1] < end:
        shown += " · " + tr("common.data_until", day=span[1])
    st.sidebar.caption(shown)

    options = cached(filter_options)
    team_options, manager_options = scoped_options(options, account)
    hidden = _drop_hidden("f_team", team_options)
    teams = st.sidebar.multiselect(
        tr("common.team"), team_options, key="f_team", placeholder=tr("common.all")
    )
    manager_rows = [m for m in manager_options if not teams or m["team"] in teams]
    names = {m["manager_id"]: f"{m['manager_name']} ({m['manager_id']})" for m in manager_options}
    known = {m["manager_id"] for m in options["managers"]}
    hidden += [m for m in _drop_hidden("f_manager", list(names)) if m in known]
    if hidden and account is not None:
        st.warning(tr("accounts.scope_hidden", names=", ".join(hidden)), icon=":material/visibility_off:")
    managers = st.sidebar.multiselect(
        tr("common.manager"),
        [m["manager_id"] for m in manager_rows],
        key="f_manager",
        format_func=lambda m: names.get(m, m),
        placeholder=tr("common.all"),
    )
    regions = st.sidebar.multiselect(
        tr("common.region"), options["regions"], key="f_region", placeholder=tr("common.all")
    )
    st.session_state["f_class"] = [
        c for c in st.session_state.get("f_class") or [] if c in options["classes"]
    ]
    classes = st.sidebar.multiselect(
        tr("common.customer_class"),
        options["classes"],
        key=language_key("f_class"),
        format_func=labeler("common.class_"),
        placeholder=tr("common.all"),
    )
    st.session_state["f_class"] = list(classes)
    filters = Filters(
        start=start,
        end=end,
        teams=tuple(teams),
        managers=tuple(managers),
        regions=tuple(regions),
        classes=tuple(classes),
    )
    filters = account_filters(filters, account)
    _write_url(filters, period, drill.page_params(page.url_path if page is not None else None))
    return filters


# ------------------------------------------------------------------ first start


def waiting_for_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """Empty store on a first start: the demo is generated in the background (once per store
    and process) while this page shows its progress; True while it runs. Not after the
    supervisor cleared the demo (the store remembers it)."""
    job = first_start.demo_job(con, db_path())
    if job is None:
        return False
    if job.running:
        first_start.show_progress(job, tr, clear_caches)
        return True
    if job.error and not st.session_state.get("_demo_error_shown"):
        st.session_state["_demo_error_shown"] = True
        st.error(tr("common.demo_failed", error=job.error), icon=":material/error:")
    return False


def demo_notice(con: duckdb.DuckDBPyConnection) -> None:
    """The demo's banner; an admin (or the one user without accounts) may clear the demo data,
    after typing the word shown."""
    if not demo.is_demo(con):
        return
    left, right = st.columns([5, 1])
    left.info(tr("common.demo_notice"), icon=":material/science:")
    if may("can_clear_data") and right.button(tr("common.demo_clear"), key="demo_clear", type="secondary"):
        st.session_state["demo_confirm"] = True
    if st.session_state.get("demo_confirm"):
        confirm_clear_demo(con)


def confirm_clear_demo(con: duckdb.DuckDBPyConnection) -> None:
    """Type the word, then: an automatic backup, the demo's rows removed, the audit log."""
    word = tr("accounts.confirm_word_clear")
    with st.container(border=True):
        typed = st.text_input(tr("accounts.confirm_type_word", word=word), key="demo_confirm_word")
        confirmed = confirm_buttons("demo_confirm", "demo_confirm_ok", "demo_confirm_cancel", [1, 1, 4])
    if not confirmed:
        return
    if typed.strip() != word:
        st.error(tr("accounts.confirm_mismatch", word=word), icon=":material/error:")
        return
    copy = auto_backup(con, "clear_demo")
    cleared = demo.clear_demo(con)
    record(audit.AuditAction.CLEAR_DEMO, {"removed": cleared.as_dict(), "backup": str(copy or "")})
    clear_caches()
    st.session_state.pop("demo_confirm", None)
    st.toast(tr("common.demo_cleared"))
    st.rerun()


# ------------------------------------------------------------------ main


def page_list(signed_in: bool = True) -> dict[str, list]:
    """The navigation's pages by section: those this session may open (all while signing in, so
    the link's page opens once signed in)."""
    pages = {}
    for section, entries in SECTIONS.items():
        shown = [
            st.Page(path, title=tr(title), icon=icon, default=(path == "pages/overview.py"))
            for path, title, icon in entries
            if not signed_in or path not in PERMISSIONS or may(PERMISSIONS[path])
        ]
        if shown:
            pages[tr(section)] = shown
    return pages


def sign_in(con: duckdb.DuckDBPyConnection) -> Account | None:
    """The signed-in account (None without accounts: this computer only); else the form, and stop."""
    if not accounts_on():
        login.refuse_remote_without_accounts()
        return None
    account = login.signed_in(con)
    if account is not None and login.sidebar_account(con, account):
        account = None  # signed out just now
    if account is None:
        form = st.empty()
        with form.container():
            account = login.sign_in_form(con)
        if account is None:
            st.navigation(page_list(signed_in=False), position="hidden")
            st.stop()
        form.empty()
        login.sidebar_account(con, account)
    return account


def main() -> None:
    _init_state_from_url()
    page_style()
    try:
        con = connection()
    except duckdb.Error as exc:  # locked, read-only, corrupt, from a newer release: each its message
        show_error(exc)
        st.stop()
    language_switch()
    account = sign_in(con)
    # The navigation first: until it is drawn, Streamlit's sidebar lists the pages/ files.
    navigation = st.navigation(page_list(), expanded=True)  # every page in view: there are more than 12
    if waiting_for_demo(con):
        st.stop()
    st.session_state["filters"] = sidebar_filters(con, account, navigation)
    demo_notice(con)
    guarded(navigation.run)


guarded(main)
