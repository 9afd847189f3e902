"""Reading a supervisor's export: its encoding, delimiter or sheet, its header row, and its data
rows as text, streamed in chunks of Arrow columns (c0, c1 … in file order) with their row
numbers in the file. The file's SHA-256 is computed in the background meanwhile."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analytics.importer.problems import MAX_ERRORS, Chunk, ImportProblem, Progress
from analytics.importer.xlsx import (
    clean_headers,
    data_sheets,
    load_book,
    reading_sheet,
    sheet_header,
    xlsx_chunks,
)
from analytics.normalise import to_numpy_mask

CSV_BLOCK_BYTES = 4 << 20  # ~70k order lines per block
SAMPLE_BYTES = 1 << 20
HEADER_LIMIT = 128 << 10  # a header line longer than this is not a header (Python's csv limit)
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


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
        for chunk in xlsx_chunks(self) if self.sheet is not None else _csv_chunks(self):
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
        # Text in this encoding but for a few cut characters: their lines become row errors. GBK
        # text read as UTF-8 has about one valid character in ten, so it is not taken for UTF-8.
        if _mostly(head, encoding):
            return encoding
    raise ImportProblem("encoding")


def _mostly(head: bytes, encoding: str) -> bool:
    """`head` decodes in `encoding` but for a few broken characters: at least four good non-ASCII
    characters for each broken one."""
    text = head.decode(encoding, errors="replace")
    broken = text.count("\ufffd")
    return 0 < broken * 4 <= sum(1 for ch in text if ord(ch) > 127) - broken


def detect_delimiter(header_line: str, file_name: str = "") -> str:
    """The candidate that splits the header line into the most fields (tab for .tsv on a tie)."""
    candidates = ["\t", ",", ";", "|"] if file_name.lower().endswith(".tsv") else [",", "\t", ";", "|"]
    counts = {d: len(next(csv.reader([header_line], delimiter=d), [])) for d in candidates}
    best = max(candidates, key=lambda d: counts[d])
    return best if counts[best] > 1 else candidates[0]


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
    if len(first_line) > HEADER_LIMIT:
        raise ImportProblem("field_too_large", limit="128 KB")
    delimiter = detect_delimiter(first_line, file_name)
    headers = clean_headers(next(csv.reader([first_line], delimiter=delimiter)))
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


class _Transcoded(io.RawIOBase):
    """A text file read as UTF-8, for Arrow, in which bytes that are not text in the file's
    encoding have become U+FFFD: the line holding them becomes a row error instead of stopping
    the whole file (Arrow's own transcoding raises on them, and so does its report of a ragged
    line, each in a callback that prints a traceback). A UTF-8 block that is valid, as nearly every
    one is, passes as it is."""

    def __init__(self, handle: io.BufferedIOBase, encoding: str) -> None:
        super().__init__()
        self.handle = handle
        self.utf8 = encoding in ("utf-8", "utf-8-sig")
        self.decoder = None if self.utf8 else codecs.getincrementaldecoder(encoding)(errors="replace")
        self.held = b""  # UTF-8: the start of a character cut by the block's end
        self.pending = memoryview(b"")
        self.ended = False

    def readable(self) -> bool:
        return True

    def _next_block(self) -> bytes:
        block = self.handle.read(1 << 20)
        self.ended = not block
        if self.decoder is not None:
            return self.decoder.decode(block, final=not block).encode("utf-8")
        data = self.held + block
        cut = len(data) if not block else _whole_characters(data)
        data, self.held = data[:cut], data[cut:]
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            data = data.decode("utf-8", errors="replace").encode("utf-8")
        return data

    def readinto(self, buffer: Any) -> int:
        while not self.pending and not self.ended:
            self.pending = memoryview(self._next_block())
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def _whole_characters(data: bytes) -> int:
    """Where the last complete UTF-8 character of `data` ends."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte & 0xC0 == 0x80:  # a continuation byte: look further back for its lead
            continue
        needed = 1 if byte < 0xC0 else 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
        return len(data) - back if needed > back else len(data)
    return len(data)


def _undecodable(table: pa.Table) -> np.ndarray:
    """Rows holding U+FFFD: bytes that were not text in the file's encoding."""
    bad = np.zeros(table.num_rows, dtype=bool)
    for column in table.columns:
        bad |= to_numpy_mask(pc.match_substring(column, "\ufffd"))
    return bad


def _csv_chunks(raw: RawFile) -> Iterator[Chunk]:
    names = [f"c{i}" for i in range(len(raw.headers))]
    invalid: list[dict] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        if len(invalid) >= MAX_ERRORS:  # the file is not what it seems (wrong delimiter?)
            return "error"
        invalid.append({"row": row.number, "text": row.text, "actual": row.actual_columns})
        return "skip"

    # Closed in the finally below: the reader streams from it while the chunks are taken.
    handle = io.BytesIO(raw.source) if isinstance(raw.source, bytes) else open(raw.source, "rb")  # noqa: SIM115
    try:
        reader = pacsv.open_csv(
            _Transcoded(handle, raw.encoding),
            read_options=pacsv.ReadOptions(
                column_names=names,
                skip_rows=raw.header_row,
                block_size=CSV_BLOCK_BYTES,
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
            table = pa.Table.from_batches([batch])
            undecodable = _undecodable(table)
            if undecodable.any():
                problems = problems + _undecodable_rows(
                    table.filter(pa.array(undecodable)), rows[undecodable]
                )
                table, rows = table.filter(pa.array(~undecodable)), rows[~undecodable]
            yield Chunk(table, rows, problems, read_fraction=min(handle.tell() / max(raw.size, 1), 1.0))
        if len(invalid) > reported:
            yield Chunk(
                pa.table({n: pa.array([], pa.string()) for n in names}),
                np.array([], dtype=np.int64),
                invalid[reported:],
            )
    except pa.ArrowInvalid as exc:
        if "straddling" in str(exc):  # one cell bigger than a read block
            raise ImportProblem("field_too_large", limit=f"{CSV_BLOCK_BYTES >> 20} MB") from exc
        raise ImportProblem("unreadable", detail=str(exc).splitlines()[0][:200]) from exc
    except UnicodeDecodeError as exc:
        raise ImportProblem("encoding") from exc
    finally:
        handle.close()


def _undecodable_rows(table: pa.Table, rows: np.ndarray) -> list[dict]:
    texts = [
        ",".join(v or "" for v in values)[:200] for values in zip(*table.to_pydict().values(), strict=True)
    ]
    return [
        {"row": int(row), "text": text, "actual": None, "code": "undecodable"}
        for row, text in zip(rows, texts, strict=True)
    ]


def _open_xlsx(source: bytes | Path, file_name: str, sha: Future, size: int, sheet: str | None) -> RawFile:
    try:
        book = load_book(source)
    except Exception as exc:  # not a workbook, damaged, encrypted …
        raise ImportProblem("unreadable", detail=type(exc).__name__) from exc
    try:
        names = data_sheets(book)
        if sheet is not None and sheet not in book.sheetnames:
            raise ImportProblem("sheet", sheet=sheet)
        if sheet is not None and sheet not in names:
            raise ImportProblem("chartsheet", sheet=sheet)
        if not names:
            raise ImportProblem("no_worksheet")
        chosen = sheet if sheet is not None else names[0]
        with reading_sheet(chosen):
            header_row, headers = sheet_header(book[chosen])
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
