"""Uploads do not stay in the server's memory (issue 18: "each 84 MB CSV checked on the Import
page added 310-390 MB to the server, still held minutes after the browser closed"). Streamlit
keeps an uploaded file's bytes while it sits in the uploader and, once its tab is closed, past the
end of the session; the page writes the upload to a temporary file, drops Streamlit's copy at
once, and after a complete import empties the uploader and removes the temporary file.
benchmarks/upload_memory.py measures the server through a browser."""

from __future__ import annotations

import tempfile

import pytest
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

from analytics import db, importer
from tests.conftest import app_test
from ui.uploads import drop_bytes

PAGE = "pages/import_data.py"


def test_dropping_an_uploads_bytes_keeps_its_record_and_name():
    manager = MemoryUploadedFileManager("/upload")
    data = b"order_id,customer_id\n" + b"A1,C1\n" * 100_000
    manager.add_file("session", UploadedFileRec("f1", "orders.csv", "text/csv", data))
    manager.add_file("session", UploadedFileRec("f2", "visits.csv", "text/csv", b"x" * 10))
    upload = UploadedFile(manager.get_files("session", ["f1"])[0], None)
    # Streamlit keeps a second UploadedFile sharing the bytes as the uploader's value in the session.
    held = [UploadedFile(manager.get_files("session", [i])[0], None) for i in ("f1", "f2")]
    assert manager._total_bytes == len(data) + 10

    assert drop_bytes(upload, held, manager=manager, session_id="session")
    (kept,) = manager.get_files("session", ["f1"])
    assert (kept.file_id, kept.name, kept.type, kept.data) == ("f1", "orders.csv", "text/csv", b"")
    assert manager._total_bytes == 10  # the other file untouched
    assert upload.getvalue() == held[0].getvalue() == b""  # every copy of the buffer goes too
    assert held[1].getvalue() == b"x" * 10  # not the other file's
    # The uploader still hands the page the file (empty): it stays listed.
    assert [f.name for f in manager.get_files("session", ["f1", "f2"])] == ["orders.csv", "visits.csv"]
    assert not drop_bytes(upload, manager=manager, session_id="session")  # nothing left to drop


def test_an_upload_of_another_session_or_gone_is_left_alone():
    manager = MemoryUploadedFileManager("/upload")
    manager.add_file("mine", UploadedFileRec("f1", "orders.csv", "text/csv", b"abc"))
    upload = UploadedFile(manager.get_files("mine", ["f1"])[0], None)
    assert not drop_bytes(upload, manager=manager, session_id="theirs")
    assert manager.get_files("mine", ["f1"])[0].data == b"abc" and upload.getvalue() == b"abc"
    assert not drop_bytes(upload, manager=object(), session_id="mine")  # a manager that cannot


def sample(name: str) -> tuple[str, bytes, str]:
    path = next(p for p in importer.sample_files() if p.name == name)
    return path.name, path.read_bytes(), "text/csv"


@pytest.fixture
def spool_dir(tmp_path, monkeypatch):
    folder = tmp_path / "spool"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_after_an_import_the_uploader_is_empty_and_the_temporary_files_gone(empty_db_path, spool_dir):
    at = app_test(PAGE, empty_db_path, "en")
    files = [sample("managers.csv"), sample("customers.csv"), sample("orders_gbk.csv")]
    at.file_uploader[0].set_value(files).run()
    assert not at.exception and len(at.success) == 3
    assert len(list(spool_dir.glob("import-*"))) == 3  # checked from temporary files

    at.button(key="imp-run").click().run()
    assert not at.exception
    summaries = " ".join(str(s.value) for s in at.success)
    assert "8 added" in summaries and "orders_gbk.csv" in summaries  # shown after the uploader emptied
    assert len(at.file_uploader) == 1 and not at.file_uploader[0].value
    assert at.file_uploader[0].key != "imp-files-0" and not at.expander  # a new, empty uploader
    assert list(spool_dir.glob("import-*")) == []
    assert db.scalar(db.connect(empty_db_path), "SELECT count(*) FROM orders") == 8

    at.run()  # the next interaction: the summary was shown once, nothing is imported again
    assert not at.exception and not at.success and not at.expander


def test_a_rejected_file_stays_in_the_uploader_to_import_again(empty_db_path, spool_dir):
    at = app_test(PAGE, empty_db_path, "en")
    bad = b"customer_id,manager_id,tier\nK1,NOPE,40\n"
    at.file_uploader[0].set_value([("customers.csv", bad, "text/csv")]).run()
    at.button(key="imp-run").click().run()  # strict: rejected
    assert not at.exception
    assert any("rejected" in str(e.value) for e in at.error)
    assert at.file_uploader[0].key == "imp-files-0" and len(at.expander) == 1
    assert len(list(spool_dir.glob("import-*"))) == 1
    at.radio(key="imp-mode").set_value("valid-only").run()
    at.button(key="imp-run").click().run()
    assert not at.exception
    assert any("customers.csv" in str(s.value) for s in at.success)
    assert list(spool_dir.glob("import-*")) == []
