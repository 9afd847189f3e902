"""What every page shares: language, connection, cached metric calls, filters, tables.

Pages call analytics through ``cached(...)`` and draw tables with ``show_table(...)``;
nothing here contains SQL."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import duckdb
import streamlit as st

from analytics import config, db
from analytics.filters import Filters, data_ends_before
from analytics.i18n import LANGUAGES, language_from_locale, t
from analytics.settings import Settings
from ui.format import label as format_label

# ------------------------------------------------------------------ navigation


def _leave_pages_directory_mode() -> None:
    """Streamlit treats an app with a pages/ folder as an old-style multipage app until the
    entry script calls st.navigation, so a first visit straight to /pareto would run the page
    without dashboard.py (no sidebar, no filters). Switch that off and run again, which
    goes through dashboard.py and st.navigation."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_leave_pages_directory_mode()


# ------------------------------------------------------------------ language


def lang() -> str:
    """The UI language: the sidebar choice, else the browser's locale."""
    chosen = st.session_state.get("lang")
    if chosen in LANGUAGES:
        return chosen
    try:
        locale = st.context.locale
    except Exception:  # no browser context (bare mode)
        locale = None
    return language_from_locale(locale)


def tr(key: str, **values: Any) -> str:
    """The message `key` in the current language."""
    return t(key, lang(), **values)


def labeler(prefix: str) -> Callable[[Any], str]:
    """A format_func for widgets: option -> message `prefix + option`, in today's language.

    The language is bound now, because AppTest (and Streamlit) may call format_func
    outside the script run, where the session state is not available. Streamlit keeps a select
    box's choice as the label shown, so a keyed widget whose labels change with the language
    needs a key per language (see ``language_key``)."""
    language = lang()
    return lambda option: t(f"{prefix}{option}", language)


def language_key(canonical: str) -> str:
    """The key of a widget whose options are shown in words: one widget per language, seeded
    from the value kept under `canonical` (the caller stores the widget's value there after
    each run). Streamlit keeps a select box's choice as the shown label, so one widget for both
    languages would keep its old words after a switch, or lose the choice."""
    key = f"{canonical}_{lang()}"
    for other in LANGUAGES:
        if other != lang():
            st.session_state.pop(f"{canonical}_{other}", None)
    if key not in st.session_state and canonical in st.session_state:
        st.session_state[key] = st.session_state[canonical]
    return key


def enum_label(kind: str, code: Any) -> str:
    """Label of an enum code, e.g. enum_label("class", "core") -> "核心客户" (see ui.format.label)."""
    return format_label(kind, code, lang())


# ------------------------------------------------------------------ data access


def db_path() -> str:
    return str(db.resolve_db_path(os.environ.get("DASHBOARD_DB")))


def _is_open(con: duckdb.DuckDBPyConnection) -> bool:
    """False once the connection was closed (e.g. db.close_all()), so it is opened again."""
    try:
        con.cursor().close()
        return True
    except Exception:
        return False


@st.cache_resource(show_spinner=False, validate=_is_open)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    # The dashboard answers the command line on a socket beside the store (analytics.link), so a
    # command run while it serves is handed to it instead of failing on DuckDB's file lock.
    from analytics import link

    con = db.connect(path)
    link.serve(path)
    return con


def connection() -> duckdb.DuckDBPyConnection:
    """The process-wide DuckDB connection (analytics take a cursor per query)."""
    return _connection(db_path())


def settings() -> Settings:
    return config.load_settings()


def data_version() -> int:
    return db.data_version(connection())


@st.cache_data(show_spinner=False, max_entries=512, ttl=3600)
def _cached_call(fn_path: str, path: str, versions: tuple, settings_key: str, args: tuple, kwargs: tuple):
    module_name, _, fn_name = fn_path.rpartition(".")
    module = __import__(module_name, fromlist=[fn_name])
    fn = getattr(module, fn_name)
    from analytics import engine  # with [engine] kind = "spark" the metric reads run on Spark

    return engine.call(fn, _connection(path), *args, **dict(kwargs))


def cached(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Call analytics `fn(connection, *args, **kwargs)`, cached by its arguments,
    the data version (changes on every import), the follow-up version and the settings.

    Arguments must be hashable values (Filters, dates, strings, tuples)."""
    versions = (data_version(), db.data_version(connection(), db.FOLLOWUP_VERSION))
    return _cached_call(
        f"{fn.__module__}.{fn.__name__}",
        db_path(),
        versions,
        config.settings_key(settings()),
        args,
        tuple(sorted(kwargs.items())),
    )


def cached_on_data(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Like cached(), for figures that do not read follow-ups (e.g. the risk model):
    a supervisor's follow-up note does not recompute them."""
    return _cached_call(
        f"{fn.__module__}.{fn.__name__}",
        db_path(),
        (data_version(),),
        config.settings_key(settings()),
        args,
        tuple(sorted(kwargs.items())),
    )


def cached_on_store(version_key: str, fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Like cached_on_data(), also keyed by the version another kind of write bumps (e.g. the stored
    risk ranking's, analytics.warnings.schema.STORE_VERSION): what is read from such a store is
    read once per data version and per write of it, not on every run of a page (the stored
    ranking of a province store is hundreds of thousands of scores)."""
    return _cached_call(
        f"{fn.__module__}.{fn.__name__}",
        db_path(),
        (data_version(), db.data_version(connection(), version_key)),
        config.settings_key(settings()),
        args,
        tuple(sorted(kwargs.items())),
    )


def clear_caches() -> None:
    st.cache_data.clear()


# ------------------------------------------------------------------ filters


def current_filters() -> Filters:
    """The sidebar's filters (set by dashboard.py before the page runs)."""
    return st.session_state.get("filters") or Filters()


# ------------------------------------------------------------------ tables


def __getattr__(name: str) -> Any:
    """show_table, export_control and filters_note live in ui.tables; pages may still import
    them from here (looked up on first use, since ui.tables imports this module)."""
    if name in {"show_table", "export_control", "filters_note"}:
        from ui import tables

        return getattr(tables, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def empty_state(message_key: str = "common.no_data") -> None:
    st.info(tr(message_key), icon=":material/info:")


def page_header(title_key: str, caption_key: str | None = None, show_period: bool = True) -> None:
    """Page title, a short description and (where the page uses it) the sidebar's period; Streamlit's
    own list words in the page's language (ui/streamlit_texts.py)."""
    from ui import streamlit_texts

    streamlit_texts.apply(streamlit_texts.list_css(lang()))
    st.title(tr(title_key))
    filters = current_filters()
    parts = []
    if caption_key:
        parts.append(tr(caption_key))
    if show_period and filters.start and filters.end:
        parts.append(tr("common.period_shown", start=filters.start, end=filters.end))
        data_end = data_ends_before(filters.end, st.session_state.get("data_span"))
        if data_end is not None:
            parts.append(tr("common.data_until", day=data_end))
    if parts:
        st.caption(" · ".join(parts))


# ------------------------------------------------------------------ numbers


def short_number(value: float | None) -> str:
    """A large figure that fits a tile, in the current language (see ui.format.short_number)."""
    from ui import format

    return format.short_number(value, lang())


# ------------------------------------------------------------------ accounts (issue 17)

ACCOUNT_KEY = "account"


def accounts_on() -> bool:
    """True once an account exists in the store: then everyone signs in first."""
    from analytics import accounts

    return accounts.any_accounts(connection())


def current_account() -> Any:
    """The signed-in ``analytics.accounts.Account``, or None (nobody, or no accounts at all)."""
    return st.session_state.get(ACCOUNT_KEY)


def may(permission: str) -> bool:
    """Whether this session may do `permission` (an Account property: "can_edit_settings",
    "can_manage_accounts", "can_clear_data", "can_import"). Without accounts the dashboard is
    the one-person tool and everything is allowed."""
    if not accounts_on():
        return True
    account = current_account()
    return account is not None and bool(getattr(account, permission))


def require_role(permission: str) -> None:
    """Stop the page with a message unless this session may `permission` (see ``may``): a page
    hidden from the navigation that is opened by its link anyway."""
    if not may(permission):
        st.error(tr("accounts.error_not_allowed"), icon=":material/block:")
        st.stop()


def account_filters(filters: Filters, account: Any) -> Filters:
    """`filters` with the account's scope (allowed_teams / allowed_managers) set: a supervisor
    sees their teams, a manager their own customers, an admin (or nobody, without accounts)
    everything."""
    from dataclasses import replace

    from analytics.accounts import Role

    if account is None or account.scope() is None:
        return replace(filters, allowed_teams=None, allowed_managers=None)
    scope = account.scope()
    if account.role == Role.MANAGER:
        return replace(filters, allowed_teams=None, allowed_managers=tuple(scope.managers))
    return replace(filters, allowed_teams=tuple(scope.teams), allowed_managers=None)


def audit_user() -> str | None:
    account = current_account()
    return account.user_name if account is not None else None


def record(action: str, detail: dict | str = "") -> None:
    """An entry of the audit log by whoever is signed in (call after the change committed)."""
    from analytics import audit

    audit.record(connection(), audit_user(), action, detail)


def export_recorder() -> Callable[[str, str, int, list[str]], None]:
    """A function that records an export in the audit log: (table name, format, rows, filter
    lines). Made during the page run (it holds the connection and the signed-in user), because a
    download's file is built later on Streamlit's own thread, without the session."""
    from analytics import audit

    con, user = connection(), audit_user()

    def exported(name: str, file_format: str, rows: int, filters: list[str]) -> None:
        detail = {"table": name, "format": file_format, "rows": rows, "filters": filters}
        audit.record(con, user, audit.AuditAction.EXPORT, detail)

    return exported


def auto_backup(con: duckdb.DuckDBPyConnection, reason: str) -> object:
    """The copy of the store before a destructive action ([backup] folder, keep); None in memory."""
    from analytics import backup

    store = backup.store_path(con)
    if store is None:
        return None
    rules = settings().backup
    return backup.auto_backup(con, reason, store.parent / rules.folder, rules.keep)


def confirm_buttons(pending: str, ok_key: str, cancel_key: str, widths: int | list[int] = 2) -> bool:
    """Confirm and Cancel side by side (in columns of `widths`): True on Confirm; Cancel forgets
    the action waiting in session state `pending` and runs the page again."""
    ok, cancel, *_ = st.columns(widths)
    confirmed = ok.button(tr("accounts.confirm"), key=ok_key, type="primary")
    if cancel.button(tr("accounts.cancel"), key=cancel_key):
        st.session_state.pop(pending, None)
        st.rerun()
    return confirmed


# ------------------------------------------------------------------ page style (issue 19: phone)

# On a phone (a narrow window): metric tiles two to a row instead of one under another, and the
# page's first chart moved above the tiles, so the main picture is on the first screen. One place
# for the dashboard's CSS; dashboard.py adds it on every run.
MAIN = '[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"]'
FIRST_TILES = f'{MAIN} > :has([data-testid="stMetric"]):not(:has([data-testid="stMetric"]) ~ *)'
PHONE_CSS = f"""
<style>
@media (max-width: 640px) {{
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) {{
    flex-wrap: wrap !important;
    flex-direction: row !important;
    gap: 0.5rem !important;
  }}
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"])
    > [data-testid="stColumn"] {{
    flex: 1 1 calc(50% - 0.5rem) !important;
    min-width: calc(50% - 0.5rem) !important;
    width: calc(50% - 0.5rem) !important;
  }}
  [data-testid="stMetricValue"] {{ font-size: 1.4rem; }}
  /* The page's main chart (ui.common.main_chart) before the first row of tiles. */
  {FIRST_TILES}, {FIRST_TILES} ~ * {{ order: 2; }}
  {MAIN} > :has(> .st-key-main-chart), {MAIN} > .st-key-main-chart {{ order: 1 !important; }}
}}
</style>
"""


def page_style() -> None:
    """The dashboard's CSS (see PHONE_CSS)."""
    st.html(PHONE_CSS)


PHONE_KEY_COLUMNS = 3  # columns a table shows on a phone: every table puts its key columns first
PHONE_AGENTS = ("iPhone", "Android", "Mobile")


def on_phone() -> bool:
    """Whether the browser says it is a phone (its User-Agent); False without a browser."""
    try:
        agent = st.context.headers.get("User-Agent") or ""
    except Exception:  # no browser context (bare mode, AppTest)
        return False
    return any(word in agent for word in PHONE_AGENTS)


def phone_columns(frame: Any, keep: list[str] | None = None) -> list[str] | None:
    """The columns a table shows: on a phone its key columns only (`keep`, else the first ones:
    every table puts them first), so it does not scroll sideways (the export still holds every
    column); elsewhere all (None)."""
    if not on_phone():
        return None
    if keep:
        return [str(c) for c in keep if c in frame.columns]
    if len(frame.columns) <= PHONE_KEY_COLUMNS:
        return None
    return [str(c) for c in frame.columns[:PHONE_KEY_COLUMNS]]


def main_chart() -> Any:
    """The container of a page's main chart and its heading: on a phone it comes before the tiles."""
    return st.container(key="main-chart")


def lazy_tabs(draws: dict[str, Callable[[], None]], label: Callable[[str], str], key: str) -> None:
    """A tab per section (name -> draw, in order, labelled `label(name)`); only the open tab's
    draw runs (picking another tab reruns the page): a page's heavy sections cost nothing, in the
    script or in the browser, until asked for."""
    tabs = st.tabs([label(name) for name in draws], key=key, on_change="rerun")
    for draw, tab in zip(draws.values(), tabs, strict=True):
        if tab.open:
            with tab:
                draw()
