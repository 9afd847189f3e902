"""Tables out: CSV that Excel opens with Chinese intact, and XLSX, both formula-safe."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@")
XLSX_MAX_ROWS = 1_048_576


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with a quote.

    Only text is touched: the number -5 stays a number, the text "-5" or "=SUM(A1)"
    becomes "'-5" / "'=SUM(A1)". Tab and carriage-return prefixes are neutralised too, and so is
    text that already starts with quotes before such a sign ("'=x" becomes "''=x"), so the
    importer, which takes one quote off, reads back what was exported."""
    if isinstance(value, str) and value and value.lstrip("'")[:1] in (*FORMULA_PREFIXES, "\t", "\r"):
        return "'" + value
    return value


# Pictographs, dingbats, flags and their joiners/variation selectors: a page may mark a status with
# one, a spreadsheet cell holds the words only.
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\ufe0e\ufe0f\u200d\u20e3]+")


def without_emoji(value: object) -> object:
    """Text without emoji (and the spaces they leave at either end); other values as they are."""
    if isinstance(value, str) and EMOJI.search(value):
        return EMOJI.sub("", value).strip()
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of df with every text cell neutralised and without emoji; headers too."""
    out = df.copy()
    out.columns = [neutralise(without_emoji(str(c))) for c in out.columns]
    for position in range(out.shape[1]):
        series = out.iloc[:, position]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            out.isetitem(position, series.map(lambda v: neutralise(without_emoji(v))))
        elif isinstance(series.dtype, pd.DatetimeTZDtype):  # Excel has no time zones
            out.isetitem(position, series.dt.tz_localize(None))
    return out


def rounded(df: pd.DataFrame, decimals: dict[str, int] | None) -> pd.DataFrame:
    """`df` with the named number columns rounded to the decimals a person reads (a ratio shown
    as 1.4 % to 0.014; a count or an amount to a whole number), other columns as they are."""
    if not decimals:
        return df
    out = df.copy()
    for position, name in enumerate(out.columns):
        digits = decimals.get(str(name))
        series = out.iloc[:, position]
        if digits is None or not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        series = series.astype("float64").round(digits)
        if digits == 0 and series.notna().all():
            series = series.astype("int64")
        elif digits == 0:
            series = series.astype("Int64")
        out.isetitem(position, series)
    return out


def to_csv_bytes(df: pd.DataFrame, decimals: dict[str, int] | None = None) -> bytes:
    """UTF-8 with BOM, so Excel recognises Chinese text. Every text field is quoted (numbers are
    not): a line break, a lone carriage return, a tab or a quote inside a text stays in its cell.
    `decimals` rounds number columns (by header) to what the page shows."""
    frame = safe_frame(rounded(df, decimals))
    return frame.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8-sig")


XLSX_CELL_CHARS = 32_767  # Excel's limit on the text of one cell
CUT_MARK = " …[文本过长，已截断，完整内容请导出 CSV / text too long, cut: export CSV for all of it]"


def _xlsx_text(value: object) -> object:
    """Text as an Excel cell holds it: line breaks as LF (a CR would be written as _x000D_), and
    text beyond the cell limit cut with a visible mark instead of silently."""
    if not isinstance(value, str):
        return value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if len(value) > XLSX_CELL_CHARS:
        value = value[: XLSX_CELL_CHARS - len(CUT_MARK)] + CUT_MARK
    return value


def _xlsx_frame(df: pd.DataFrame) -> pd.DataFrame:
    frame = _dates_without_time(safe_frame(df))
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            frame.isetitem(position, series.map(_xlsx_text))
    return frame


def to_xlsx_bytes(
    df: pd.DataFrame,
    sheet_name: str = "data",
    notes: list[str] | None = None,
    formats: dict[str, str] | None = None,
) -> bytes:
    """One sheet: bold frozen header, widths fitted to content, dates as Excel dates, numbers as
    numbers with the Excel number format of their column in `formats` (by header: "#,##0",
    "0.0%", "yyyy-mm-dd").

    `notes` (e.g. the filters on screen) go below the table, separated by an empty row."""
    frame = _xlsx_frame(df)
    formats = {neutralise(without_emoji(str(k))): v for k, v in (formats or {}).items()}
    if len(frame) + len(notes or []) + 3 > XLSX_MAX_ROWS:
        raise ValueError(f"{len(frame)} rows do not fit in one Excel sheet; export as CSV")
    buffer = io.BytesIO()
    with pd.ExcelWriter(
        buffer,
        engine="xlsxwriter",
        datetime_format="yyyy-mm-dd hh:mm",
        date_format="yyyy-mm-dd",
        # Plain strings: no text turned into a link, a formula or a number.
        engine_kwargs={
            "options": {
                "nan_inf_to_errors": True,
                "strings_to_urls": False,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
            }
        },
    ) as writer:
        sheet_name = sheet_name[:31] or "data"
        frame.to_excel(writer, index=False, sheet_name=sheet_name)
        book, sheet = writer.book, writer.sheets[sheet_name]
        bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
        date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        number_formats: dict[str, object] = {}
        for col_index, name in enumerate(frame.columns):
            sheet.write(0, col_index, name, bold)
            width = _column_width(frame[name], name)
            is_date = _is_date_column(frame[name])
            shape = formats.get(str(name))
            cell_format = date_fmt if is_date else None
            if shape and not is_date and pd.api.types.is_numeric_dtype(frame[name]):
                if shape not in number_formats:
                    number_formats[shape] = book.add_format({"num_format": shape})
                cell_format = number_formats[shape]
                width = max(width, _formatted_width(frame[name], shape))
            sheet.set_column(col_index, col_index, max(width, 11) if is_date else width, cell_format)
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


def _formatted_width(series: pd.Series, shape: str) -> int:
    """Room for the largest value once Excel adds separators (and a percent sign)."""
    values = series.dropna()
    if not len(values):
        return 6
    largest = float(values.abs().max()) * (100 if "%" in shape else 1)
    digits = len(f"{largest:,.0f}") + (2 if "." in shape else 0) + (1 if "%" in shape else 0)
    return min(digits + 3, 60)


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
