"""Streamlit's own words in the page's language, where Streamlit gives no option for them.

Placeholders and labels are passed as arguments wherever Streamlit takes them. A few words are
fixed in Streamlit's browser code: the uploader's "Upload" button and its "200MB per file • CSV"
line, and the "Select all" / "No results" entries of a multiselect's or selectbox's list. In
Chinese these are replaced by CSS alone (no script): the English text is hidden
(`visibility: hidden`, so it is neither seen nor read out as visible text) and the Chinese one is
drawn by a ::after rule on the same element, scoped to the widgets' test ids."""

from __future__ import annotations

import streamlit as st

from analytics.i18n import t

# The data-key Streamlit gives the bulk entries of a multiselect's list.
SELECT_ALL = "__select_all__"
SELECT_MATCHES = "__select_matches__"


def _css_text(text: str) -> str:
    """`text` as a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _replace(selector: str, text: str) -> str:
    """CSS drawing `text` in place of the text of the elements `selector` picks."""
    return (
        f"{selector} {{ visibility: hidden; font-size: 0 !important; line-height: 0; }}\n"
        f"{selector}::after {{ content: {_css_text(text)}; visibility: visible;"
        " font-size: 0.875rem; line-height: 1.6; }\n"
    )


def list_css(lang: str) -> str:
    """The multiselect's and selectbox's list entries in `lang` (nothing to do in English)."""
    if lang == "en":
        return ""
    dropdowns = ('[data-testid="stMultiSelectDropdown"]', '[data-testid="stSelectboxVirtualDropdown"]')
    empty = "".join(
        _replace(f'{d} [data-empty="true"] [role="option"] span', t("common.widget_no_results", lang))
        for d in dropdowns
    )
    return (
        _replace(f'[data-key="{SELECT_ALL}"] [data-item-hl]', t("common.widget_select_all", lang))
        + _replace(f'[data-key="{SELECT_MATCHES}"] [data-item-hl]', t("common.widget_select_matches", lang))
        + empty
    )


def uploader_css(key: str, types: list[str], lang: str, max_mb: int | None = None) -> str:
    """The uploader `key`'s button and size line in `lang` (nothing to do in English)."""
    if lang == "en":
        return ""
    if max_mb is None:
        max_mb = int(st.get_option("server.maxUploadSize"))
    # As Streamlit says it: 1024 MB is "1GB".
    size = f"{max_mb // 1024}GB" if max_mb >= 1024 and max_mb % 1024 == 0 else f"{max_mb}MB"
    kinds = "、".join(kind.upper() for kind in types)
    scope = f".st-key-{key}"
    button = f'{scope} [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
    line = f'{scope} [data-testid="stFileUploaderDropzoneInstructions"] span'
    return _replace(button, t("common.widget_upload", lang)) + _replace(
        line, t("common.widget_upload_limit", lang, size=size, types=kinds)
    )


def apply(css: str) -> None:
    """Add `css` to the page (a style element only: it takes no room)."""
    if css:
        st.html(f"<style>\n{css}</style>")
