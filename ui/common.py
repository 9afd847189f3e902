"""What every page shares: language, connection, cached metric calls, filters, tables.

Pages call analytics through ``cached(...)`` and draw tables with ``show_table(...)``;
nothing here contains SQL."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from analytics import config, db
from analytics.export import XLSX_MAX_ROWS, to_csv_bytes, to_xlsx_bytes
from analytics.filters import Filters
from analytics.i18n import LANGUAGES, language_from_locale, t
from analytics.i18n import short_number as i18n_short_number
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
    outside the script run, where the session state is not available."""
    language = lang()
    return lambda option: t(f"{prefix}{option}", language)


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
def _connection(path: str):
    return db.connect(path)


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
    return fn(_connection(path), *args, **dict(kwargs))


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


def clear_caches() -> None:
    st.cache_data.clear()


# ------------------------------------------------------------------ filters


def current_filters() -> Filters:
    """The sidebar's filters (set by dashboard.py before the page runs)."""
    return st.session_state.get("filters") or Filters()


def filters_note(filters: Filters) -> list[str]:
    """The filters on screen, as lines for an export."""
    lines = []
    if filters.start and filters.end:
        lines.append(
            f"{tr('common.period')}: {tr('common.period_shown', start=filters.start, end=filters.end)}"
        )
    for key, values in (
        ("team", filters.teams),
        ("manager", filters.managers),
        ("region", filters.regions),
        ("customer_class", filters.classes),
    ):
        if values:
            lines.append(f"{tr('common.' + key)}: {', '.join(values)}")
    return lines


# ------------------------------------------------------------------ tables


def export_control(df: pd.DataFrame, name: str, key: str, filters: Filters | None = None) -> None:
    """CSV (UTF-8 with BOM) and XLSX download buttons for the table as shown.

    The files are built only when a button is clicked (Streamlit calls `data` then, on its own
    thread): a page run never pays for an export nobody asked for."""
    notes = filters_note(filters) if filters is not None else []
    stamp = date.today().isoformat()
    left, right, info = st.columns([1, 1, 3])
    left.download_button(
        tr("common.export_csv"),
        data=lambda: to_csv_bytes(df),
        file_name=f"{name}-{stamp}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        icon=":material/download:",
        on_click="ignore",
    )
    if len(df) + len(notes) + 3 <= XLSX_MAX_ROWS:  # more rows than an Excel sheet holds: CSV only
        right.download_button(
            tr("common.export_xlsx"),
            data=lambda: to_xlsx_bytes(df, sheet_name=name, notes=notes),
            file_name=f"{name}-{stamp}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}-xlsx",
            icon=":material/table_view:",
            on_click="ignore",
        )
    info.caption(tr("common.export_rows", rows=len(df)))


def show_table(
    df: pd.DataFrame,
    name: str,
    key: str,
    filters: Filters | None = None,
    column_config: dict | None = None,
    height: int | str = "auto",
    selectable: bool = False,
) -> pd.Series | None:
    """A sortable table with a search box and the export control under it.

    Returns the selection event when `selectable` (single row), else None."""
    query = st.text_input(
        tr("common.table_filter"),
        key=f"{key}-search",
        label_visibility="collapsed",
        placeholder=tr("common.table_filter"),
    )
    shown = df
    if query:
        text = df.astype(str).apply(lambda col: col.str.contains(query, case=False, regex=False))
        shown = df[text.any(axis=1)]
    options = {"on_select": "rerun", "selection_mode": "single-row"} if selectable else {}
    event = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config=column_config,
        height=height,
        key=f"{key}-table",
        **options,
    )
    export_control(shown, name, key, filters)
    if selectable:
        selected = event.selection.rows if event is not None else []
        return shown.iloc[selected[0]] if selected else None
    return None


def empty_state(message_key: str = "common.no_data") -> None:
    st.info(tr(message_key), icon=":material/info:")


def page_header(title_key: str, caption_key: str | None = None, show_period: bool = True) -> None:
    """Page title, a short description and (where the page uses it) the sidebar's period."""
    st.title(tr(title_key))
    filters = current_filters()
    parts = []
    if caption_key:
        parts.append(tr(caption_key))
    if show_period and filters.start and filters.end:
        parts.append(tr("common.period_shown", start=filters.start, end=filters.end))
    if parts:
        st.caption(" · ".join(parts))


# ------------------------------------------------------------------ numbers


def short_number(value: float | None) -> str:
    """A large figure that fits a tile, in the current language (see i18n.short_number)."""
    return i18n_short_number(value, lang())
