"""Supervisors' CSV/Excel exports in: read, map headers, normalise, validate, write; the import
log and undo; the ``import`` and ``export`` commands.

One file is one transaction. Rows already in the store (by the contract's row identity) are
not added again, so re-importing a file, or an export that overlaps an earlier one, changes
nothing twice. Customers and managers are updated in place and their previous rows are kept
in ``import_undo`` so any import can be undone."""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import itertools
import json
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analytics import db
from analytics.export import to_csv_bytes, to_xlsx_bytes
from analytics.i18n import t
from analytics.normalise import (
    ARROW_TYPES,
    CONTRACT,
    DDL_TYPES,
    ENUMS,
    TABLE_ORDER,
    detect_table,
    map_headers,
    missing_required,
    parse_column,
    to_numpy_mask,
)

MODES = ("strict", "valid-only")
MAX_ERRORS = 10_000  # bad cells kept for the report; bad rows are always counted
CSV_BLOCK_BYTES = 4 << 20  # ~70k order lines per block
PREPARE_AHEAD = 2  # chunks normalised at the same time while the next one is read
XLSX_CHUNK_ROWS = 50_000
STAGE_MEMORY_BYTES = 256 << 20  # typed rows held in memory before they go to a temporary table
SAMPLE_BYTES = 1 << 20
# New aggregate rows are written in the stores' order (db.DAYS_ORDER: by month, then customer).
DAYS_ORDER = db.DAYS_ORDER
DAYS_COLUMNS = db.DAYS_COLUMNS
MONTHS_COLUMNS = db.MONTHS_COLUMNS
MONTHS_ORDER = "month"
EPOCH = "DATE '1970-01-01'"
DAY = f"({EPOCH} + CAST(? AS INTEGER))"  # a date bound as its day number
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")

Progress = Callable[[float, str], None]


class ImportProblem(Exception):
    """A file (or an undo) that cannot go ahead; `code` + `params` render in either language."""

    def __init__(self, code: str, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params

    def message(self, lang: str = "en") -> str:
        return t(f"importer.problem_{self.code}", lang, **self.params)


def field_of(table: str, name: str):
    return next(f for f in CONTRACT[table] if f.name == name)


# ------------------------------------------------------------------ reading


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


def _open_csv(source, file_name, sha, size) -> RawFile:
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

    def on_invalid(row) -> str:
        if len(invalid) >= MAX_ERRORS:  # the file is not what it seems (wrong delimiter?)
            return "error"
        invalid.append({"row": row.number, "text": row.text, "actual": row.actual_columns})
        return "skip"

    arrow_encoding = "utf8" if raw.encoding in ("utf-8", "utf-8-sig") else raw.encoding
    handle = io.BytesIO(raw.source) if isinstance(raw.source, bytes) else open(raw.source, "rb")
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


def _open_xlsx(source, file_name, sha, size, sheet) -> RawFile:
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


def _xlsx_header(sheet) -> tuple[int, list[str]]:
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


def cell_text(value) -> str:
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


# ------------------------------------------------------------------ preparing


@dataclass
class PreparedChunk:
    """Typed rows of one chunk (contract columns + _row) and what was wrong with them."""

    typed: pa.Table
    bad: np.ndarray
    errors: list[dict]
    rows: int
    parse_bad: np.ndarray | None = None  # bad without the (preview-only) unknown-manager check


def _drop_blank_rows(chunk: Chunk) -> tuple[pa.Table, np.ndarray]:
    if chunk.table.num_columns == 0 or chunk.table.num_rows == 0:
        return chunk.table, chunk.rows
    # A blank row is blank in its first column: only those few rows need the other columns checked.
    maybe_blank = np.flatnonzero(~_has_text(chunk.table.column(0)))
    if not len(maybe_blank):
        return chunk.table, chunk.rows
    candidates = chunk.table.take(pa.array(maybe_blank))
    filled = np.zeros(len(maybe_blank), dtype=bool)
    for column in candidates.columns[1:]:
        filled |= _has_text(column)
    keep = np.ones(chunk.table.num_rows, dtype=bool)
    keep[maybe_blank[~filled]] = False
    if keep.all():
        return chunk.table, chunk.rows
    return chunk.table.filter(pa.array(keep)), chunk.rows[keep]


def _has_text(column) -> np.ndarray:
    """Whether each value has something besides whitespace (checked in place, not trimmed)."""
    blank = pc.or_(pc.equal(pc.binary_length(column), 0), pc.utf8_is_space(column))
    return to_numpy_mask(pc.invert(blank))  # a missing value has no text either


def _cell_errors(
    mask: np.ndarray, rows: np.ndarray, values: pa.Array, header: str, code: str, params: dict, room: int
) -> list[dict]:
    where = np.flatnonzero(mask)[: max(room, 0)]
    if not len(where):
        return []
    texts = values.take(pa.array(where)).to_pylist()
    return [
        {
            "row": int(rows[i]),
            "column": header,
            "value": v if v is not None else "",
            "code": code,
            "params": params,
        }
        for i, v in zip(where, texts, strict=True)
    ]


def allowed_values(name: str) -> str:
    return ", ".join(f"{code} ({words[0]})" for code, words in ENUMS[name].items())


def prepare_chunk(
    chunk: Chunk,
    table: str,
    mapping: list[str | None],
    headers: list[str],
    known_managers: set[str] | None = None,
    error_room: int = MAX_ERRORS,
) -> PreparedChunk:
    """Normalise and check one chunk: typed contract columns, which rows are bad and why."""
    data, rows = _drop_blank_rows(chunk)
    n = data.num_rows
    bad = np.zeros(n, dtype=bool)
    manager_bad = np.zeros(n, dtype=bool)
    errors: list[dict] = []
    columns: dict[str, pa.Array] = {}
    by_name = {name: i for i, name in enumerate(mapping) if name}
    for spec in CONTRACT[table]:
        if spec.name not in by_name:
            columns[spec.name] = pa.nulls(n, ARROW_TYPES[spec.kind])
            continue
        index = by_name[spec.name]
        raw = data.column(index).combine_chunks() if n else pa.array([], pa.string())
        values, text = parse_column(raw, spec)
        header = headers[index]
        checks = []
        if spec.kind not in ("text", "id"):  # text is never unparseable
            checks.append(
                (pc.and_(pc.is_valid(text), pc.is_null(values)), _parse_reason(spec), _parse_params(spec))
            )
        if spec.required:
            checks.append((pc.is_null(text), "required", {}))
        if spec.name == "tier":
            checks.append((pc.or_(pc.less(values, 1), pc.greater(values, 30)), "tier", {}))
        if spec.name in ("quantity", "duration_min"):
            checks.append((pc.less(values, 0), "negative", {}))
        if spec.name == "manager_id" and table == "customers" and known_managers is not None:
            known = pa.array(sorted(known_managers), pa.string())
            checks.append(
                (pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=known))), "manager", {})
            )
        for mask_array, code, params in checks:
            if n and pc.any(mask_array).as_py():  # most checks find nothing
                mask = to_numpy_mask(mask_array)
                if code == "manager":
                    manager_bad |= mask
                else:
                    bad |= mask
                errors += _cell_errors(mask, rows, text, header, code, params, error_room - len(errors))
        columns[spec.name] = values
    for problem in chunk.problems:
        errors.append(
            {
                "row": problem["row"],
                "column": "",
                "value": (problem["text"] or "")[:200],
                "code": "columns",
                "params": {"expected": len(headers), "actual": problem["actual"]},
            }
        )
    columns["_row"] = pa.array(rows, pa.int64())
    typed = pa.table(columns)
    return PreparedChunk(typed, bad | manager_bad, errors, n + len(chunk.problems), parse_bad=bad)


def _parse_reason(spec) -> str:
    return {
        "number": "number",
        "int": "integer",
        "date": "date",
        "datetime": "date",
        "month": "month",
        "bool": "bool",
        "enum": "enum",
    }.get(spec.kind, "text")


def _parse_params(spec) -> dict:
    return {"allowed": allowed_values(spec.name)} if spec.kind == "enum" else {}


@dataclass
class Prepared:
    """A whole file normalised for the page: typed rows, bad rows, errors (before writing)."""

    file_name: str
    sha256: str
    table: str
    mapping: list[str | None]
    chunks: list[PreparedChunk]
    errors: pd.DataFrame
    rows: int
    bad_rows: int


ERROR_COLUMNS = ["row", "column", "value", "code", "params"]


def _errors_frame(errors: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(errors, columns=ERROR_COLUMNS)
    return frame.sort_values(["row"], kind="stable", ignore_index=True) if len(frame) else frame


def render_errors(errors: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Bad rows as the supervisor reads them: row, column, value and the reason in `lang`."""
    reasons = [
        t(f"importer.reason_{code}", lang, **(params or {}))
        for code, params in zip(errors["code"], errors["params"], strict=True)
    ]
    return pd.DataFrame(
        {
            "row": errors["row"].astype("Int64"),
            "column": errors["column"],
            "value": errors["value"],
            "reason": reasons,
        }
    )


def check_mapping(table: str | None, mapping: list[str | None]) -> None:
    if table not in CONTRACT:
        raise ImportProblem("no_table")
    missing = missing_required(mapping, table)
    if missing:
        raise ImportProblem("missing_columns", columns=", ".join(missing))


def prepare(
    raw: RawFile,
    table: str,
    mapping: list[str | None],
    lang: str = "en",
    known_managers: set[str] | None = None,
    progress: Progress | None = None,
) -> Prepared:
    """Read and check the whole file without writing anything (the page's preview).

    `lang` is accepted for symmetry; reasons are rendered later with render_errors()."""
    check_mapping(table, mapping)
    chunks, errors, rows, bad = [], [], 0, 0
    for chunk in raw.chunks(progress):
        prepared = prepare_chunk(chunk, table, mapping, raw.headers, known_managers, MAX_ERRORS - len(errors))
        chunks.append(prepared)
        errors += prepared.errors
        rows += prepared.rows
        bad += int(prepared.bad.sum()) + len(chunk.problems)
    return Prepared(raw.file_name, raw.sha256, table, mapping, chunks, _errors_frame(errors), rows, bad)


# ------------------------------------------------------------------ writing


@dataclass
class ImportResult:
    file_name: str
    table: str | None
    mode: str
    status: str = "imported"  # imported | rejected
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    created_customers: int = 0
    import_id: int | None = None
    rows: int = 0
    errors: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ERROR_COLUMNS))
    seen_before: str | None = None  # when the same file (SHA-256) was imported before
    aggregates: str = ""  # "incremental" when order aggregates were refreshed

    def summary(self, lang: str = "en") -> str:
        key = "importer.summary_rejected" if self.status == "rejected" else "importer.summary"
        return t(
            key,
            lang,
            file=self.file_name,
            table=self.table or "?",
            added=self.added,
            updated=self.updated,
            unchanged=self.unchanged,
            rejected=self.rejected,
            created=self.created_customers,
        )


class _Rejected(Exception):
    pass


def _stage_ddl(table: str) -> str:
    columns = ", ".join(f"{f.name} {DDL_TYPES[f.kind]}" for f in CONTRACT[table])
    return f"CREATE TEMP TABLE import_stage ({columns}, _row BIGINT)"


# Which rows of an append-only table are the same line: per group of rows (those with / without
# an id column, or all), the columns that identify a row. A NULL id never equals a value, so the
# groups are disjoint.
Group = tuple[str | None, bool]  # (id column, whether it is filled); (None, True) = every row
_WHOLE_ORDER = ("customer_id", "order_date", "product", "quantity", "amount", "cost")
IDENTITIES: dict[str, list[tuple[Group, tuple[str, ...]]]] = {
    "orders": [
        (("order_id", True), ("order_id", "product")),
        (("order_id", False), ("order_id", *_WHOLE_ORDER)),
    ],
    "visits": [
        (("visit_id", True), ("visit_id",)),
        (("visit_id", False), ("visit_id", "customer_id", "manager_id", "visit_date")),
    ],
    "targets": [((None, True), ("manager_id", "month"))],
}


def _where(group: Group) -> str:
    column, filled = group
    return "TRUE" if column is None else f"{column} IS {'NOT ' if filled else ''}NULL"


def _group_keys(table: pa.Table, group: Group, identity: tuple[str, ...]) -> pa.Table:
    """The identity columns of the rows of `group`."""
    keys = table.select(list(identity))
    column, filled = group
    if column is None or table[column].null_count == (0 if filled else table.num_rows):
        return keys  # every row is in the group (the usual case: all ids filled)
    if table[column].null_count == (table.num_rows if filled else 0):
        return keys.slice(0, 0)
    return keys.filter(pc.is_valid(table[column]) if filled else pc.is_null(table[column]))


def _ascending(keys: pa.Table) -> np.ndarray:
    """Per row after the first: whether its key (compared column by column) is greater than the
    key of the row before."""
    before, after = keys.slice(0, keys.num_rows - 1), keys.slice(1)
    greater = equal = None
    for i, name in enumerate(keys.column_names):
        above = pc.greater(after[name], before[name])
        greater = above if greater is None else pc.or_(greater, pc.and_(equal, above))
        if i < keys.num_columns - 1:  # the last column's equality decides nothing
            same = pc.equal(after[name], before[name])
            equal = same if equal is None else pc.and_(equal, same)
    return to_numpy_mask(greater)


MAX_KEY_RUNS = 4096


class _KeyRuns:
    """The identity keys of one group in file order, cut into strictly ascending runs, each kept
    as its first (smallest) and last (largest) key. When no two runs' key ranges overlap, no key
    repeats: an export sorted by its id proves it (one run), and so does one sorted by date and by
    id within each day when the ids grow with the date (one run per day), without hashing the
    file. Python compares text by code point, as Arrow compares UTF-8 bytes. Keys with a NULL, or
    more than MAX_KEY_RUNS runs (an unsorted file), prove nothing."""

    def __init__(self):
        self.rows = 0
        self.runs: list[list[tuple]] | None = []

    def add(self, keys: pa.Table) -> None:
        self.rows += keys.num_rows
        if self.runs is None or not keys.num_rows:
            return
        if any(keys[name].null_count for name in keys.column_names):
            self.runs = None
            return
        starts = np.concatenate([[0], np.flatnonzero(~_ascending(keys)) + 1])
        if len(self.runs) + len(starts) > MAX_KEY_RUNS:
            self.runs = None
            return
        ends = np.concatenate([starts[1:] - 1, [keys.num_rows - 1]])
        firsts, lasts = (
            list(zip(*(keys[name].take(at).to_pylist() for name in keys.column_names), strict=True))
            for at in (starts, ends)
        )
        runs = [[first, last] for first, last in zip(firsts, lasts, strict=True)]
        if self.runs and runs[0][0] > self.runs[-1][1]:  # the run goes on from the chunk before
            self.runs[-1][1] = runs.pop(0)[1]
        self.runs += runs

    def bounds(self) -> tuple[tuple, tuple] | None:
        """The smallest and the largest key, when the runs are known."""
        if not self.runs:
            return None
        return min(first for first, _ in self.runs), max(last for _, last in self.runs)

    def distinct(self) -> bool:
        if self.runs is None:
            return False
        ranges = sorted(self.runs)
        return all(before[1] < after[0] for before, after in itertools.pairwise(ranges))


def _stage_schema(table: str) -> pa.Schema:
    return pa.schema([(f.name, ARROW_TYPES[f.kind]) for f in CONTRACT[table]] + [("_row", pa.int64())])


class _Stage:
    """A file's good rows until they are written, seen by SQL as `import_stage`.

    Rows that are only appended (orders, visits, targets) stay as Arrow tables in memory, which DuckDB
    reads in place, while they fit in STAGE_MEMORY_BYTES; past that (and for customers and managers,
    whose stage is edited) they go to a temporary table, so memory stays bounded for any file size."""

    def __init__(self, cur, table: str):
        self.cur, self.table = cur, table
        self.schema = _stage_schema(table)
        self.parts: list[pa.Table] = []
        self.held = 0
        self.in_table = table not in IDENTITIES
        # Per identity group, while the rows are in memory: its keys' ascending runs, which prove
        # at little cost, as the rows arrive, that a sorted file repeats no key.
        self.runs: dict[Group, _KeyRuns] = {}
        cur.execute("DROP TABLE IF EXISTS import_stage")
        if self.in_table:
            cur.execute(_stage_ddl(table))

    def add(self, good: pa.Table) -> None:
        good = good.cast(self.schema)
        if self.in_table:
            self._insert(good)
            return
        self.parts.append(good)
        self.held += good.nbytes
        self._learn(good)
        if self.held > STAGE_MEMORY_BYTES:
            self.cur.execute(_stage_ddl(self.table))
            for part in self.parts:
                self._insert(part)
            self.parts, self.held, self.in_table, self.runs = [], 0, True, {}

    def _learn(self, good: pa.Table) -> None:
        for group, identity in IDENTITIES[self.table]:
            self.runs.setdefault(group, _KeyRuns()).add(_group_keys(good, group, identity))

    def _insert(self, good: pa.Table) -> None:
        self.cur.register("import_chunk", good)
        self.cur.execute("INSERT INTO import_stage SELECT * FROM import_chunk")
        self.cur.unregister("import_chunk")

    def ready(self) -> None:
        """Make the rows visible to SQL (after the last add)."""
        if not self.in_table:
            self.cur.register(
                "import_stage", pa.concat_tables(self.parts) if self.parts else self.schema.empty_table()
            )

    def known(self, group: Group) -> tuple[int, bool] | None:
        """(rows, whether their keys are known to be distinct) of an identity group, when in memory."""
        if self.in_table:
            return None
        runs = self.runs.get(group)
        return (runs.rows, runs.distinct()) if runs else (0, True)

    def id_range(self, group: Group) -> tuple | None:
        """The lowest and highest id of an identity group with ids, when the runs tell it."""
        runs = None if self.in_table or group[0] is None else self.runs.get(group)
        bounds = runs.bounds() if runs else None
        return (bounds[0][0], bounds[1][0]) if bounds else None

    def count(self) -> int:
        if self.in_table:
            return self.cur.execute("SELECT count(*) FROM import_stage").fetchall()[0][0]
        return sum(part.num_rows for part in self.parts)

    def close(self) -> None:
        if self.in_table:
            self.cur.execute("DROP TABLE import_stage")
        else:
            self.cur.unregister("import_stage")
            self.parts = []


def _import_chunks(
    con,
    table: str,
    mapping: list[str | None],
    chunks: Iterator[PreparedChunk],
    file_name: str,
    sha256: str | Future,
    mode: str,
    progress: Progress | None,
) -> ImportResult:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    result = ImportResult(file_name=file_name, table=table, mode=mode)
    errors: list[dict] = []
    mapped = [name for name in mapping if name]
    report = progress or (lambda fraction, phase: None)
    try:
        with db.transaction(con) as cur:
            # Rows need no order beyond the explicit ORDER BYs, which lets DuckDB insert in parallel.
            cur.execute("SET preserve_insertion_order = false")
            stage = _Stage(cur, table)
            for prepared in chunks:
                result.rows += prepared.rows
                result.rejected += int(prepared.bad.sum()) + (prepared.rows - len(prepared.bad))
                errors += prepared.errors[: max(MAX_ERRORS - len(errors), 0)]
                good = (
                    prepared.typed.filter(pa.array(~prepared.bad)) if prepared.bad.any() else prepared.typed
                )
                if good.num_rows:
                    stage.add(good)
            stage.ready()
            if table == "customers" and "manager_id" in mapped:
                unknown = _unknown_managers(cur)
                result.rejected += len(unknown)
                errors += unknown[: max(MAX_ERRORS - len(errors), 0)]
            result.errors = _errors_frame(errors)
            if mode == "strict" and result.rejected:
                raise _Rejected
            report(0.8, "writing")
            result.import_id = int(
                cur.execute("SELECT COALESCE(max(import_id), 0) + 1 FROM import_log").fetchall()[0][0]
            )
            staged = stage.count()
            added, updated = MERGES[table](cur, result.import_id, mapped, stage)
            result.added, result.updated = added, updated
            result.unchanged = staged - added - updated
            # When every staged row was added, the stage is the import's lines: grouped by day once.
            grouped = table == "orders" and 0 < added == staged
            if grouped:
                group_import_days(cur)
            if table in ("orders", "visits"):
                source, unknown = (
                    ("agg_days", "s.unknown_customer") if grouped else ("import_stage", _NOT_A_CUSTOMER)
                )
                result.created_customers = _create_unknown_customers(
                    cur, result.import_id, table, source, unknown
                )
            if table == "visits" and added:
                db.number_visits(cur)
            if table == "orders" and added:
                report(0.9, "aggregates")
                add_to_order_aggregates(cur, result.import_id, grouped=grouped)
                result.aggregates = "incremental"
            sha256 = _hex_digest(sha256)  # hashed in the background meanwhile
            result.seen_before = _seen_before(cur, sha256)
            cur.execute(
                """INSERT INTO import_log (import_id, file_name, sha256, table_name, rows_added, rows_updated,
                       rows_unchanged, rows_rejected, imported_at, mode, undone_at, rows_created_customers)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)""",
                [
                    result.import_id,
                    file_name,
                    sha256,
                    table,
                    result.added,
                    result.updated,
                    result.unchanged,
                    result.rejected,
                    datetime.now().replace(microsecond=0),
                    mode,
                    result.created_customers,
                ],
            )
            stage.close()
    except _Rejected:
        result.status = "rejected"
        result.import_id = None
        result.added = result.updated = result.unchanged = result.created_customers = 0
    report(1.0, "done")
    return result


def _seen_before(cur, sha256: str) -> str | None:
    found = cur.execute(
        "SELECT max(imported_at) FROM import_log WHERE sha256 = ? AND undone_at IS NULL", [sha256]
    ).fetchall()[0][0]
    return None if found is None else str(found)


def _unknown_managers(cur) -> list[dict]:
    """Customer rows naming a manager the store does not know: row errors, removed from the stage."""
    found = cur.execute(
        """SELECT _row, manager_id FROM import_stage s
           WHERE manager_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM managers m WHERE m.manager_id = s.manager_id)
           ORDER BY _row"""
    ).fetchall()
    if found:
        cur.execute(
            """DELETE FROM import_stage s WHERE manager_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM managers m WHERE m.manager_id = s.manager_id)"""
        )
    return [
        {"row": row, "column": "manager_id", "value": value, "code": "manager", "params": {}}
        for row, value in found
    ]


def _first_rows(cur, partition: list[str], where: str = "TRUE") -> None:
    """Duplicates inside the file count once: keep the first row of each identity."""
    cur.execute(
        f"""INSERT INTO import_first SELECT * FROM import_stage WHERE {where} AND _row IN (
                SELECT min(_row) FROM import_stage WHERE {where} GROUP BY {", ".join(partition)})"""
    )


def _same(columns: list[str], left: str = "o", right: str = "s") -> str:
    return " AND ".join(f"{left}.{c} IS NOT DISTINCT FROM {right}.{c}" for c in columns)


def _first_of_each(cur, stage: _Stage, group: Group, identity: tuple[str, ...]) -> str | None:
    """The staged rows of `group` to consider, as a FROM source (None when there are none):
    duplicates inside the file count once (the first row of each identity). Most files have none,
    which is proven cheaply: by the key order seen while staging, else by hashes (equal identities
    have equal hashes, so as many distinct hashes as rows means no duplicate)."""
    where = _where(group)
    rows, distinct = stage.known(group) or (None, False)
    if rows is None or (rows and not distinct):
        rows, hashes = cur.execute(
            f"SELECT count(*), count(DISTINCT hash({', '.join(identity)})) FROM import_stage WHERE {where}"
        ).fetchall()[0]
        distinct = rows == hashes
    if not rows:
        return None
    if distinct:
        return f"(SELECT * FROM import_stage WHERE {where})"
    return f"""(SELECT * FROM import_stage WHERE {where}
                QUALIFY row_number() OVER (PARTITION BY {", ".join(identity)} ORDER BY _row) = 1)"""


def _append_new(cur, table: str, import_id: int, stage: _Stage) -> int:
    """Insert staged rows whose identity is not in the table yet (the file's first row of each
    identity); returns rows added. The identity groups are disjoint (a NULL id never equals a
    value), so each group is written in one statement."""
    columns = [f.name for f in CONTRACT[table]]
    added = 0
    for group, identity in IDENTITIES[table]:
        source = _first_of_each(cur, stage, group, identity)
        if source is None:
            continue
        known = _stored_before(cur, table, source, group, identity, stage.id_range(group))
        new = "TRUE" if not known else "s._row NOT IN (SELECT _row FROM import_known)"
        added += cur.execute(
            f"""INSERT INTO {table} ({", ".join(columns)}, import_id)
                SELECT {", ".join("s." + c for c in columns)}, ? FROM {source} s WHERE {new}""",
            [import_id],
        ).fetchall()[0][0]
        cur.execute("DROP TABLE IF EXISTS import_known")
    return added


def _stored_before(
    cur, table: str, source: str, group: Group, identity: tuple[str, ...], id_range: tuple | None = None
) -> int:
    """How many of the `source` rows the table already holds; when the join below ran, their
    _row are in temp table import_known (the caller drops it). A file of new ids (the usual
    export: order and visit numbers grow) is settled by looking up its id range (`id_range` when
    the stage knows it), which DuckDB answers from the row groups' min/max;
    otherwise a join hashes the file's rows and probes the table with them (DuckDB then skips
    the table's row groups outside the file's key range), rather than NOT EXISTS, which hashes
    the whole table: time and memory grew with it."""
    column, filled = group
    if column is not None and filled:
        low, high = (
            id_range or cur.execute(f"SELECT min({column}), max({column}) FROM {source} s").fetchall()[0]
        )
        if not cur.execute(
            f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {column} BETWEEN ? AND ?)", [low, high]
        ).fetchall()[0][0]:
            return 0
    cur.execute(
        f"""CREATE TEMP TABLE import_known AS
            SELECT DISTINCT s._row FROM {source} s JOIN {table} o ON {_same(list(identity))}"""
    )
    return cur.execute("SELECT count(*) FROM import_known").fetchall()[0][0]


def _merge_appended(table: str):
    def merge(cur, import_id: int, mapped: list[str], stage: _Stage) -> tuple[int, int]:
        return _append_new(cur, table, import_id, stage), 0

    return merge


def _merge_keyed(cur, table: str, key: str, import_id: int, mapped: list[str]) -> tuple[int, int]:
    """Customers/managers: new keys inserted, changed rows updated in place (old row kept for undo)."""
    cur.execute("DROP TABLE IF EXISTS import_first")
    cur.execute("CREATE TEMP TABLE import_first AS SELECT * FROM import_stage LIMIT 0")
    _first_rows(cur, [key])
    values = [c for c in mapped if c != key]
    updated = 0
    if values:
        differs = " OR ".join(f"t.{c} IS DISTINCT FROM s.{c}" for c in values)
        cur.execute(
            f"""CREATE TEMP TABLE import_changed AS
                SELECT s.* FROM import_first s JOIN {table} t ON t.{key} = s.{key} WHERE {differs}"""
        )
        cur.execute(
            f"""INSERT INTO import_undo
                SELECT ?, ?, t.{key}, to_json(t)::VARCHAR FROM {table} t
                WHERE t.{key} IN (SELECT {key} FROM import_changed)""",
            [import_id, table],
        )
        assignments = ", ".join(f"{c} = s.{c}" for c in values)
        updated = cur.execute(
            f"UPDATE {table} SET {assignments} FROM import_changed s WHERE {table}.{key} = s.{key}"
        ).fetchall()[0][0]
        cur.execute("DROP TABLE import_changed")
    new = f"NOT EXISTS (SELECT 1 FROM {table} t WHERE t.{key} = s.{key})"
    cur.execute(
        f"INSERT INTO import_undo SELECT ?, ?, s.{key}, NULL FROM import_first s WHERE {new}",
        [import_id, table],
    )
    columns = [key, *values]
    added = cur.execute(
        f"""INSERT INTO {table} ({", ".join(columns)})
            SELECT {", ".join("s." + c for c in columns)} FROM import_first s WHERE {new}"""
    ).fetchall()[0][0]
    cur.execute("DROP TABLE import_first")
    return added, updated


MERGES = {
    **{table: _merge_appended(table) for table in IDENTITIES},
    "customers": lambda cur, import_id, mapped, stage: _merge_keyed(
        cur, "customers", "customer_id", import_id, mapped
    ),
    "managers": lambda cur, import_id, mapped, stage: _merge_keyed(
        cur, "managers", "manager_id", import_id, mapped
    ),
}


_NOT_A_CUSTOMER = "NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = s.customer_id)"


def _create_unknown_customers(cur, import_id: int, table: str, source: str, unknown: str) -> int:
    """Orders or visits of a customer the store does not know create that customer, attributes
    unknown (visits also give its manager). `source` `s`: the file's rows (`unknown`:
    _NOT_A_CUSTOMER), or its order days (agg_days, which know their unknown customers)."""
    manager = "arg_max(manager_id, visit_date)" if table == "visits" else "NULL"
    cur.execute(
        f"""CREATE TEMP TABLE import_new_customers AS
            SELECT customer_id, {manager} AS manager_id FROM {source} s WHERE {unknown}
            GROUP BY customer_id"""
    )
    created = cur.execute(
        "INSERT INTO customers (customer_id, manager_id) SELECT customer_id, manager_id FROM import_new_customers"
    ).fetchall()[0][0]
    if created:
        cur.execute(
            "INSERT INTO import_undo SELECT ?, 'customers', customer_id, NULL FROM import_new_customers",
            [import_id],
        )
    cur.execute("DROP TABLE import_new_customers")
    return created


# An import's order lines {lines} as day totals per customer (temp table agg_days), with the
# customers' numbers (NULL for a customer new to the store), new_day to be settled and, when
# {customers} joins customers `c`, whether the customer is unknown.
_DAY_TOTALS = f"""CREATE TEMP TABLE agg_days AS
    SELECT n.customer_id, k.customer_no, n.order_date, FALSE AS new_day, n.amount AS add_amount,
           n.quantity AS add_quantity, n.cost AS add_cost, n.lines AS add_lines,
           {{unknown}} AS unknown_customer
    FROM ({db.DAY_TOTALS.format(lines="{lines}", where="TRUE")}) n
    LEFT JOIN customer_keys k ON k.customer_id = n.customer_id {{customers}}"""


def group_import_days(cur) -> None:
    """The import's lines, when they are exactly the stage's rows, as day totals in agg_days: the
    file is grouped once, for its unknown customers, their numbers and the aggregates."""
    cur.execute("DROP TABLE IF EXISTS agg_days")
    cur.execute(
        _DAY_TOTALS.format(
            lines="import_stage",
            unknown="c.customer_id IS NULL",
            customers="LEFT JOIN customers c ON c.customer_id = n.customer_id",
        )
    )


def _plus(a: str, b: str) -> str:
    """a + b where NULL means 'no value' (as sum() over only NULLs gives NULL)."""
    return f"CASE WHEN {a} IS NULL AND {b} IS NULL THEN NULL ELSE COALESCE({a}, 0) + COALESCE({b}, 0) END"


def add_to_order_aggregates(cur, import_id: int, grouped: bool = False) -> None:
    """Add one import's order lines to order_days/order_months without re-reading the other orders:
    only the (customer, day) and (customer, month) groups it touches are rewritten. Orders are only
    ever appended by an import, so old totals + the import's totals = the new totals.

    `grouped`: the import's day totals are in agg_days already (group_import_days); otherwise its
    lines are read back from orders."""
    if not grouped:
        cur.execute("DROP TABLE IF EXISTS agg_days")
        cur.execute(
            _DAY_TOTALS.format(
                lines="(SELECT * FROM orders WHERE import_id = ?)", unknown="FALSE", customers=""
            ),
            [import_id],
        )
    # The period as day numbers: Python's date cannot hold every date the store can.
    first, last, first_month, last_month, days, unnumbered = cur.execute(
        f"""SELECT min(order_date) - {EPOCH}, max(order_date) - {EPOCH},
                   date_trunc('month', min(order_date))::DATE - {EPOCH},
                   date_trunc('month', max(order_date))::DATE - {EPOCH},
                   count(*), count(*) FILTER (WHERE customer_no IS NULL)
            FROM agg_days"""
    ).fetchall()[0]
    if first is not None:
        if unnumbered:
            db.fill_customer_numbers(cur, "agg_days")
        source, all_stored = _add_days(cur, first, last, days)
        _add_months(cur, source, first_month, last_month, all_stored)
    cur.execute("DROP TABLE agg_days")


def _add_days(cur, first: int, last: int, days: int) -> tuple[str, bool]:
    """order_days += the import's `days` day totals (agg_days). Returns the SQL source of those
    totals for the months (customer_no, order_date, add_amount, add_quantity, add_cost, add_lines,
    new_day: the customer had no order that day before) and whether every day was stored
    before. The stored days are matched by the integer customer_no (no text compared)."""
    # The date range lets the store skip the row groups of other periods.
    known = cur.execute(
        f"SELECT count(*) FROM order_days WHERE order_date BETWEEN {DAY} AND {DAY}", [first, last]
    ).fetchall()[0][0]
    if not known:  # the usual import: a new period, its days are simply appended
        cur.execute(f"""INSERT INTO order_days ({DAYS_COLUMNS})
                        SELECT customer_id, order_date, add_amount, add_quantity, add_cost, add_lines, customer_no
                        FROM agg_days ORDER BY {DAYS_ORDER}""")
        return (
            """(SELECT customer_no, order_date, add_amount, add_quantity, add_cost, add_lines, TRUE AS new_day
                   FROM agg_days)""",
            False,
        )
    # Days the store already has are updated in place (cheaper than deleting and re-inserting
    # them, and they keep their place in date order); the new days are appended. No date range
    # here: against the whole table DuckDB builds its hash table on the import's days and walks
    # the stored days in storage order, applying the updates in order (a range made it guess the
    # stored side smaller on a small store and apply them in random order: 0.35 s instead of
    # 0.04 s on the demo database); the join's key range still skips other periods' row groups.
    updated = cur.execute(
        f"""UPDATE order_days d SET amount = {_plus("d.amount", "k.add_amount")},
                   quantity = {_plus("d.quantity", "k.add_quantity")}, cost = {_plus("d.cost", "k.add_cost")},
                   lines = COALESCE(d.lines, 0) + k.add_lines
            FROM agg_days k
            WHERE k.customer_no = d.customer_no AND k.order_date = d.order_date"""
    ).fetchall()[0][0]
    if updated < days:  # some days are new to the store (the updated ones are not told apart before)
        cur.execute(
            f"""UPDATE agg_days k SET new_day = TRUE
                        WHERE NOT EXISTS (SELECT 1 FROM order_days d WHERE d.order_date BETWEEN {DAY} AND {DAY}
                                          AND d.customer_no = k.customer_no AND d.order_date = k.order_date)""",
            [first, last],
        )
        cur.execute(f"""INSERT INTO order_days ({DAYS_COLUMNS})
                        SELECT customer_id, order_date, add_amount, add_quantity, add_cost, add_lines, customer_no
                        FROM agg_days WHERE new_day ORDER BY {DAYS_ORDER}""")
    return "agg_days", updated == days


# A month total `i` (by customer_no) as an order_months row, its customer_id from customer_keys `k`.
_NEW_MONTH = """k.customer_id, i.month, i.amount, i.quantity, i.cost, i.order_days, i.lines, i.first_day,
                i.last_day, i.customer_no"""


def _add_months(cur, days: str, first: int, last: int, all_stored: bool = False) -> None:
    """order_months += the import's day totals by month (order_days counts the new days).
    `all_stored`: every day was stored before, so is every month, and only the sums change."""
    increments = f"""SELECT customer_no, date_trunc('month', order_date)::DATE AS month,
                            sum(add_amount) AS amount, sum(add_quantity) AS quantity, sum(add_cost) AS cost,
                            count(*) FILTER (WHERE new_day) AS order_days, sum(add_lines) AS lines,
                            min(order_date) AS first_day, max(order_date) AS last_day
                     FROM {days} GROUP BY ALL"""
    sums = f"""amount = {_plus("m.amount", "k.amount")}, quantity = {_plus("m.quantity", "k.quantity")},
               cost = {_plus("m.cost", "k.cost")}, lines = COALESCE(m.lines, 0) + k.lines"""
    if all_stored:
        cur.execute(f"""UPDATE order_months m SET {sums} FROM ({increments}) k
                        WHERE k.customer_no = m.customer_no AND k.month = m.month""")
        return
    known = cur.execute(
        f"SELECT count(*) FROM order_months WHERE month BETWEEN {DAY} AND {DAY}", [first, last]
    ).fetchall()[0][0]
    if not known:
        cur.execute(f"""INSERT INTO order_months ({MONTHS_COLUMNS})
                        SELECT {_NEW_MONTH} FROM ({increments}) i JOIN customer_keys k USING (customer_no)
                        ORDER BY {MONTHS_ORDER}""")
        return
    months = cur.execute(
        f"CREATE TEMP TABLE agg_months AS SELECT *, FALSE AS new_month FROM ({increments}) n"
    ).fetchall()[0][0]
    updated = cur.execute(
        f"""UPDATE order_months m SET {sums}
            FROM agg_months k
            WHERE k.customer_no = m.customer_no AND k.month = m.month"""
    ).fetchall()[0][0]  # no range: see _add_days
    # Only new order days change a month's day count and can move its first or last day (a day
    # already stored lies between them): the other months keep those columns as they are.
    cur.execute("""UPDATE order_months m SET order_days = COALESCE(m.order_days, 0) + k.order_days,
                          first_day = least(m.first_day, k.first_day), last_day = greatest(m.last_day, k.last_day)
                   FROM (SELECT * FROM agg_months WHERE order_days > 0) k
                   WHERE k.customer_no = m.customer_no AND k.month = m.month""")
    if updated < months:
        cur.execute(
            f"""UPDATE agg_months k SET new_month = TRUE
                        WHERE NOT EXISTS (SELECT 1 FROM order_months m WHERE m.month BETWEEN {DAY} AND {DAY}
                                          AND m.customer_no = k.customer_no AND m.month = k.month)""",
            [first, last],
        )
        cur.execute(f"""INSERT INTO order_months ({MONTHS_COLUMNS})
                        SELECT {_NEW_MONTH} FROM agg_months i JOIN customer_keys k USING (customer_no)
                        WHERE new_month ORDER BY {MONTHS_ORDER}""")
    cur.execute("DROP TABLE agg_months")


def refresh_order_aggregates(cur, keys_sql: str, params: list) -> None:
    """Recompute order_days/order_months only for the (customer, day) and (customer, month) groups
    that `keys_sql` (customer_id, order_date rows) touches; same result as db.refresh_aggregates()."""
    cur.execute(
        f"CREATE TEMP TABLE agg_days AS SELECT DISTINCT customer_id, order_date FROM ({keys_sql})", params
    )
    cur.execute("""CREATE TEMP TABLE agg_months AS
                   SELECT DISTINCT customer_id, date_trunc('month', order_date)::DATE AS month FROM agg_days""")
    cur.execute("""DELETE FROM order_days d WHERE EXISTS (SELECT 1 FROM agg_days k
                   WHERE k.customer_id = d.customer_id AND k.order_date = d.order_date)""")
    db.number_customers(cur, "SELECT customer_id FROM agg_days")
    cur.execute(
        db.DAYS_FROM_LINES.format(
            lines="orders",
            where="""EXISTS (SELECT 1 FROM agg_days k WHERE k.customer_id = o.customer_id
                                                                AND k.order_date = o.order_date)""",
        )
    )
    cur.execute("""DELETE FROM order_months m WHERE EXISTS (SELECT 1 FROM agg_months k
                   WHERE k.customer_id = m.customer_id AND k.month = m.month)""")
    cur.execute(
        db.MONTHS_FROM_DAYS.format(
            where="""EXISTS (SELECT 1 FROM agg_months k WHERE k.customer_id = d.customer_id
                          AND k.month = date_trunc('month', d.order_date)::DATE)"""
        )
    )
    cur.execute("DROP TABLE agg_days")
    cur.execute("DROP TABLE agg_months")


# ------------------------------------------------------------------ public entry points


def import_prepared(
    con,
    prepared: Prepared,
    file_name: str | None = None,
    sha256: str | None = None,
    mode: str = "strict",
    progress: Progress | None = None,
) -> ImportResult:
    """Write a file checked on the page (one transaction)."""

    def parse_only(chunk: PreparedChunk) -> PreparedChunk:
        # The page may have checked managers against the upload too; the store decides now.
        if chunk.parse_bad is None:
            return chunk
        errors = [e for e in chunk.errors if e["code"] != "manager"]
        return PreparedChunk(chunk.typed, chunk.parse_bad, errors, chunk.rows)

    return _import_chunks(
        con,
        prepared.table,
        prepared.mapping,
        (parse_only(c) for c in prepared.chunks),
        file_name or prepared.file_name,
        sha256 or prepared.sha256,
        mode,
        progress,
    )


def import_raw(
    con,
    raw: RawFile,
    table: str | None = None,
    mapping: list[str | None] | None = None,
    mode: str = "strict",
    progress: Progress | None = None,
) -> ImportResult:
    """Read, check and write a file chunk by chunk (bounded memory), in one transaction."""
    if table is None:
        table, detected = detect_table(raw.headers)
        mapping = mapping or detected
    if table not in CONTRACT:
        raise ImportProblem("no_table")
    mapping = mapping or map_headers(raw.headers, table)
    check_mapping(table, mapping)
    with closing(
        _read_ahead(raw, lambda chunk: prepare_chunk(chunk, table, mapping, raw.headers), progress)
    ) as chunks:
        return _import_chunks(con, table, mapping, chunks, raw.file_name, raw.digest, mode, progress)


def _read_ahead(
    raw: RawFile, prepare_one: Callable[[Chunk], PreparedChunk], progress: Progress | None = None
) -> Iterator[PreparedChunk]:
    """The file's prepared chunks in order, while the next chunk is read and the ones before it are
    prepared in worker threads (Arrow's reading and normalising release the GIL, so they run on all
    the machine's cores). At most PREPARE_AHEAD + 1 chunks are in flight: memory stays bounded.
    Progress is reported from the caller's thread."""
    chunks = raw.chunks()

    def finished(fraction: float | None, job) -> PreparedChunk:
        prepared = job.result()
        if progress and fraction is not None:
            progress(fraction, "reading")
        return prepared

    with ThreadPoolExecutor(max_workers=PREPARE_AHEAD + 1, thread_name_prefix="import") as pool:
        reading = pool.submit(next, chunks, None)
        preparing: deque = deque()
        try:
            while (chunk := reading.result()) is not None:
                reading = pool.submit(next, chunks, None)
                preparing.append((chunk.read_fraction, pool.submit(prepare_one, chunk)))
                while preparing and (preparing[0][1].done() or len(preparing) >= PREPARE_AHEAD):
                    yield finished(*preparing.popleft())
            while preparing:
                yield finished(*preparing.popleft())
        finally:
            for _, job in preparing:
                job.cancel()
            wait([reading])
            chunks.close()  # closes the file (the generator is idle now)


def import_file(
    con,
    path: str | Path,
    table: str | None = None,
    mode: str = "strict",
    lang: str = "en",
    progress: Progress | None = None,
    sheet: str | None = None,
) -> ImportResult:
    """Import one CSV/TSV/TXT/XLSX file; the table is detected from the headers unless given.

    Raises ImportProblem for a file that cannot be read or mapped (nothing is written)."""
    return import_raw(con, read_table_file(path, sheet=sheet), table=table, mode=mode, progress=progress)


def import_log(con) -> pd.DataFrame:
    """Every import, newest first: file, fingerprint, table, rows added/updated/unchanged/rejected."""
    return db.query(
        con,
        """SELECT import_id, imported_at, file_name, table_name, mode, rows_added, rows_updated,
                  rows_unchanged, rows_rejected, COALESCE(rows_created_customers, 0) AS rows_created_customers,
                  undone_at, sha256
           FROM import_log ORDER BY import_id DESC""",
    )


def _json_structure(cur, table: str) -> str:
    columns = cur.execute(f"DESCRIBE {table}").fetchall()
    return json.dumps({name: kind for name, kind, *_ in columns})


def undo_import(con, import_id: int) -> dict:
    """Take an import back in one transaction: its rows removed, customers/managers it changed
    restored, customers it created removed. An import can be undone once."""
    import_id = int(import_id)
    with db.transaction(con) as cur:
        found = cur.execute(
            "SELECT table_name, undone_at FROM import_log WHERE import_id = ?", [import_id]
        ).fetchall()
        if not found:
            raise ImportProblem("undo_unknown", import_id=import_id)
        table, undone_at = found[0]
        if undone_at is not None:
            raise ImportProblem("undo_twice", import_id=import_id)
        removed = 0
        if table in ("orders", "visits", "targets"):
            if table == "orders":
                cur.execute(
                    """CREATE TEMP TABLE undo_keys AS
                               SELECT DISTINCT customer_id, order_date FROM orders WHERE import_id = ?""",
                    [import_id],
                )
            removed = cur.execute(f"DELETE FROM {table} WHERE import_id = ?", [import_id]).fetchall()[0][0]
            if table == "orders":
                refresh_order_aggregates(cur, "SELECT * FROM undo_keys", [])
                cur.execute("DROP TABLE undo_keys")
        restored = 0
        for keyed, key in (("customers", "customer_id"), ("managers", "manager_id")):
            restored += _restore_rows(cur, import_id, keyed, key)
        cur.execute("DELETE FROM import_undo WHERE import_id = ?", [import_id])
        cur.execute(
            "UPDATE import_log SET undone_at = ? WHERE import_id = ?",
            [datetime.now().replace(microsecond=0), import_id],
        )
    return {"import_id": import_id, "table": table, "removed": removed, "restored": restored}


def _restore_rows(cur, import_id: int, table: str, key: str) -> int:
    where = "import_id = ? AND table_name = ?"
    created = cur.execute(
        f"""DELETE FROM {table} WHERE {key} IN
            (SELECT key FROM import_undo WHERE {where} AND row_json IS NULL)""",
        [import_id, table],
    ).fetchall()[0][0]
    columns = [name for name, *_ in cur.execute(f"DESCRIBE {table}").fetchall()]
    cur.execute(
        f"""CREATE TEMP TABLE undo_rows AS
            SELECT unnest(json_transform(row_json, ?)) FROM import_undo WHERE {where} AND row_json IS NOT NULL""",
        [_json_structure(cur, table), import_id, table],
    )
    assignments = ", ".join(f"{c} = r.{c}" for c in columns if c != key)
    changed = cur.execute(
        f"UPDATE {table} SET {assignments} FROM undo_rows r WHERE {table}.{key} = r.{key}"
    ).fetchall()[0][0]
    cur.execute(
        f"""INSERT INTO {table} SELECT * FROM undo_rows r
            WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.{key} = r.{key})"""
    )
    cur.execute("DROP TABLE undo_rows")
    return created + changed


# ------------------------------------------------------------------ templates, samples, benchmarks


def template_bytes(table: str, lang: str = "zh") -> bytes:
    """A blank CSV (UTF-8 with BOM) with the table's headers: Chinese aliases or English names."""
    headers = [(f.aliases[0] if lang == "zh" and f.aliases else f.name) for f in CONTRACT[table]]
    return to_csv_bytes(pd.DataFrame(columns=headers))


def write_orders_csv(
    path: str | Path, rows: int, seed: int = 0, customers: int = 30_000, chinese_headers: bool = True
) -> Path:
    """A synthetic orders CSV (UTF-8) of `rows` lines, for measuring the import."""
    rng = np.random.default_rng(seed)
    day = np.datetime64("2024-01-01") + rng.integers(0, 730, rows).astype("timedelta64[D]")
    number = np.arange(rows) // 3
    headers = (
        ["订单编号", "客户编码", "订货日期", "卷烟名称", "数量", "金额", "成本"]
        if chinese_headers
        else ["order_id", "customer_id", "order_date", "product", "quantity", "amount", "cost"]
    )
    quantity = rng.integers(1, 50, rows).astype(np.float64)
    price = rng.choice(np.array([95.0, 150.0, 220.0, 420.0]), rows)
    table = pa.table(
        {
            headers[0]: pc.binary_join_element_wise("O", pc.cast(pa.array(number + 10**8), pa.string()), ""),
            headers[1]: pc.cast(pa.array(330102000000 + rng.integers(1, customers + 1, rows)), pa.string()),
            headers[2]: pc.cast(pa.array(day), pa.string()),
            headers[3]: pc.binary_join_element_wise(
                "品规", pc.cast(pa.array(np.arange(rows) % 3), pa.string()), ""
            ),
            headers[4]: pa.array(quantity),
            headers[5]: pa.array(quantity * price),
            headers[6]: pa.array(np.round(quantity * price * 0.7, 2)),
        }
    )
    path = Path(path)
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none"))
    return path


def measure_import(rows: int = 1_000_000, workdir: str | Path = "/tmp") -> dict:
    """Import a synthetic orders CSV into a fresh database: rows/s and peak memory (MB)."""
    import resource

    workdir = Path(workdir)
    csv_path = write_orders_csv(workdir / f"orders_{rows}.csv", rows)
    db_path = workdir / f"import_bench_{rows}.duckdb"
    db_path.unlink(missing_ok=True)
    con = db.connect(db_path)
    began = time.perf_counter()
    result = import_file(con, csv_path, table="orders", mode="strict")
    seconds = time.perf_counter() - began
    return {
        "rows": rows,
        "added": result.added,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "aggregates": result.aggregates,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


# ------------------------------------------------------------------ command line

EXPORT_TABLES = (*db.DATA_TABLES, "import_log")


def add_commands(subparsers, parents) -> None:
    cmd = subparsers.add_parser(
        "import", parents=[parents["db"]], help="import CSV/TSV/TXT/XLSX files (one transaction each)"
    )
    cmd.add_argument("files", nargs="+", metavar="FILE")
    cmd.add_argument("--table", choices=TABLE_ORDER, help="target table (default: detected from the headers)")
    cmd.add_argument(
        "--mode",
        choices=MODES,
        default="strict",
        help="strict: any bad row rejects the file; valid-only: skip bad rows",
    )
    cmd.add_argument("--sheet", help="Excel sheet (default: the first)")
    cmd.add_argument("--lang", choices=("en", "zh"), default="en")
    cmd.add_argument("--show-errors", type=int, default=20, help="bad rows printed per rejected file")
    cmd.set_defaults(handler=_cmd_import)

    cmd = subparsers.add_parser("export", parents=[parents["db"]], help="export a table as CSV or XLSX")
    cmd.add_argument("--table", choices=EXPORT_TABLES, required=True)
    cmd.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    cmd.add_argument("--out", required=True, help="output file")
    cmd.set_defaults(handler=_cmd_export)


def _cmd_import(args: argparse.Namespace) -> int:
    con = db.connect(args.db)
    opened: list[tuple[int, RawFile]] = []
    status = 0
    for path in args.files:
        try:
            raw = read_table_file(path, sheet=args.sheet)
            table = args.table or detect_table(raw.headers)[0]
            opened.append((TABLE_ORDER.index(table) if table in TABLE_ORDER else 99, raw))
        except (ImportProblem, OSError) as exc:
            print(f"{path}: {_problem_text(exc, args.lang)}", file=sys.stderr)
            status = 2
    # Managers before customers before their orders and visits, so references resolve.
    for _, raw in sorted(opened, key=lambda item: item[0]):
        try:
            result = import_raw(con, raw, table=args.table, mode=args.mode)
        except ImportProblem as exc:
            print(f"{raw.file_name}: {exc.message(args.lang)}", file=sys.stderr)
            status = 2
            continue
        print(result.summary(args.lang))
        if result.status == "rejected":
            status = 2
            shown = render_errors(result.errors.head(args.show_errors), args.lang)
            for row in shown.itertuples(index=False):
                print(f"  row {row.row}, {row.column} = {row.value!r}: {row.reason}", file=sys.stderr)
    return status


def _problem_text(exc: Exception, lang: str) -> str:
    return exc.message(lang) if isinstance(exc, ImportProblem) else str(exc)


def _cmd_export(args: argparse.Namespace) -> int:
    con = db.connect(args.db)
    out = Path(args.out)
    sql = f"SELECT * FROM {args.table}"  # table name from a fixed list
    if args.format == "xlsx":
        count = db.scalar(con, f"SELECT count(*) FROM {args.table}")
        if count >= 1_048_575:
            print(t("importer.problem_xlsx_rows", "en", rows=count), file=sys.stderr)
            return 2
        out.write_bytes(to_xlsx_bytes(db.query(con, sql), sheet_name=args.table))
        return 0
    cur = con.cursor()
    try:
        relation = cur.sql(sql)
        with out.open("wb") as fh:
            fh.write(to_csv_bytes(pd.DataFrame(columns=relation.columns)))  # BOM + header
            for batch in relation.to_arrow_reader(200_000):
                fh.write(to_csv_bytes(batch.to_pandas()).split(b"\n", 1)[1])
    finally:
        cur.close()
    return 0


# ------------------------------------------------------------------ helpers for the page


def known_manager_ids(con) -> frozenset[str]:
    """Manager IDs in the store (customers must name one of them)."""
    return frozenset(r[0] for r in db.rows(con, "SELECT manager_id FROM managers"))


def prepared_manager_ids(prepared: Prepared) -> set[str]:
    """Manager IDs a checked managers file would add (so customers in the same upload may use them)."""
    if prepared.table != "managers":
        return set()
    ids: set[str] = set()
    for chunk in prepared.chunks:
        good = chunk.typed.filter(pa.array(~chunk.bad)) if chunk.bad.any() else chunk.typed
        ids.update(v for v in good.column("manager_id").to_pylist() if v)
    return ids


def sample_files() -> list[Path]:
    """The sample files shipped in data/sample/ (import managers first, then customers)."""
    folder = Path(__file__).resolve().parent.parent / "data" / "sample"
    files = [p for p in folder.glob("*") if p.suffix.lower() in (*TEXT_SUFFIXES, *EXCEL_SUFFIXES)]

    def order(path: Path) -> tuple[int, str]:
        table = next((i for i, name in enumerate(TABLE_ORDER) if path.name.startswith(name)), 99)
        return table, path.name

    return sorted(files, key=order)
