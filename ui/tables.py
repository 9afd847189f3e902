"""Tables on a page: a search box, the first rows a person reads, and exports of every row.

A table of tens of thousands of customers is not sent to the browser whole: the page shows the
first `MAX_ROWS` rows in the table's own order with a line saying how many there are, and the
CSV / XLSX exports (built only when a download is asked for) hold every row that matches the
search."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

from analytics.export import XLSX_MAX_ROWS, to_csv_bytes, to_xlsx_bytes
from analytics.filters import Filters
from ui import format
from ui.common import export_recorder, phone_columns, tr

MAX_ROWS = 500  # rows sent to the browser; the export holds all


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


def export_files(df: pd.DataFrame, name: str, notes: list[str]) -> dict[str, Callable[[], bytes]]:
    """The export builders of a table: CSV always, XLSX when the rows fit an Excel sheet.
    Each is called only when its download is asked for."""
    files: dict[str, Callable[[], bytes]] = {"csv": lambda: to_csv_bytes(df)}
    if len(df) + len(notes) + 3 <= XLSX_MAX_ROWS:
        files["xlsx"] = lambda: to_xlsx_bytes(df, sheet_name=name, notes=notes)
    return files


def recorded_files(
    files: dict[str, Callable[[], bytes]],
    name: str,
    rows: int,
    notes: list[str],
    exported: Callable[[str, str, int, list[str]], None],
) -> dict[str, Callable[[], bytes]]:
    """The builders of `files`, each recording its export (table, format, rows, filter lines)
    through `exported` (ui.common.export_recorder) when the download builds it."""

    def recorded(file_format: str) -> Callable[[], bytes]:
        def build() -> bytes:
            exported(name, file_format, rows, notes)
            return files[file_format]()

        return build

    return {file_format: recorded(file_format) for file_format in files}


def export_control(df: pd.DataFrame, name: str, key: str, filters: Filters | None = None) -> None:
    """CSV (UTF-8 with BOM) and XLSX download buttons for every row of `df`.

    The files are built only when a button is clicked (Streamlit calls `data` then, on its own
    thread): a page run never pays for an export nobody asked for. Each download is recorded in
    the audit log (table, format, rows, filters) when its file is built."""
    notes = filters_note(filters) if filters is not None else []
    stamp = date.today().isoformat()
    files = recorded_files(export_files(df, name, notes), name, len(df), notes, export_recorder())
    left, right, info = st.columns([1, 1, 3])
    left.download_button(
        tr("common.export_csv"),
        data=files["csv"],
        file_name=f"{name}-{stamp}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        icon=":material/download:",
        on_click="ignore",
    )
    if "xlsx" in files:  # more rows than an Excel sheet holds: CSV only
        right.download_button(
            tr("common.export_xlsx"),
            data=files["xlsx"],
            file_name=f"{name}-{stamp}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}-xlsx",
            icon=":material/table_view:",
            on_click="ignore",
        )
    info.caption(tr("common.export_rows", rows=len(df)))


def matching_rows(df: pd.DataFrame, query: str) -> np.ndarray:
    """Rows with `query` in some cell (case-insensitive). Text columns are searched as they are;
    numbers and dates only when the query holds a digit, so typing a name never formats them."""
    needle = query.strip()
    found = np.zeros(len(df), dtype=bool)
    if not needle:
        return ~found
    has_digit = any(ch.isdigit() for ch in needle)
    for _, column in df.items():
        textual = pd.api.types.is_string_dtype(column) or column.dtype == object
        if not textual and not has_digit:
            continue
        text = column if pd.api.types.is_string_dtype(column) else column.astype(str)
        found |= text.str.contains(needle, case=False, regex=False, na=False).to_numpy(dtype=bool)
    return found


def show_table(
    df: pd.DataFrame,
    name: str,
    key: str,
    filters: Filters | None = None,
    column_config: dict | None = None,
    height: int | str = "auto",
    selectable: bool = False,
    max_rows: int = MAX_ROWS,
) -> pd.Series | None:
    """A sortable table with a search box, the first `max_rows` rows (in the frame's order) and
    the export control under it; the export holds every row matching the search.

    Returns the selected row when `selectable` (single row), else None."""
    query = st.text_input(
        tr("common.table_filter"),
        key=f"{key}-search",
        label_visibility="collapsed",
        placeholder=tr("common.table_filter"),
    )
    matched = df[matching_rows(df, query)] if query and query.strip() else df
    shown = matched.head(max_rows)
    options = {"on_select": "rerun", "selection_mode": "single-row"} if selectable else {}
    event = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config=column_config,
        height=height,
        key=f"{key}-table",
        column_order=phone_columns(shown),
        **options,
    )
    if len(shown) < len(matched):
        st.caption(
            tr("display.capped", shown=format.number(len(shown)), rows=format.number(len(matched))),
        )
    export_control(matched, name, key, filters)
    if selectable:
        selected = event.selection.rows if event is not None else []
        return shown.iloc[selected[0]] if selected else None
    return None
