"""Reading a supervisor's export: its encoding, delimiter or sheet, its header row, and its data
rows as text, streamed in chunks of Arrow columns (c0, c1 … in file order) with their row
numbers in the file. The file's SHA-256 is computed in the background meanwhile."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from analytics.importer.problems import MAX_ERRORS, ImportProblem, Progress
from analytics.normalise import detect_table

CSV_BLOCK_BYTES = 4 << 20  # ~70k order lines per block
XLSX_CHUNK_ROWS = 50_000
SAMPLE_BYTES = 1 << 20
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class Chunk:
    """Some data rows as text (columns c0, c1 … in file order) and their row numbers in the file."""

    table: pa.Table
    rows: np.ndarray
    problems: list[dict] = field(default_factory=list)  # rows that could not be split into fields
    read_fraction: float | None = None  # how much of the file is read once this chunk is


@dataclass
class RawFile:
    """A file as read: headers, how it was decoded, and its data rows (streamed in chunks)."""

    file_name: str
    headers: list[str]
    digest: str | Future = field(repr=False)  # the SHA-256, or its computation while rows are read
    size: int
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheet_names: list[str] = field(default_factory=list)
    header_row: int = 1
    source: bytes | Path | None = field(default=None, repr=False)

    @property
    def sha256(self) -> str:
        """The file's SHA-256 (hex), which tells a file imported before."""
        return _hex_digest(self.digest)

    def chunks(self, progress: Progress | None = None) -> Iterator[Chunk]:
        for chunk in _xlsx_chunks(self) if self.sheet is not None else _csv_chunks(self):
            if progress and chunk.read_fraction is not None:
                progress(chunk.read_fraction, "reading")
            yield chunk

    def preview(self, rows: int = 20) -> pd.DataFrame:
        """The first rows as written, under the file's own headers."""
        for chunk in self.chunks():
            frame = chunk.table.slice(0, rows).to_pandas()
            frame.columns = self.headers
            return frame
        return pd.DataFrame(columns=self.headers)


def _source_bytes_head(source: bytes | Path, size: int = SAMPLE_BYTES) -> bytes:
    if isinstance(source, bytes):
        return source[:size]
    with open(source, "rb") as fh:
        return fh.read(size)


_HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256")


def _hex_digest(digest: str | Future) -> str:
    """The SHA-256, waiting for it when it is still being computed."""
    return digest if isinstance(digest, str) else digest.result()


def _sha256(source: bytes | Path) -> str:
    if isinstance(source, bytes):
        return hashlib.sha256(source).hexdigest()
    digest = hashlib.sha256()
    with open(source, "rb") as fh:
        while block := fh.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (only with its BOM) or GB18030 (covers GBK)."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in head:  # UTF-16 without its BOM, or not text at all
        raise ImportProblem("encoding")
    for encoding in ("utf-8", "gb18030"):
        for cut in range(4):  # the sample may end inside a character
            try:
                head[: len(head) - cut].decode(encoding)
                return encoding
            except UnicodeDecodeError:
                continue
    raise ImportProblem("encoding")


def detect_delimiter(header_line: str, file_name: str = "") -> str:
    """The candidate that splits the header line into the most fields (tab for .tsv on a tie)."""
    candidates = ["\t", ",", ";", "|"] if file_name.lower().endswith(".tsv") else [",", "\t", ";", "|"]
    counts = {d: len(next(csv.reader([header_line], delimiter=d), [])) for d in candidates}
    best = max(candidates, key=lambda d: counts[d])
    return best if counts[best] > 1 else candidates[0]


def _clean_headers(values: list) -> list[str]:
    headers = [str(v).strip() if v is not None else "" for v in values]
    while headers and not headers[-1]:
        headers.pop()
    return [h or f"#{i + 1}" for i, h in enumerate(headers)]


def read_table_file(
    source: str | Path | bytes, file_name: str | None = None, sheet: str | None = None
) -> RawFile:
    """Open a CSV/TSV/TXT or XLSX file (path or bytes) and read its headers.

    Raises ImportProblem with a user-facing code when the file cannot be read."""
    if not isinstance(source, bytes):
        source = Path(source)
        file_name = file_name or source.name
    file_name = file_name or "upload"
    lower = file_name.lower()
    if lower.endswith(".xls"):
        raise ImportProblem("xls")
    size = len(source) if isinstance(source, bytes) else source.stat().st_size
    if size == 0:
        raise ImportProblem("empty")
    # Hashed in the background (hashlib releases the GIL), while the rows are read and checked.
    sha = _HASHING.submit(_sha256, source)
    head = _source_bytes_head(source, 8)
    if lower.endswith(EXCEL_SUFFIXES) or head.startswith(b"PK\x03\x04"):
        return _open_xlsx(source, file_name, sha, size, sheet)
    return _open_csv(source, file_name, sha, size)


def _open_csv(source: bytes | Path, file_name: str, sha: Future, size: int) -> RawFile:
    head = _source_bytes_head(source)
    encoding = detect_encoding(head)
    text = head.decode(encoding, errors="ignore")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise ImportProblem("empty")
    delimiter = detect_delimiter(first_line, file_name)
    headers = _clean_headers(next(csv.reader([first_line], delimiter=delimiter)))
    leading_blank = text.splitlines().index(first_line) if first_line in text.splitlines() else 0
    return RawFile(
        file_name=file_name,
        headers=headers,
        digest=sha,
        size=size,
        encoding=encoding,
        delimiter=delimiter,
        header_row=1 + leading_blank,
        source=source,
    )


def _csv_chunks(raw: RawFile) -> Iterator[Chunk]:
    names = [f"c{i}" for i in range(len(raw.headers))]
    invalid: list[dict] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        if len(invalid) >= MAX_ERRORS:  # the file is not what it seems (wrong delimiter?)
            return "error"
        invalid.append({"row": row.number, "text": row.text, "actual": row.actual_columns})
        return "skip"

    arrow_encoding = "utf8" if raw.encoding in ("utf-8", "utf-8-sig") else raw.encoding
    # Closed in the finally below: the reader streams from it while the chunks are taken.
    handle = io.BytesIO(raw.source) if isinstance(raw.source, bytes) else open(raw.source, "rb")  # noqa: SIM115
    try:
        reader = pacsv.open_csv(
            handle,
            read_options=pacsv.ReadOptions(
                column_names=names,
                skip_rows=raw.header_row,
                block_size=CSV_BLOCK_BYTES,
                encoding=arrow_encoding,
                use_threads=False,
            ),  # row numbers of ragged lines
            parse_options=pacsv.ParseOptions(
                delimiter=raw.delimiter, ignore_empty_lines=False, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        seen = 0
        reported = 0
        for batch in reader:
            rows = np.arange(seen, seen + batch.num_rows, dtype=np.int64) + raw.header_row + 1
            for skipped in sorted(r["row"] for r in invalid if r["row"] is not None):
                rows[rows >= skipped] += 1
            seen += batch.num_rows
            problems = invalid[reported:]
            reported = len(invalid)
            yield Chunk(
                pa.Table.from_batches([batch]),
                rows,
                problems,
                read_fraction=min(handle.tell() / max(raw.size, 1), 1.0),
            )
        if len(invalid) > reported:
            yield Chunk(
                pa.table({n: pa.array([], pa.string()) for n in names}),
                np.array([], dtype=np.int64),
                invalid[reported:],
            )
    except pa.ArrowInvalid as exc:
        raise ImportProblem("unreadable", detail=str(exc).splitlines()[0][:200]) from exc
    except UnicodeDecodeError as exc:
        raise ImportProblem("encoding") from exc
    finally:
        handle.close()


def _open_xlsx(source: bytes | Path, file_name: str, sha: Future, size: int, sheet: str | None) -> RawFile:
    import openpyxl

    try:
        book = openpyxl.load_workbook(
            io.BytesIO(source) if isinstance(source, bytes) else source, read_only=True, data_only=True
        )
    except Exception as exc:  # not a workbook, damaged, encrypted …
        raise ImportProblem("unreadable", detail=type(exc).__name__) from exc
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise ImportProblem("sheet", sheet=sheet)
        chosen = sheet if sheet is not None else names[0]
        header_row, headers = _xlsx_header(book[chosen])
    finally:
        book.close()
    return RawFile(
        file_name=file_name,
        headers=headers,
        digest=sha,
        size=size,
        sheet=chosen,
        sheet_names=names,
        header_row=header_row,
        source=source,
    )


def _xlsx_header(sheet: Any) -> tuple[int, list[str]]:
    """The header row: the first of the top 10 rows that names a table's required columns
    (exports often put a title above the table), else the first non-empty row."""
    first = None
    for number, values in enumerate(sheet.iter_rows(max_row=10, values_only=True), start=1):
        headers = _clean_headers(list(values))
        if not headers:
            continue
        if first is None:
            first = (number, headers)
        if detect_table(headers)[0]:
            return number, headers
    if first is None:
        raise ImportProblem("empty")
    return first


def cell_text(value: object) -> str:
    """An Excel cell as the text a CSV export would hold."""
    if value is None:
        return ""
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


def _xlsx_chunks(raw: RawFile) -> Iterator[Chunk]:
    import openpyxl

    source = raw.source
    book = openpyxl.load_workbook(
        io.BytesIO(source) if isinstance(source, bytes) else source, read_only=True, data_only=True
    )
    try:
        sheet = book[raw.sheet]
        width = len(raw.headers)
        total = max((sheet.max_row or 0) - raw.header_row, 1)
        columns: list[list[str]] = [[] for _ in range(width)]
        numbers: list[int] = []
        for number, values in enumerate(
            sheet.iter_rows(min_row=raw.header_row + 1, values_only=True), start=raw.header_row + 1
        ):
            cells = [cell_text(v) for v in values[:width]]
            cells += [""] * (width - len(cells))
            for column, cell in zip(columns, cells, strict=True):
                column.append(cell)
            numbers.append(number)
            if len(numbers) >= XLSX_CHUNK_ROWS:
                chunk = _xlsx_chunk(columns, numbers)
                chunk.read_fraction = min((number - raw.header_row) / total, 1.0)
                yield chunk
                columns, numbers = [[] for _ in range(width)], []
        if numbers:
            yield _xlsx_chunk(columns, numbers)
    finally:
        book.close()


def _xlsx_chunk(columns: list[list[str]], numbers: list[int]) -> Chunk:
    table = pa.table({f"c{i}": pa.array(col, pa.string()) for i, col in enumerate(columns)})
    return Chunk(table, np.array(numbers, dtype=np.int64))
