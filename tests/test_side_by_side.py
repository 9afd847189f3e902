"""The dashboard, the command line and scheduled jobs on one store at the same time.

The dashboard holds the store (DuckDB: one writing process per file); a command run meanwhile is
handed to it through analytics.link and gives the same output; a command meets a store held by
another program: it waits up to --wait seconds, then says so (exit 2). Writes inside one process
run one after the other."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from analytics import db, importer, link

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = {**os.environ, "LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}

ORDERS = """order_id,customer_id,order_date,product,quantity,amount
SBS-1,330102000001,{day},P,1,1000
SBS-2,330102000002,{day},P,2,2000
"""


def cli(*argv: str, cwd: Path | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """`python -m analytics ...` in a separate process, English messages."""
    return subprocess.run(
        [sys.executable, "-m", "analytics", *argv],
        cwd=cwd or ROOT,
        env={**ENGLISH, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def store(demo_db_path, tmp_path) -> Path:
    path = tmp_path / "store.duckdb"
    db.close_all()  # the demo's rows reach its file (not only its write-ahead log) before the copy
    shutil.copy(demo_db_path, path)
    yield path
    db.close_all()


@pytest.fixture
def dashboard(store):
    """This process plays the running dashboard: it holds the store and serves the link."""
    con = db.connect(store)
    assert link.serve(store) == link.socket_path(store)
    yield con
    db.close_all()
    assert not link.socket_path(store).exists()


def test_a_read_command_gives_the_same_answer_while_the_dashboard_holds_the_store(store):
    alone = cli("pareto", "--db", str(store), "--summary")
    assert alone.returncode == 0, alone.stderr
    con = db.connect(store)
    link.serve(store)
    try:
        handed = cli("pareto", "--db", str(store), "--summary")
        per_buyer = cli("pareto", "--db", str(store))
    finally:
        db.close_all()
    assert (handed.returncode, handed.stdout, handed.stderr) == (0, alone.stdout, "")
    assert alone.stdout.splitlines()[0].startswith("buyers,total_value")
    assert int(alone.stdout.splitlines()[1].split(",")[0]) > 300
    assert per_buyer.returncode == 0
    assert len(per_buyer.stdout.splitlines()) == 1 + int(alone.stdout.splitlines()[1].split(",")[0])
    assert con is not None


def test_an_import_handed_to_the_dashboard_changes_its_store(dashboard, store, tmp_path):
    last = db.last_data_date(dashboard)
    (tmp_path / "new.csv").write_text(ORDERS.format(day=last.isoformat()), encoding="utf-8")
    before_version = db.data_version(dashboard)
    before_rows = db.scalar(dashboard, "SELECT count(*) FROM orders")

    result = cli("import", "new.csv", "--db", str(store), cwd=tmp_path)  # a file name relative to the CLI

    assert result.returncode == 0, result.stderr
    assert "new.csv" in result.stdout
    assert db.scalar(dashboard, "SELECT count(*) FROM orders") == before_rows + 2
    assert db.scalar(dashboard, "SELECT sum(amount) FROM orders WHERE order_id LIKE 'SBS-%'") == 3000
    assert db.data_version(dashboard) > before_version


def test_a_usage_error_and_a_failing_import_keep_their_exit_status_through_the_link(
    dashboard, store, tmp_path
):
    (tmp_path / "bad.csv").write_text("order_id,customer_id,order_date,amount\nX,C,not a date,1\n")
    bad = cli("import", str(tmp_path / "bad.csv"), "--db", str(store))
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    usage = cli("pareto", "--db", str(store), "--metric", "nonsense")
    assert usage.returncode == 2 and "invalid choice" in usage.stderr


def test_restore_is_not_handed_to_the_dashboard(dashboard, store):
    code = link.run_captured(["restore", "backup.zip"], "/", "", str(store))
    assert code[0] == 2
    assert "Stop the dashboard" in code[2]


def test_two_imports_at_once_in_one_process_both_succeed(store, tmp_path):
    con = db.connect(store)
    last = db.last_data_date(con)
    files = []
    for n in range(2):
        text = ORDERS.replace("SBS-", f"T{n}-").format(day=last.isoformat())
        files.append(tmp_path / f"orders{n}.csv")
        files[-1].write_text(text, encoding="utf-8")
    version = db.data_version(con)
    results, errors = [], []
    start = threading.Barrier(2)

    def run(path: Path) -> None:
        start.wait()
        try:
            results.append(importer.import_file(con, path))
        except Exception as error:  # collected: the assertion below shows it
            errors.append(error)

    threads = [threading.Thread(target=run, args=(path,)) for path in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert sorted(r.added for r in results) == [2, 2]
    assert db.scalar(con, "SELECT count(*) FROM orders WHERE order_id LIKE 'T_-%'") == 4
    assert db.data_version(con) == version + 2


def test_many_writes_from_many_threads_never_conflict(con):
    def note(n: int) -> None:
        for i in range(10):
            with db.transaction(con) as cur:
                db.set_meta(cur, f"thread-{n}", str(i))

    threads = [threading.Thread(target=note, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [db.get_meta(con, f"thread-{n}") for n in range(4)] == ["9"] * 4
    assert db.data_version(con) == 40


HOLDER = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
    "time.sleep(float(sys.argv[2]))"
)


def hold(store: Path, seconds: float) -> subprocess.Popen:
    """Another program holding the store (no link): e.g. an import from the command line."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_store_held_by_another_program_makes_a_command_wait_then_say_so(store):
    holder = hold(store, 60)
    try:
        began = time.monotonic()
        result = cli("pareto", "--db", str(store), "--summary", "--wait", "1.5")
        waited = time.monotonic() - began
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 2
    assert result.stdout == ""
    assert "still in use by another program" in result.stderr
    assert f"process {holder.pid}" in result.stderr and "1.5 s" in result.stderr
    assert "Traceback" not in result.stderr
    assert waited >= 1.5


def test_a_command_runs_once_the_other_program_lets_go(store):
    holder = hold(store, 2)
    try:
        result = cli("pareto", "--db", str(store), "--summary", "--wait", "60")
    finally:
        holder.wait()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("buyers,")


def test_a_killed_dashboard_leaves_a_socket_that_the_next_one_replaces(store):
    path = link.socket_path(store)
    path.write_text("")  # what a dashboard killed with -9 leaves behind
    db.connect(store)
    assert link.serve(store) == path
    assert link.hand_over(["pareto", "--summary"], store)[0] == 0
    db.close_all()
    assert link.hand_over(["pareto", "--summary"], store) is None


def test_the_socket_is_for_its_user_only(dashboard, store):
    assert oct(link.socket_path(store).stat().st_mode & 0o777) == "0o600"


def test_a_long_store_path_gets_a_short_socket(tmp_path):
    deep = tmp_path.joinpath(*["d" * 30] * 4, "store.duckdb")
    path = link.socket_path(deep)
    assert len(str(path)) <= 100 and path.name.startswith("analytics-")
    assert link.socket_path(deep) == path


def test_the_pages_see_an_import_without_a_restart(store, tmp_path):
    """ui.common.cached is keyed on the data version, which every import bumps."""
    from analytics import pareto
    from analytics.filters import Filters
    from ui import common

    os.environ["DASHBOARD_DB"] = str(store)
    con = common.connection()
    last = db.last_data_date(con)
    filters = Filters(start=last, end=last)
    before = common.cached(pareto.pareto_summary, filters, "amount").total_value
    (tmp_path / "new.csv").write_text(ORDERS.format(day=last.isoformat()), encoding="utf-8")
    importer.import_file(con, tmp_path / "new.csv")
    after = common.cached(pareto.pareto_summary, filters, "amount").total_value
    assert after == pytest.approx(before + 3000)
