"""Uploads on disk: a file uploaded on the Import page is written to a temporary file in blocks and
checked and imported from there, so the page never holds a copy of its bytes (nor its typed rows).
The temporary file goes when the upload is released, or when its holder (a browser session's
state) is dropped."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa

SPOOL_BLOCK_BYTES = 1 << 20


class SpooledUpload:
    """An upload written to a temporary file; the file is removed by `release()` or, at the
    latest, when this object is garbage collected (the session that held it has ended)."""

    def __init__(self, upload: BinaryIO, name: str) -> None:
        self.name = name
        suffix = Path(name).suffix.lower()[:8]
        handle = tempfile.NamedTemporaryFile(prefix="import-", suffix=suffix, delete=False)  # noqa: SIM115
        self.path = Path(handle.name)
        self._remove = weakref.finalize(self, _unlink, self.path)
        try:
            with handle:
                upload.seek(0)
                shutil.copyfileobj(upload, handle, SPOOL_BLOCK_BYTES)
        except BaseException:
            self.release()
            raise

    @property
    def released(self) -> bool:
        return not self._remove.alive

    def release(self) -> None:
        """Remove the temporary file now (safe to call twice)."""
        self._remove()


def _unlink(path: Path) -> None:
    path.unlink(missing_ok=True)


def keep_current(spooled: dict[str, SpooledUpload], current: set[str]) -> None:
    """Release the uploads no longer chosen (their key is not in `current`)."""
    for key in [k for k in spooled if k not in current]:
        spooled.pop(key).release()


def release_memory() -> None:
    """After a big check or import: collect cycles and hand freed memory back to the system (Arrow's
    pool and glibc keep freed blocks of a long-running server otherwise)."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    name = ctypes.util.find_library("c")
    if not name:
        return
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL(name).malloc_trim(0)
