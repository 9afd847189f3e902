"""Uploaded files and the server's memory.

Streamlit keeps the bytes of every file sitting in an uploader in its uploaded-file manager, for
as long as the file stays there, and after its tab is closed past the end of the session (a
closed session that times out is dropped without its files being removed). The Import page
writes each upload to a temporary file at once (`analytics.importer.SpooledUpload`) and works
from there, so the record in the manager can keep the name and lose the bytes."""

from __future__ import annotations

from typing import Any

from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec


def drop_bytes(
    upload: UploadedFile, held: Any = (), manager: Any = None, session_id: str | None = None
) -> bool:
    """Replace the stored record of `upload` by one without bytes (same id, name and type: the
    uploader still lists it and the page still receives it, empty) and empty `upload` and the
    copies of it in `held` (the uploader's value in the session state: Streamlit keeps a second
    UploadedFile sharing the bytes there, for as long as the session lives), so the bytes go now.
    True when bytes were dropped; without a manager that can (another Streamlit) nothing changes
    and the bytes go when the file leaves the uploader."""
    if manager is None:
        ctx = get_script_run_ctx()
        if ctx is None:
            return False
        manager, session_id = ctx.uploaded_file_mgr, ctx.session_id
    if not (hasattr(manager, "get_files") and hasattr(manager, "add_file")):
        return False
    stored = manager.get_files(session_id, [upload.file_id])
    if not stored or not stored[0].data:
        return False
    record = stored[0]
    manager.add_file(session_id, UploadedFileRec(record.file_id, record.name, record.type, b""))
    for copy in [upload, *(held if isinstance(held, (list, tuple)) else [held])]:
        if isinstance(copy, UploadedFile) and copy.file_id == upload.file_id:
            copy.seek(0)
            copy.truncate(0)  # empty, not closed: Streamlit may still read it
    return True


def forget(file_ids: list[str]) -> None:
    """Remove uploads from this session's uploaded-file manager (after their import)."""
    ctx = get_script_run_ctx()
    manager = getattr(ctx, "uploaded_file_mgr", None)
    if ctx is None or not hasattr(manager, "remove_file"):
        return
    for file_id in file_ids:
        manager.remove_file(ctx.session_id, file_id)
