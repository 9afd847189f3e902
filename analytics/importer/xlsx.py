"""Reading an Excel sheet: its header row, its rows as the text a CSV export would hold, formula
cells by the results Excel computed, and a damaged sheet reported as such."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from analytics.importer.problems import Chunk, ImportProblem
from analytics.normalise import detect_table

XLSX_CHUNK_ROWS = 50_000


def load_book(source: bytes | Path, data_only: bool = True) -> Any:
    import openpyxl

    return openpyxl.load_workbook(
        io.BytesIO(source) if isinstance(source, bytes) else source, read_only=True, data_only=data_only
    )


def data_sheets(book: Any) -> list[str]:
    """The workbook's sheets that hold cells (chart sheets hold none)."""
    return [name for name in book.sheetnames if hasattr(book[name], "iter_rows")]


@contextmanager
def reading_sheet(name: str) -> Iterator[None]:
    """A sheet whose XML openpyxl cannot parse is a damaged file, not a crash."""
    try:
        yield
    except ImportProblem:
        raise
    except Exception as exc:  # openpyxl raises whatever its XML parser or converters raise
        raise ImportProblem("damaged", sheet=name) from exc


def clean_headers(values: list) -> list[str]:
    headers = [str(v).strip() if v is not None else "" for v in values]
    while headers and not headers[-1]:
        headers.pop()
    return [h or f"#{i + 1}" for i, h in enumerate(headers)]


def sheet_header(sheet: Any) -> tuple[int, list[str]]:
    """The header row: the first of the top 10 rows that names a table's required columns
    (exports often put a title above the table), else the first non-empty row."""
    first = None
    for number, values in enumerate(sheet.iter_rows(max_row=10, values_only=True), start=1):
        headers = clean_headers(list(values))
        if not headers:
            continue
        if first is None:
            first = (number, headers)
        if detect_table(headers)[0]:
            return number, headers
    if first is None:
        raise ImportProblem("empty")
    return first


# A control character as OOXML writes it (Excel and xlsxwriter: a CR is _x000D_). openpyxl decodes
# only the escaped underscore (_x005F_), so a literal "_x000D_" is read as a CR too (never seen in
# an export).
_XML_ESCAPE = re.compile(r"_x(00[01][0-9A-Fa-f])_")


def cell_text(value: object) -> str:
    """An Excel cell as the text a CSV export would hold (control characters' _x000D_ escapes
    decoded: openpyxl leaves them as written)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value) if "_x" in value else value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return (
            value.strftime("%Y-%m-%d")
            if value.time() == datetime.min.time()
            else value.strftime("%Y-%m-%d %H:%M:%S")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


_FORMULA_TAG = re.compile(rb"<f[\s>/]")


def _sheet_formulas(source: bytes | Path, sheet: Any) -> bool | None:
    """None when the sheet has no formula (the usual export); else whether their cached results
    can be trusted: only Excel leaves them computed (other writers leave none, or 0 and ask for a
    full calculation on load)."""
    path = getattr(sheet, "_worksheet_path", None)
    with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
        if path is None or path not in archive.namelist():
            return None
        with archive.open(path) as xml:
            tail = b""
            while block := xml.read(1 << 20):
                if _FORMULA_TAG.search(tail + block):
                    break
                tail = block[-3:]
            else:
                return None
        names = archive.namelist()
        app = archive.read("docProps/app.xml") if "docProps/app.xml" in names else b""
        workbook = archive.read("xl/workbook.xml") if "xl/workbook.xml" in names else b""
    by_excel = b"<Application>Microsoft Excel</Application>" in app
    return by_excel and not re.search(rb'fullCalcOnLoad="(1|true)"', workbook)


def _xlsx_rows(raw: Any, book: Any) -> Iterator[tuple[int, tuple, dict | None]]:
    """(row number, values, problem) of the data rows. A formula cell gives its cached value only
    when Excel computed it; otherwise its row is a row error (`problem`)."""
    sheet = book[raw.sheet]
    trusted = _sheet_formulas(raw.source, sheet)
    values = sheet.iter_rows(min_row=raw.header_row + 1, values_only=True)
    if trusted is None:
        yield from ((number, row, None) for number, row in enumerate(values, start=raw.header_row + 1))
        return
    formulas_book = load_book(raw.source, data_only=False)
    try:
        cells = formulas_book[raw.sheet].iter_rows(min_row=raw.header_row + 1)
        width = len(raw.headers)
        for number, (row, written) in enumerate(zip(values, cells, strict=False), start=raw.header_row + 1):
            unknown = [
                i
                for i, cell in enumerate(written[:width])
                if getattr(cell, "data_type", None) == "f"
                and (not trusted or i >= len(row) or row[i] is None)
            ]
            problem = None
            if unknown:
                i = unknown[0]
                problem = {
                    "row": number,
                    "text": str(written[i].value)[:200],
                    "actual": None,
                    "code": "formula",
                    "column": raw.headers[i],
                }
            yield number, row, problem
    finally:
        formulas_book.close()


def xlsx_chunks(raw: Any) -> Iterator[Chunk]:
    book = load_book(raw.source)
    try:
        with reading_sheet(raw.sheet):
            width = len(raw.headers)
            total = max((book[raw.sheet].max_row or 0) - raw.header_row, 1)
            columns: list[list[str]] = [[] for _ in range(width)]
            numbers: list[int] = []
            problems: list[dict] = []
            for number, values, problem in _xlsx_rows(raw, book):
                if problem:
                    problems.append(problem)
                    continue
                cells = [cell_text(v) for v in values[:width]]
                cells += [""] * (width - len(cells))
                for column, cell in zip(columns, cells, strict=True):
                    column.append(cell)
                numbers.append(number)
                if len(numbers) >= XLSX_CHUNK_ROWS:
                    chunk = _xlsx_chunk(columns, numbers, problems)
                    chunk.read_fraction = min((number - raw.header_row) / total, 1.0)
                    yield chunk
                    columns, numbers, problems = [[] for _ in range(width)], [], []
            if numbers or problems:
                yield _xlsx_chunk(columns, numbers, problems)
    finally:
        book.close()


def _xlsx_chunk(columns: list[list[str]], numbers: list[int], problems: list[dict] | None = None) -> Chunk:
    table = pa.table({f"c{i}": pa.array(col, pa.string()) for i, col in enumerate(columns)})
    return Chunk(table, np.array(numbers, dtype=np.int64), problems or [])
