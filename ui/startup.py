"""The first thing dashboard.py does, before any slow import: leave Streamlit's pages/ folder mode.

Streamlit treats an app with a pages/ folder as an old-style multipage app until the entry script
calls st.navigation, and meanwhile its sidebar lists the folder's file names. The first run in a
fresh process imports pandas, DuckDB and the analytics (seconds on a cold machine) before the real
navigation exists, so a navigation without entries is sent at once (hidden) and the run starts
again; from then on st.navigation owns the sidebar (see also ui.common)."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def _starting() -> None:
    """The placeholder page of that first, empty navigation (never shown)."""


def leave_pages_directory_mode() -> None:
    if PagesManager.uses_pages_directory:
        st.navigation([st.Page(_starting, title="…", url_path="starting")], position="hidden")
        st.rerun()
