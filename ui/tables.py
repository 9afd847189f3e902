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
MISSING_WORDS = ("None", "nan", "NaN", "NaT", "<NA>")  # text a missing value was turned into
WHOLE_FORMATS = ("%.0f", "%d", "%i", "%,d", "%,.0f", "localized")  # whole numbers with separators


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


# ------------------------------------------------------------------ column kinds


def _is_whole(series: pd.Series) -> bool:
    values = series.dropna()
    return bool(len(values) == 0 or (np.isfinite(values) & (values == np.round(values))).all())


def inferred_kind(series: pd.Series) -> str | None:
    """The kind of a column from its values: dates, counts (whole numbers), numbers, text; None
    for what is drawn as it is (booleans, lists)."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return None
    if pd.api.types.is_datetime64_any_dtype(dtype):
        values = series.dropna()
        return format.DATE if (values == values.dt.normalize()).all() else format.MOMENT
    if pd.api.types.is_integer_dtype(dtype):
        return format.COUNT
    if pd.api.types.is_float_dtype(dtype):
        if _is_whole(series):
            return format.COUNT
        return format.FINE if series.abs().max() < 10 else format.NUMBER
    if pd.api.types.is_string_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
        sample = series.dropna().head(20)
        if len(sample) and all(isinstance(v, date) for v in sample):
            return format.DATE
        if len(sample) and all(isinstance(v, str) for v in sample):
            return format.TEXT
        return None if len(sample) else format.TEXT
    return None


def column_kind(series: pd.Series, config: dict | None) -> str | None:
    """The kind of a column: from the page's column config where it says (percent, whole numbers,
    one decimal, dates), else from the values."""
    type_config = (config or {}).get("type_config") or {}
    kind, shape = type_config.get("type"), type_config.get("format")
    if kind == "date":
        return format.DATE
    if kind == "datetime":
        return format.MOMENT
    if kind in ("number", "progress"):
        if shape == "percent":
            return format.PERCENT
        if shape in WHOLE_FORMATS:
            return format.COUNT if _is_whole(series) else format.MONEY
        if isinstance(shape, str) and shape.endswith(".1f"):
            return format.NUMBER
        if isinstance(shape, str) and shape.endswith(".2f"):
            return format.FINE
        return None if shape else inferred_kind(series)
    if kind is not None:
        return None
    return inferred_kind(series)


def column_kinds(df: pd.DataFrame, column_config: dict | None = None) -> dict[str, str]:
    """Kind of every column that has one (see ui.format: count, money, number, percent, date, text)."""
    config = column_config or {}
    kinds = {}
    for name, series in df.items():
        kind = column_kind(series, config.get(name))
        if kind is not None:
            kinds[str(name)] = kind
    return kinds


def _merged(given: dict | None, made: dict) -> dict:
    """`made` with the label, help, width and pinning the page gave."""
    for field, value in (given or {}).items():
        if field != "type_config" and value is not None:
            made[field] = value
    return made


def screen_column(kind: str, given: dict | None, has_missing: bool) -> dict | None:
    """The column config that shows `kind` the house way (one decimal percent, separators,
    dates without time); a column with missing values is shown as text (see screen_frame)."""
    type_config = (given or {}).get("type_config") or {}
    if has_missing and kind != format.TEXT:
        left = kind in (format.DATE, format.MOMENT)
        return _merged(given, st.column_config.TextColumn(alignment="left" if left else "right"))
    if kind == format.DATE:
        return _merged(given, st.column_config.DateColumn(format="YYYY-MM-DD"))
    if kind == format.MOMENT:
        return _merged(given, st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"))
    if kind not in format.DECIMALS:
        return given
    step = 10.0 ** -(format.DECIMALS[kind] + (2 if kind == format.PERCENT else 0))
    if type_config.get("type") == "progress":
        return {**given, "type_config": {**type_config, "step": step}}  # type: ignore[dict-item]
    shape = "percent" if kind == format.PERCENT else "localized"
    return _merged(given, st.column_config.NumberColumn(format=shape, step=step))


def screen_frame(
    df: pd.DataFrame, kinds: dict[str, str], column_config: dict | None
) -> tuple[pd.DataFrame, dict]:
    """The rows as the table shows them, and its column config: numbers with separators, ratios as
    percentages with one decimal, dates without time; a missing value as "—", never "None", "nan"
    or "NaT" (a column with missing values becomes text, formatted value by value)."""
    config = dict(column_config or {})
    out = df
    for position, (name, series) in enumerate(df.items()):
        kind = kinds.get(str(name))
        if kind is None:
            continue
        missing = series.isna()
        if kind == format.TEXT:
            missing |= series.isin(MISSING_WORDS)
        has_missing = bool(missing.any())
        if has_missing:
            if out is df:
                out = df.copy()
            language = None if kind == format.TEXT else _language()
            out.isetitem(
                position,
                series.astype(object).where(~missing, format.MISSING)
                if kind == format.TEXT
                else pd.Series(
                    [format.value(v, kind, language) for v in series], index=series.index, dtype=object
                ),
            )
        made = screen_column(kind, config.get(name), has_missing)
        if made is not None:
            config[name] = made
    return out, config


def _language() -> str:
    from ui.common import lang

    return lang()


# ------------------------------------------------------------------ exports


def file_label(name: str) -> str:
    """A table's export file name in the page's language: "top-customers" -> "销售额前十的客户"; a
    name with a suffix ("overdue-M001") keeps it. Names without a message stay as they are."""
    from analytics.i18n import catalog

    messages = catalog()
    for slug in sorted(
        (k[len("display.file_") :] for k in messages if k.startswith("display.file_")), key=len, reverse=True
    ):
        stem = slug.replace("_", "-")
        if name == stem or name.startswith(stem + "-"):
            return tr(f"display.file_{slug}") + name[len(stem) :]
    return name


def export_files(
    df: pd.DataFrame, name: str, notes: list[str], kinds: dict[str, str] | None = None
) -> dict[str, Callable[[], bytes]]:
    """The export builders of a table: CSV always, XLSX when the rows fit an Excel sheet.
    Each is called only when its download is asked for. Numbers stay numbers: rounded in the CSV
    to what the page shows, with Excel number formats (thousands, percent, dates) in the XLSX."""
    kinds = kinds or {}
    decimals = {
        name: format.DECIMALS[kind] + (2 if kind == format.PERCENT else 0)
        for name, kind in kinds.items()
        if kind in format.DECIMALS
    }
    formats = {
        name: format.EXCEL_FORMATS[kind] for name, kind in kinds.items() if kind in format.EXCEL_FORMATS
    }
    files: dict[str, Callable[[], bytes]] = {"csv": lambda: to_csv_bytes(df, decimals=decimals)}
    if len(df) + len(notes) + 3 <= XLSX_MAX_ROWS:
        files["xlsx"] = lambda: to_xlsx_bytes(df, sheet_name=name, notes=notes, formats=formats)
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


# The MIME type and icon of a download, by the file name's ending.
DOWNLOADS = {
    "csv": ("text/csv", ":material/download:"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ":material/table_view:"),
    "pdf": ("application/pdf", ":material/picture_as_pdf:"),
}


def download_button(
    place: object, label: str, data: object, file_name: str, key: str, **options: object
) -> None:
    """A download button in `place` (a column) for a CSV, XLSX or PDF file (by its name's ending);
    `data` is a callable where the file is built only when the button is clicked."""
    mime, icon = DOWNLOADS[file_name.rsplit(".", 1)[1]]
    place.download_button(
        label, data=data, file_name=file_name, mime=mime, key=key, icon=icon, on_click="ignore", **options
    )


def export_control(
    df: pd.DataFrame,
    name: str,
    key: str,
    filters: Filters | None = None,
    kinds: dict[str, str] | None = None,
) -> None:
    """CSV (UTF-8 with BOM) and XLSX download buttons for every row of `df`.

    The files are built only when a button is clicked (Streamlit calls `data` then, on its own
    thread): a page run never pays for an export nobody asked for. Each download is recorded in
    the audit log (table, format, rows, filters) when its file is built."""
    notes = filters_note(filters) if filters is not None else []
    stamp = date.today().isoformat()
    kinds = column_kinds(df) if kinds is None else kinds
    title = file_label(name)
    files = recorded_files(export_files(df, title, notes, kinds), name, len(df), notes, export_recorder())
    left, right, info = st.columns([1, 1, 3])
    download_button(left, tr("common.export_csv"), files["csv"], f"{title}-{stamp}.csv", f"{key}-csv")
    if "xlsx" in files:  # more rows than an Excel sheet holds: CSV only
        download_button(
            right, tr("common.export_xlsx"), files["xlsx"], f"{title}-{stamp}.xlsx", f"{key}-xlsx"
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


def show_frame(df: pd.DataFrame, key: str, column_config: dict | None = None, **options: object) -> None:
    """A small table without search or export (figures beside a chart), formatted like show_table's."""
    screen, config = screen_frame(df, column_kinds(df, column_config), column_config)
    st.dataframe(screen, hide_index=True, column_config=config, key=key, **options)


def common_columns(frame: pd.DataFrame, *columns: str) -> dict[str, pd.Series]:
    """The `columns` of `frame` that say whom a row is about, under the headings they have on
    every page (message common.<column>), for a table's dict: ids, names and the team as they
    are, customer_class by its label, "manager" the manager's name (the id where it is missing)."""
    shown = {}
    for column in columns:
        if column == "manager":
            values = frame["manager_name"].fillna(frame["manager_id"])
        elif column == "customer_class":
            values = format.labels(frame[column], "class")
        else:
            values = frame[column]
        shown[tr(f"common.{column}")] = values
    return shown


def common_headings(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """`frame` with its `columns` that say whom a row is about under their headings on every
    page, customer_class by its label (as in common_columns); the other columns as they are."""
    if "customer_class" in columns:
        frame = frame.assign(customer_class=format.labels(frame["customer_class"], "class"))
    return frame.rename(columns={column: tr(f"common.{column}") for column in columns})


def column_formats(*percents: str, values: tuple[str, ...] = (), localized: tuple[str, ...] = ()) -> dict:
    """Column formats of a table: `percents` as percentages, `values` as whole numbers, `localized`
    with the language's separators."""
    config = {name: st.column_config.NumberColumn(format="percent") for name in percents}
    config.update({name: st.column_config.NumberColumn(format="%.0f") for name in values})
    config.update({name: st.column_config.NumberColumn(format="localized") for name in localized})
    return config


def table_widget(
    screen: pd.DataFrame,
    config: dict,
    key: str,
    column_order: list[str] | None,
    selectable: bool,
    **options: object,
) -> int | None:
    """The table on screen (widget key `<key>-table`); with `selectable` a single row may be
    selected: its position, else None."""
    selection = {"on_select": "rerun", "selection_mode": "single-row"} if selectable else {}
    event = st.dataframe(
        screen,
        hide_index=True,
        width="stretch",
        column_config=config,
        key=f"{key}-table",
        column_order=column_order,
        **options,
        **selection,
    )
    rows = event.selection.rows if selectable and event is not None else []
    return rows[0] if rows else None


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
    kinds = column_kinds(df, column_config)
    screen, config = screen_frame(shown, kinds, column_config)
    selected = table_widget(screen, config, key, phone_columns(shown), selectable, height=height)
    if len(shown) < len(matched):
        st.caption(
            tr("display.capped", shown=format.number(len(shown)), rows=format.number(len(matched))),
        )
    export_control(matched, name, key, filters, kinds)
    return None if selected is None else shown.iloc[selected]
