"""Checking a file's rows (the page's check before writing, and each chunk of an import):
values normalised to the contract's types, every bad cell reported with its reason, and the
chunks prepared in worker threads while the next one is read."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics import config
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
from analytics.settings import ImportBounds

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
            "value": v[:200] if v is not None else "",
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
    bounds: ImportBounds | None = None,
) -> PreparedChunk:
    """Normalise and check one chunk: typed contract columns, which rows are bad and why."""
    bounds = bounds or config.load_settings().imports
    data, rows = _drop_blank_rows(chunk)
    n = data.num_rows
    bad = np.zeros(n, dtype=bool)
    manager_bad = np.zeros(n, dtype=bool)
    errors: list[dict] = []
    columns: dict[str, pa.Array] = {}
    written: dict[str, tuple[pa.Array, str]] = {}  # each mapped column's text and header
    by_name = {name: i for i, name in enumerate(mapping) if name}
    for spec in CONTRACT[table]:
        if spec.name not in by_name:
            columns[spec.name] = pa.nulls(n, ARROW_TYPES[spec.kind])
            continue
        index = by_name[spec.name]
        raw = data.column(index).combine_chunks() if n else pa.array([], pa.string())
        values, text = parse_column(raw, spec)
        header = headers[index]
        written[spec.name] = (text, header)
        checks = []
        if spec.kind not in ("text", "id"):  # text is never unparseable
            checks.append(
                (pc.and_(pc.is_valid(text), pc.is_null(values)), _parse_reason(spec), _parse_params(spec))
            )
        if spec.required:
            checks.append((pc.is_null(text), "required", {}))
        if spec.name == "tier":
            checks.append((pc.or_(pc.less(values, 1), pc.greater(values, 30)), "tier", {}))
        if spec.name in ("quantity", "duration_min", "stock_qty"):
            checks.append((pc.less(values, 0), "negative", {}))
        checks += plausible(spec, values, text, bounds)
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
    for mask_array, name, code in row_rules(table, columns):
        if n and pc.any(mask_array).as_py():
            mask = to_numpy_mask(mask_array)
            bad |= mask
            text, header = written[name]
            errors += _cell_errors(mask, rows, text, header, code, {}, error_room - len(errors))
    for problem in chunk.problems:
        code = problem.get("code", "columns")
        width = {"expected": len(headers), "actual": problem.get("actual")}
        errors.append(
            {
                "row": problem["row"],
                "column": problem.get("column", ""),
                "value": (problem["text"] or "")[:200],
                "code": code,
                "params": width if code == "columns" else {},
            }
        )
    columns["_row"] = pa.array(rows, pa.int64())
    typed = pa.table(columns)
    return PreparedChunk(typed, bad | manager_bad, errors, n + len(chunk.problems), parse_bad=bad)


# An ID Excel showed as a number and the export wrote so: 3.30102E+11 (digits lost) or 330102000001.0.
_EXCEL_ID = r"^\d(\.\d+)?E\+\d+$|^\d+\.0+$"
_BOUNDED = {
    "amount": "max_amount",
    "cost": "max_amount",
    "sales_target": "max_amount",
    "quantity": "max_quantity",
    "duration_min": "max_duration_min",
    "paid_amount": "max_amount",
    "stock_qty": "max_quantity",
}


def row_rules(table: str, columns: dict[str, pa.Array]) -> list[tuple[pa.Array, str, str]]:
    """(mask, column, reason) of the rules between a row's values: an invoice's amount is positive,
    what was paid lies between 0 and the amount, it falls due on or after its date; a complaint is
    contacted and replied to after it was received. A missing value breaks no rule."""
    if table == "receivables":
        amount, paid = columns["amount"], columns["paid_amount"]
        return [
            (pc.less_equal(amount, 0), "amount", "not_positive"),
            (pc.or_(pc.less(paid, 0), pc.greater(paid, amount)), "paid_amount", "paid_amount"),
            (pc.less(columns["due_date"], columns["invoice_date"]), "due_date", "due_before_invoice"),
        ]
    if table == "complaints":
        received = columns["received_at"]
        return [
            (pc.less(columns[name], received), name, "before_received")
            for name in ("first_contact_at", "replied_at")
        ]
    return []


def plausible(spec: Field, values: pa.Array, text: pa.Array, bounds: ImportBounds) -> list[tuple]:
    """(mask, reason, params) of the values a supervisor's export cannot really hold: a date
    outside the accepted window, a number beyond its bound, an ID that Excel turned into a number.
    Whole-column kernels; an ID column is searched by pattern only if it holds a dot or an E+."""
    if spec.kind in ("date", "datetime", "month"):
        earliest, latest = bounds.date_window()
        window = {"earliest": earliest.isoformat(), "latest": latest.isoformat()}
        if spec.kind == "month":
            low, high = earliest.strftime("%Y-%m"), latest.strftime("%Y-%m")
        else:
            values = pc.cast(values, pa.date32()) if spec.kind == "datetime" else values
            low, high = pa.scalar(earliest, pa.date32()), pa.scalar(latest, pa.date32())
        return [(pc.or_(pc.less(values, low), pc.greater(values, high)), "date_range", window)]
    if spec.name in _BOUNDED:
        limit = getattr(bounds, _BOUNDED[spec.name])
        return [(pc.greater(pc.abs(values), limit), "too_large", {"limit": f"{limit:,.0f}"})]
    if (
        spec.kind == "id"
        and len(text)
        and (pc.any(pc.match_substring(text, ".")).as_py() or pc.any(pc.match_substring(text, "E+")).as_py())
    ):
        return [(pc.match_substring_regex(text, _EXCEL_ID), "excel_id", {})]
    return []


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
    """A whole file normalised for the page: typed rows, bad rows, errors (before writing).
    Checked with ``keep_rows=False`` it holds no rows (`chunks` is empty): the file is then
    imported by reading it again (``import_raw``), so a big upload costs no memory meanwhile."""

    file_name: str
    sha256: str
    table: str
    mapping: list[str | None]
    chunks: list[PreparedChunk]
    errors: pd.DataFrame
    rows: int
    bad_rows: int
    manager_ids: set[str] = field(default_factory=set)  # good manager IDs of a managers file


ERROR_COLUMNS = ["row", "column", "value", "code", "params"]


def _errors_frame(errors: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(errors, columns=ERROR_COLUMNS)
    return frame.sort_values(["row"], kind="stable", ignore_index=True) if len(frame) else frame


def _reason(row: object, code: str, params: dict, lang: str) -> str:
    if code == "scope":  # a row of another team (or of a customer this account may not create)
        detail = params.get("detail")
        return t("importer.error_out_of_scope" + (f"_{detail}" if detail else ""), lang, row=row)
    return t(f"importer.reason_{code}", lang, **params)


def render_errors(errors: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Bad rows as the supervisor reads them: row, column, value and the reason in `lang`."""
    reasons = [
        _reason(row, code, params or {}, lang)
        for row, code, params in zip(errors["row"], errors["code"], errors["params"], strict=True)
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
    keep_rows: bool = True,
) -> Prepared:
    """Read and check the whole file without writing anything (the page's preview).

    `lang` is accepted for symmetry; reasons are rendered later with render_errors()."""
    check_mapping(table, mapping)
    chunks, errors, rows, bad, managers = [], [], 0, 0, set()
    bounds = config.load_settings().imports
    for chunk in raw.chunks(progress):
        prepared = prepare_chunk(
            chunk, table, mapping, raw.headers, known_managers, MAX_ERRORS - len(errors), bounds
        )
        if keep_rows:
            chunks.append(prepared)
        if table == "managers":
            managers |= _good_manager_ids(prepared)
        errors += prepared.errors
        rows += prepared.rows
        bad += int(prepared.bad.sum()) + len(chunk.problems)
    return Prepared(
        raw.file_name, raw.sha256, table, mapping, chunks, _errors_frame(errors), rows, bad, managers
    )


def _good_manager_ids(chunk: PreparedChunk) -> set[str]:
    good = chunk.typed.filter(pa.array(~chunk.bad)) if chunk.bad.any() else chunk.typed
    return {v for v in good.column("manager_id").to_pylist() if v}


def prepared_manager_ids(prepared: Prepared) -> set[str]:
    """Manager IDs a checked managers file would add (so customers in the same upload may use them)."""
    return set(prepared.manager_ids) if prepared.table == "managers" else set()


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
