"""A store that cannot be used as asked has its own message, on the command line (exit 2, no
traceback) and on a page (ui.errors.guarded): from a newer release, corrupt, read-only, locked."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from analytics import db
from analytics.__main__ import main

ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


@pytest.fixture(autouse=True)
def english(monkeypatch):
    for name, value in ENGLISH.items():
        monkeypatch.setenv(name, value)
    yield
    db.close_all()


def newer_store(path: Path) -> Path:
    raw = duckdb.connect(str(path))
    raw.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    raw.execute("INSERT INTO meta VALUES ('schema_version', '99')")
    raw.close()
    return path


def corrupt_store(path: Path) -> Path:
    path.write_bytes(os.urandom(300_000))
    return path


def test_a_store_from_a_newer_release_is_refused_with_its_message(tmp_path, capsys):
    path = newer_store(tmp_path / "future.duckdb")
    with pytest.raises(db.StoreNewer) as raised:
        db.connect(path)
    assert raised.value.values["version"] == 99
    assert main(["pareto", "--db", str(path), "--summary"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "newer release" in err and "store version 99" in err and "Traceback" not in err
    zh = raised.value.message("zh")
    assert "更新版本" in zh and "99" in zh


def test_a_corrupt_store_is_refused_and_left_as_it_was(tmp_path, capsys):
    path = corrupt_store(tmp_path / "broken.duckdb")
    before = path.read_bytes()
    with pytest.raises(db.StoreCorrupt):
        db.connect(path)
    assert main(["import", str(tmp_path / "x.csv"), "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "not a readable dashboard store" in err and "restore" in err
    assert "wait" not in err.lower()  # not mistaken for a store in use
    assert path.read_bytes() == before


@pytest.fixture
def read_only_store(demo_db_path, tmp_path, monkeypatch) -> Path:
    """A store this process may not write: mode 0444 in a read-only folder. Root may write
    anything, so there the permission check is made to say what it says for everyone else."""
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "store.duckdb"
    db.close_all()  # the demo's rows reach its file (not only its write-ahead log) before the copy
    shutil.copy(demo_db_path, path)
    path.chmod(0o444)
    folder.chmod(0o555)
    if os.geteuid() == 0:
        real = os.access

        def access(target: os.PathLike | str, mode: int, **kwargs: object) -> bool:
            inside = Path(target).resolve().is_relative_to(folder.resolve())
            return False if inside and mode & os.W_OK else real(target, mode, **kwargs)

        monkeypatch.setattr(db.os, "access", access)
    yield path
    db.close_all()
    folder.chmod(0o755)
    path.chmod(0o644)


def test_a_read_only_store_opens_for_reading(read_only_store, capsys):
    before = read_only_store.read_bytes()
    con = db.connect(read_only_store)
    assert db.is_read_only(con)
    assert db.scalar(con, "SELECT count(*) FROM customers") == 600
    assert main(["pareto", "--db", str(read_only_store), "--summary"]) == 0
    assert capsys.readouterr().out.startswith("buyers,")
    with pytest.raises(db.StoreReadOnly), db.transaction(con) as cur:
        cur.execute("DELETE FROM orders")
    assert db.scalar(con, "SELECT count(*) FROM orders") > 0
    db.close_all()
    assert read_only_store.read_bytes() == before


def test_an_import_into_a_read_only_store_says_imports_are_off(read_only_store, tmp_path, capsys):
    csv = tmp_path / "o.csv"
    csv.write_text("order_id,customer_id,order_date,amount\nX1,330102000001,2025-01-02,5\n")
    assert main(["import", str(csv), "--db", str(read_only_store)]) == 2
    err = capsys.readouterr().err
    assert "is read-only" in err and "imports" in err and "Traceback" not in err


def test_each_store_problem_has_its_own_message():
    path = "/srv/store.duckdb"
    messages = {
        kind: kind(path, pid="1234").message("en")
        for kind in (db.StoreLocked, db.StoreReadOnly, db.StoreCorrupt, db.StoreNewer)
    }
    assert len(set(messages.values())) == 4
    assert all(path in text for text in messages.values())
    assert "process 1234" in messages[db.StoreLocked]


def test_duckdb_errors_are_told_apart():
    locked = duckdb.IOException(
        'IO Error: Could not set lock on file "/x.duckdb": '
        "Conflicting lock is held in /usr/bin/python3 (PID 4242)."
    )
    denied = duckdb.IOException('IO Error: Cannot open file "/x.duckdb": Permission denied')
    broken = duckdb.IOException(
        'IO Error: The file "/x.duckdb" exists, but it is not a valid DuckDB database file!'
    )
    assert isinstance(db.store_problem(locked, "/x.duckdb"), db.StoreLocked)
    assert db.store_problem(locked, "/x.duckdb").values["pid"] == "4242"
    assert isinstance(db.store_problem(denied, "/x.duckdb"), db.StoreReadOnly)
    assert isinstance(db.store_problem(broken, "/x.duckdb"), db.StoreCorrupt)
    other = duckdb.BinderException("Binder Error: column x not found")
    assert db.store_problem(other, "/x.duckdb") is other


# ------------------------------------------------------------------ on a page


def _page_with(error_kind: str) -> None:
    import streamlit as st

    from analytics import db
    from ui.errors import guarded

    def page() -> None:
        st.write("before")
        if error_kind == "corrupt":
            raise db.StoreCorrupt("/srv/store.duckdb")
        if error_kind == "locked":
            raise db.StoreLocked("/srv/store.duckdb", pid="77")
        raise ValueError("year 10000 is out of range")

    guarded(page)
    st.write("after")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("corrupt", "not a readable dashboard store"),
        ("locked", "process 77"),
        ("bug", "could not be shown because of an unexpected error"),
    ],
)
def test_a_page_that_fails_shows_a_message_not_a_traceback(kind, expected, caplog):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_page_with, args=(kind,), default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and expected in at.error[0].value
    assert "year 10000" not in at.error[0].value  # the details stay in the server's log
    assert [m.value for m in at.markdown] == ["before", "after"]


def test_a_failing_page_logs_its_traceback_server_side(caplog):
    from ui.errors import show_error

    try:
        raise ValueError("year 10000 is out of range")
    except ValueError as error:
        with caplog.at_level("ERROR", logger="dashboard"):
            show_error(error)
    assert "year 10000" in caplog.text and "Traceback" in caplog.text
