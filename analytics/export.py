"""Tables out: CSV that Excel opens with Chinese intact, and XLSX, both formula-safe."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@")
XLSX_MAX_ROWS = 1_048_576


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with a quote.

    Only text is touched: the number -5 stays a number, the text "-5" or "=SUM(A1)"
    becomes "'-5" / "'=SUM(A1)". Tab and carriage-return prefixes are neutralised too."""
    if isinstance(value, str) and value and (value[0] in FORMULA_PREFIXES or value[0] in "\t\r"):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of df with every text cell neutralised; headers too."""
    out = df.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for position in range(out.shape[1]):
        series = out.iloc[:, position]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            out.isetitem(position, series.map(neutralise))
        elif isinstance(series.dtype, pd.DatetimeTZDtype):  # Excel has no time zones
            out.isetitem(position, series.dt.tz_localize(None))
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel recognises Chinese text."""
    return safe_frame(df).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "data", notes: list[str] | None = None) -> bytes:
    """One sheet: bold frozen header, widths fitted to content, dates as Excel dates.

    `notes` (e.g. the filters on screen) go below the table, separated by an empty row."""
    frame = _dates_without_time(safe_frame(df))
    if len(frame) + len(notes or []) + 3 > XLSX_MAX_ROWS:
        raise ValueError(f"{len(frame)} rows do not fit in one Excel sheet; export as CSV")
    buffer = io.BytesIO()
    with pd.ExcelWriter(
        buffer,
        engine="xlsxwriter",
        datetime_format="yyyy-mm-dd hh:mm",
        date_format="yyyy-mm-dd",
        engine_kwargs={"options": {"nan_inf_to_errors": True}},
    ) as writer:
        sheet_name = sheet_name[:31] or "data"
        frame.to_excel(writer, index=False, sheet_name=sheet_name)
        book, sheet = writer.book, writer.sheets[sheet_name]
        bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
        date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        for col_index, name in enumerate(frame.columns):
            sheet.write(0, col_index, name, bold)
            width = _column_width(frame[name], name)
            is_date = _is_date_column(frame[name])
            sheet.set_column(
                col_index, col_index, max(width, 11) if is_date else width, date_fmt if is_date else None
            )
        sheet.freeze_panes(1, 0)
        if len(frame.columns):
            sheet.autofilter(0, 0, len(frame), len(frame.columns) - 1)
        for offset, note in enumerate(notes or []):
            sheet.write(len(frame) + 2 + offset, 0, note)
    return buffer.getvalue()


def _dates_without_time(frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamps that are all midnight are shown as plain dates (2025-06-01, not 2025-06-01 00:00)."""
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position]
        if pd.api.types.is_datetime64_any_dtype(series):
            values = series.dropna()
            if len(values) and (values == values.dt.normalize()).all():
                frame.isetitem(position, series.dt.date.astype(object).where(series.notna(), None))
    return frame


def _is_date_column(series: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(series):
        return True
    sample = series.dropna().head(20)
    return len(sample) > 0 and all(isinstance(v, (date, datetime)) for v in sample)


def _column_width(series: pd.Series, name: str) -> int:
    def text_width(text: str) -> int:
        # CJK characters take two columns in Excel.
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    sample = series.dropna().astype(str).head(500)
    longest = max([text_width(str(name))] + [text_width(v) for v in sample])
    return min(max(longest + 2, 6), 60)
