"""Supervisors' CSV/Excel exports in: read, map headers, normalise, check, stage, write; the
import log and undo; blank templates and sample files.

One file is one transaction. Rows already in the store (by the contract's row identity) are
not added again, so re-importing a file, or an export that overlaps an earlier one, changes
nothing twice. Customers and managers are updated in place and their previous rows are kept
in ``import_undo`` so any import can be undone.

The steps, one module each: ``read`` (decoding, CSV/XLSX, header row), ``check`` (rows
normalised and validated), ``stage`` (good rows until written, identity key runs), ``write``
(into the store; the order aggregates are kept up by ``analytics.aggregates``), ``undo`` and
``templates``. The ``import`` and ``export`` commands are in ``analytics.commands.data``.
Tunables (block sizes, memory bounds) live in their step's module: set them there."""

from analytics.importer.check import (
    ERROR_COLUMNS,
    Prepared,
    PreparedChunk,
    allowed_values,
    check_mapping,
    prepare,
    prepare_chunk,
    prepared_manager_ids,
    render_errors,
)
from analytics.importer.problems import MAX_ERRORS, MODES, ImportProblem, Progress
from analytics.importer.read import (
    EXCEL_SUFFIXES,
    TEXT_SUFFIXES,
    Chunk,
    RawFile,
    detect_delimiter,
    detect_encoding,
    read_table_file,
)
from analytics.importer.spool import SpooledUpload, keep_current, release_memory
from analytics.importer.stage import IDENTITIES, _KeyRuns
from analytics.importer.templates import measure_import, sample_files, template_bytes, write_orders_csv
from analytics.importer.undo import import_log, rows_outside, undo_import
from analytics.importer.write import (
    ImportResult,
    import_file,
    import_prepared,
    import_raw,
    known_manager_ids,
)
from analytics.importer.xlsx import cell_text
from analytics.normalise import detect_table

__all__ = [
    "ERROR_COLUMNS",
    "EXCEL_SUFFIXES",
    "IDENTITIES",
    "MAX_ERRORS",
    "MODES",
    "TEXT_SUFFIXES",
    "Chunk",
    "ImportProblem",
    "ImportResult",
    "Prepared",
    "PreparedChunk",
    "Progress",
    "RawFile",
    "SpooledUpload",
    "_KeyRuns",
    "allowed_values",
    "cell_text",
    "check_mapping",
    "detect_delimiter",
    "detect_encoding",
    "detect_table",
    "import_file",
    "import_log",
    "import_prepared",
    "import_raw",
    "keep_current",
    "known_manager_ids",
    "measure_import",
    "prepare",
    "prepare_chunk",
    "prepared_manager_ids",
    "read_table_file",
    "release_memory",
    "render_errors",
    "rows_outside",
    "sample_files",
    "template_bytes",
    "undo_import",
    "write_orders_csv",
]
