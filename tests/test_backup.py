"""Backups (issue 17): a copy taken while the store is served restores to an identical store (rows
and sums of every table), the copy is one consistent snapshot even while writes commit, restore
refuses a store in use and keeps the one it replaces, automatic copies are pruned, and the
`backup` / `restore` commands."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from analytics import backup, db
from analytics.backup import BackupError


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _execute(con, *statements, params=None):
    with db.transaction(con) as cur:
        for statement in statements:
            cur.execute(statement, params)


# ------------------------------------------------------------------------------- fingerprints


def test_fingerprints_by_hand(con, tmp_path):
    _execute(
        con,
        "CREATE TABLE t (a INTEGER, b DOUBLE, c VARCHAR, d DECIMAL(6, 2), e BOOLEAN)",
        "INSERT INTO t VALUES (1, 0.1, 'x', 2.50, TRUE), (NULL, 0.2, NULL, NULL, FALSE), "
        "(3, NULL, 'z', 1.25, NULL)",
    )
    found = backup.table_fingerprints(con)
    # rows 3; numeric columns a, b, d: (1 + 3) + (0.1 + 0.2) + (2.50 + 1.25) = 8.05 (c, e not numeric)
    assert found["t"] == (3, 8.05)
    assert found["orders"] == (0, 0.0) and found["customers"] == (0, 0.0)
    assert found["meta"][0] == db.scalar(con, "SELECT count(*) FROM meta")

    other = db.connect(tmp_path / "other.duckdb")
    _execute(
        other,
        "CREATE TABLE t (a INTEGER, b DOUBLE, c VARCHAR, d DECIMAL(6, 2), e BOOLEAN)",
        "INSERT INTO t VALUES (3, NULL, 'z', 1.25, NULL), (NULL, 0.2, 'y', NULL, TRUE), "
        "(1, 0.1, 'x', 2.50, TRUE)",
    )
    assert backup.table_fingerprints(other)["t"] == (3, 8.05)  # same rows in another order


# --------------------------------------------------------------------------- backup, restore


def test_backup_while_served_restores_to_an_identical_store(demo_db_path, tmp_path):
    served = db.connect(demo_db_path)
    # A second connection object of this process keeps the store open, inside a transaction.
    reader = served.cursor()
    reader.execute("BEGIN TRANSACTION")
    assert reader.execute("SELECT count(*) FROM orders").fetchall()[0][0] > 0

    out = backup.backup(served, tmp_path / "backups" / "demo.zip")
    reader.execute("COMMIT")
    reader.close()
    assert _files(tmp_path / "backups") == ["demo.zip"]  # one file, no work files left

    assert backup.restore(out, tmp_path / "restored.duckdb") is None
    assert _files(tmp_path) == ["backups", "restored.duckdb"]
    restored = db.connect(tmp_path / "restored.duckdb")
    original = backup.table_fingerprints(served)
    copy = backup.table_fingerprints(restored)
    assert copy == original
    assert set(db.DATA_TABLES) <= set(copy) and all(copy[t][0] > 0 for t in ("orders", "visits", "customers"))
    assert backup.read_manifest(out)["tables"] == {t: list(v) for t, v in original.items()}
    # The stored order of the day totals (month, then customer) survives the round trip.
    first_days = "SELECT customer_id, order_date FROM order_days LIMIT 5000"
    assert db.rows(restored, first_days) == db.rows(served, first_days)
    # Constraints come back too.
    with pytest.raises(Exception, match=r"(?i)constraint|duplicate"):
        _execute(restored, "INSERT INTO managers SELECT * FROM managers LIMIT 1")


def test_a_backup_is_one_snapshot_while_writes_commit(con, tmp_path):
    # Enough rows that the export takes a while; every write adds a manager AND its target, so a
    # copy that mixed two moments would hold a manager without its target.
    _execute(
        con,
        "INSERT INTO orders (customer_id, order_date, amount) "
        "SELECT 'C' || (i % 50000), DATE '2024-01-01' + CAST(i % 700 AS INTEGER), i % 1000 "
        "FROM range(1500000) r(i)",
    )
    stop, written = threading.Event(), []

    def writer():
        cur = con.cursor()
        while not stop.is_set():
            n = len(written)
            cur.execute("BEGIN TRANSACTION")
            cur.execute("INSERT INTO managers VALUES ($id, 'n', 'T', 'R', TRUE)", {"id": f"M{n}"})
            cur.execute("INSERT INTO targets VALUES ($id, '2025-01', 100, NULL)", {"id": f"M{n}"})
            cur.execute("COMMIT")
            written.append(n)
        cur.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 3:
            stop.wait(0.001)
        before = len(written)
        out = backup.backup(con, tmp_path / "during.zip")
        during = len(written) - before
    finally:
        stop.set()
        thread.join()
    assert during > 0  # writes committed while the copy was made
    tables = backup.read_manifest(out)["tables"]
    assert tables["managers"][0] == tables["targets"][0] >= before
    assert tables["managers"][0] < len(written)
    backup.restore(out, tmp_path / "restored.duckdb")
    restored = db.connect(tmp_path / "restored.duckdb")
    assert db.scalar(restored, "SELECT count(*) FROM managers") == db.scalar(
        restored, "SELECT count(*) FROM targets"
    )
    assert db.scalar(restored, "SELECT count(*) FROM managers m ANTI JOIN targets t USING (manager_id)") == 0


def test_backup_refuses_to_overwrite_the_store(con, tmp_path):
    with pytest.raises(BackupError) as refused:
        backup.backup(con, tmp_path / "test.duckdb")
    assert refused.value.key == "accounts.backup_error_same_file"


def test_restore_keeps_the_replaced_store(con, tmp_path):
    _execute(con, "INSERT INTO managers VALUES ('M1', 'A', 'T1', 'R1', TRUE), ('M2', 'B', 'T1', 'R1', TRUE)")
    out = backup.backup(con, tmp_path / "two.zip")
    wanted = backup.table_fingerprints(con)
    _execute(con, "INSERT INTO managers VALUES ('M3', 'C', 'T2', 'R1', TRUE)")
    replaced = backup.table_fingerprints(con)
    db.close_all()  # the dashboard is stopped

    kept = backup.restore(out, tmp_path / "test.duckdb")
    assert kept is not None and kept.name.startswith("test.duckdb.before-restore-")
    assert backup.table_fingerprints(db.connect(tmp_path / "test.duckdb")) == wanted
    assert backup.table_fingerprints(db.connect(kept)) == replaced
    assert db.scalar(db.connect(tmp_path / "test.duckdb"), "SELECT count(*) FROM managers") == 2


def test_restore_refuses_a_store_that_is_open(con, tmp_path):
    out = backup.backup(con, tmp_path / "b.zip")
    _execute(con, "INSERT INTO managers VALUES ('M9', 'Z', 'T', 'R', TRUE)")
    with pytest.raises(BackupError) as refused:
        backup.restore(out, tmp_path / "test.duckdb")  # open in this process (the `con` fixture)
    assert refused.value.key == "accounts.backup_error_in_use"
    assert db.scalar(con, "SELECT count(*) FROM managers") == 1
    assert not [n for n in _files(tmp_path) if "restor" in n]  # nothing replaced, nothing left over


def test_restore_refuses_what_is_not_a_whole_backup(con, tmp_path):
    out = backup.backup(con, tmp_path / "good.zip")
    target = tmp_path / "new.duckdb"
    with pytest.raises(BackupError, match=r"backup_error_no_file"):
        backup.restore(tmp_path / "missing.zip", target)
    (tmp_path / "text.zip").write_text("not a zip")
    with pytest.raises(BackupError, match=r"backup_error_not_a_store"):
        backup.restore(tmp_path / "text.zip", target)
    with pytest.raises(BackupError, match=r"backup_error_not_a_store"):
        backup.restore(tmp_path / "test.duckdb", target)  # a store file, not a backup

    def altered(name: str, change) -> Path:
        path = tmp_path / name
        with zipfile.ZipFile(out) as source, zipfile.ZipFile(path, "w") as copy:
            for item in source.namelist():
                copy.writestr(item, change(item, source.read(item)))
        return path

    def fewer_rows(item, data):
        if item != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["tables"]["meta"][0] += 1
        return json.dumps(manifest)

    with pytest.raises(BackupError, match=r"backup_error_mismatch"):
        backup.restore(altered("tampered.zip", fewer_rows), target)

    outside = tmp_path / "outside.csv"

    def hostile(item, data):
        extra = f"\nCOPY (SELECT 1) TO '{outside}';\n".encode() if item == "schema.sql" else b""
        return data + extra

    with pytest.raises(BackupError, match=r"backup_error_not_a_store"):
        backup.restore(altered("hostile.zip", hostile), target)
    assert not outside.exists()  # the backup's SQL may touch no file but its own
    assert not target.exists() and not [n for n in _files(tmp_path) if "restor" in n]


# ----------------------------------------------------------------------------------- automatic


def test_auto_backup_keeps_the_newest_copies(con, tmp_path):
    folder = tmp_path / "auto"
    folder.mkdir()
    (folder / "notes.txt").write_text("kept")
    (folder / "other-auto-20200101-000000-000000-x.zip").write_text("another store's copy")
    made = [
        backup.auto_backup(con, reason, folder, keep=2) for reason in ("clear_demo", "undo import #3", "x")
    ]
    assert made[1].name.endswith("-undo_import_3.zip") and made[0].name.startswith("test-auto-")
    assert _files(folder) == sorted(
        ["notes.txt", "other-auto-20200101-000000-000000-x.zip", made[1].name, made[2].name]
    )
    assert backup.read_manifest(made[2])["format"] == backup.FORMAT
    with pytest.raises(ValueError):
        backup.auto_backup(con, "x", folder, keep=0)


# ------------------------------------------------------------------------------ command line


# Another process holding the store open, as the running dashboard does.
HOLD = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(120)"
)


@pytest.fixture
def english(monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)


def test_backup_and_restore_commands(con, tmp_path, capsys, english):
    from analytics.__main__ import main

    _execute(con, "INSERT INTO managers VALUES ('M1', 'A', 'T1', 'R1', TRUE)")
    data = {t: v for t, v in backup.table_fingerprints(con).items() if t in db.DATA_TABLES}
    store, out = str(tmp_path / "test.duckdb"), str(tmp_path / "cli.zip")
    assert main(["backup", "--db", store, "--out", out]) == 0
    assert capsys.readouterr().out.startswith(f"backup written: {out} (")
    db.close_all()

    assert main(["restore", "--db", str(tmp_path / "copy.duckdb"), out]) == 0
    restored = db.connect(tmp_path / "copy.duckdb")
    assert {t: v for t, v in backup.table_fingerprints(restored).items() if t in db.DATA_TABLES} == data
    entries = db.rows(restored, "SELECT user_name, action FROM audit_log ORDER BY recorded_at")
    assert [action for _, action in entries] == ["restore"]  # the copy holds no entry of its own backup
    assert entries[0][0].startswith("cli")


def test_commands_refuse_a_store_held_by_another_process(con, tmp_path, capsys, english):
    from analytics.__main__ import main

    out = backup.backup(con, tmp_path / "b.zip")
    db.close_all()
    store = str(tmp_path / "test.duckdb")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            HOLD,
            store,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        assert main(["backup", "--db", store, "--wait", "0", "--out", str(tmp_path / "c.zip")]) == 2
        assert "still in use by another program" in capsys.readouterr().err
        assert main(["restore", "--db", store, str(out)]) == 2
        assert "is in use" in capsys.readouterr().err
        assert main(["users", "list", "--db", store, "--wait", "0"]) == 2
    finally:
        holder.kill()
        holder.wait()
    assert not (tmp_path / "c.zip").exists()
