"""What every step of an import shares: the problems that stop a file, the modes for bad rows,
the progress callback, and the chunk of rows the steps pass on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from analytics.domain import IMPORT_MODES
from analytics.i18n import t

MODES = IMPORT_MODES  # strict: any bad row rejects the file; valid-only: bad rows skipped

MAX_ERRORS = 10_000  # bad cells kept for the report; bad rows are always counted

Progress = Callable[[float, str], None]  # (fraction done, phase: reading, writing, aggregates, done)


class ImportProblem(Exception):
    """A file (or an undo) that cannot go ahead; `code` + `params` render in either language."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def message(self, lang: str = "en") -> str:
        return t(f"importer.problem_{self.code}", lang, **self.params)


@dataclass
class Chunk:
    """Some data rows as text (columns c0, c1 … in file order) and their row numbers in the file."""

    table: pa.Table
    rows: np.ndarray
    problems: list[dict] = field(default_factory=list)  # rows that could not be split into fields
    read_fraction: float | None = None  # how much of the file is read once this chunk is
