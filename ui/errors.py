"""Errors for people: a page that fails shows what happened and what to do, never a traceback.

dashboard.py runs the page through ``guarded``; the traceback goes to the server's log (with a
time the supervisor can quote), the browser gets a translated message. Problems with the store
itself (locked, read-only, corrupt, from a newer release) each have their own message
(analytics/i18n/errors.toml)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import duckdb
import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from analytics import db
from analytics.i18n import DEFAULT_LANGUAGE
from ui.common import lang, tr

log = logging.getLogger("dashboard")

_ICONS = {
    db.StoreLocked: ":material/lock:",
    db.StoreReadOnly: ":material/edit_off:",
    db.StoreCorrupt: ":material/broken_image:",
    db.StoreNewer: ":material/update:",
}


def guarded(run: Callable[[], Any]) -> Any:
    """Run `run` (a page, or the whole script): Streamlit's own stop/rerun pass through; a
    store problem shows its message; any other exception is logged with its traceback and
    shown as a translated message with what to do. Returns what `run` returned (None after
    an error)."""
    try:
        return run()
    except ScriptControlException:  # st.stop(), st.rerun(), st.switch_page()
        raise
    except Exception as error:  # the last line of defence: every exception becomes a message
        show_error(error)
        return None


def show_error(error: BaseException) -> None:
    """The message for `error` on the page, and the log entry for the administrator."""
    if isinstance(error, db.StoreError):
        log.warning("store problem: %s", error)
        st.error(error.message(_language()), icon=_icon(error))
        return
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    log.error("page failed at %s", stamp, exc_info=error)
    st.error(tr("errors.page_failed", time=stamp), icon=":material/error:")


def read_only_notice(con: duckdb.DuckDBPyConnection) -> bool:
    """On a read-only store: say that imports are off and return True (the Import page then
    shows no upload)."""
    if not db.is_read_only(con):
        return False
    st.warning(tr("errors.imports_off"), icon=":material/edit_off:")
    return True


def _icon(error: BaseException) -> str:
    for kind, icon in _ICONS.items():
        if isinstance(error, kind):
            return icon
    return ":material/error:"


def _language() -> str:
    try:
        return lang()
    except Exception:  # no session (bare mode): the default language
        return DEFAULT_LANGUAGE
