"""Checking a file's rows (the page's check before writing, and each chunk of an import):
values normalised to the contract's types, every bad cell reported with its reason, and the
chunks prepared in worker threads while the next one is read."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.i18n import t
from analytics.importer.problems import MAX_ERRORS, ImportProblem, Progress
from analytics.importer.read import Chunk, RawFile
from analytics.normalise import (
    ARROW_TYPES,
    CONTRACT,
    ENUMS,
    Field,
    missing_required,
    parse_column,
    to_numpy_mask,
)

PREPARE_AHEAD = 2  # chunks normalised at the same time while the next one is read


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


def _has_text(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
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


def _parse_reason(spec: Field) -> str:
    return {
        "number": "number",
        "int": "integer",
        "date": "date",
        "datetime": "date",
        "month": "month",
        "bool": "bool",
        "enum": "enum",
    }.get(spec.kind, "text")


def _parse_params(spec: Field) -> dict:
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


def prepared_manager_ids(prepared: Prepared) -> set[str]:
    """Manager IDs a checked managers file would add (so customers in the same upload may use them)."""
    if prepared.table != "managers":
        return set()
    ids: set[str] = set()
    for chunk in prepared.chunks:
        good = chunk.typed.filter(pa.array(~chunk.bad)) if chunk.bad.any() else chunk.typed
        ids.update(v for v in good.column("manager_id").to_pylist() if v)
    return ids


def read_ahead(
    raw: RawFile, prepare_one: Callable[[Chunk], PreparedChunk], progress: Progress | None = None
) -> Iterator[PreparedChunk]:
    """The file's prepared chunks in order, while the next chunk is read and the ones before it are
    prepared in worker threads (Arrow's reading and normalising release the GIL, so they run on all
    the machine's cores). At most PREPARE_AHEAD + 1 chunks are in flight: memory stays bounded.
    Progress is reported from the caller's thread."""
    chunks = raw.chunks()

    def finished(fraction: float | None, job: Future) -> PreparedChunk:
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
