"""An import killed with SIGKILL at any moment leaves a store that opens, holds either all of the
file or none of it, and keeps its order aggregates equal to a full recomputation."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from analytics import db
from tests.conftest import ROOT

ROWS = 150_000
DAYS = "SELECT * FROM order_days ORDER BY customer_id, order_date"


def test_an_import_killed_mid_way_writes_all_or_nothing(tmp_path):
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("no SIGKILL here")
    orders = tmp_path / "orders.csv"
    lines = (f"K{i},C{i % 5000},2025-0{1 + i % 9}-1{i % 10},{i % 50},{i % 997}.5\n" for i in range(ROWS))
    orders.write_text("order_id,customer_id,order_date,quantity,amount\n" + "".join(lines))
    store = tmp_path / "s.duckdb"
    outcomes = []
    for delay in (0.4, 1.2, 2.5):
        process = subprocess.Popen(
            [sys.executable, "-m", "analytics", "import", "--db", str(store), str(orders)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        con = db.connect(store)
        count = db.scalar(con, "SELECT count(*) FROM orders")
        logged = db.scalar(con, "SELECT count(*) FROM import_log")
        assert count in (0, ROWS) and logged == (1 if count else 0), (delay, count, logged)
        days = db.query(con, "SELECT * FROM order_days ORDER BY customer_id, order_date")
        with db.transaction(con) as cur:
            db.refresh_aggregates(cur)
        pd.testing.assert_frame_equal(
            days, db.query(con, "SELECT * FROM order_days ORDER BY customer_id, order_date")
        )
        outcomes.append(count)
        db.close_all()
        if count:
            break
    assert outcomes[0] == 0  # the first kill came before the commit
