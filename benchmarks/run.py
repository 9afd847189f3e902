"""Benchmark of the dashboard's metrics at named data sizes, beside a pandas peer and a scan floor.

    python benchmarks/run.py --sizes small city [--repeat 5] [--rebuild] [--no-peer]

For each size it builds (or reuses) a demo database under benchmarks/db/, then runs two worker
processes one after the other, so each reports its own peak memory:

- ``ours``: every metric that exists, called directly (no Streamlit cache). Each metric and period
  is first called on a fresh DuckDB connection ("first", DuckDB's buffer pool cold, the OS file
  cache warm), then `--repeat` more times in the same process (median and min–max). Also the
  floor: one scan of the order lines grouped by customer, and the CSV import of 1M order rows.
- ``peer``: the same figures in pandas (benchmarks/pandas_peer.py) after reading the tables with
  ``SELECT <needed columns> … .df()``. Its time is reported without the table reads (a cache hit: what every
  filter change costs) and with them (a cache miss: what the first view after a data change costs).

The parent watches each worker's memory and stops it above a limit ("did not finish"), then writes
benchmarks/results.md and compares it with the previous results (benchmarks/results.previous.md).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DB_DIR = BENCH_DIR / "db"
PYTHON = sys.executable


@dataclass(frozen=True)
class Size:
    customers: int
    managers: int


SIZES = {
    "small": Size(3_000, 24),
    "city": Size(50_000, 400),
    "province": Size(300_000, 2_400),
}
# Fixed data so rebuilt databases are identical: 24 months ending here, seed 7.
DATA_END = date(2025, 10, 31)
DATA_MONTHS = 24
SEED = 7
IMPORT_ROWS = 1_000_000
PAGE_SIZE = 4096
REPEAT_BUDGET_S = 60.0  # stop repeating a metric once its runs took this long


# ------------------------------------------------------------------ databases


def db_path(size: str) -> Path:
    return DB_DIR / f"{size}.duckdb"


def _stored_customers(path: Path) -> int | None:
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except Exception:
        return None
    try:
        return con.execute("SELECT count(*) FROM customers").fetchall()[0][0]
    except Exception:
        return None
    finally:
        con.close()


def ensure_db(size: str, rebuild: bool) -> Path:
    """The demo database of a size: reused when it has the right number of customers."""
    path = db_path(size)
    spec = SIZES[size]
    if not rebuild and path.exists() and _stored_customers(path) == spec.customers:
        return path
    DB_DIR.mkdir(parents=True, exist_ok=True)
    building = path.with_suffix(".building.duckdb")
    for stale in (building, Path(f"{building}.wal")):
        stale.unlink(missing_ok=True)
    print(f"[{size}] generating {spec.customers} customers, {spec.managers} managers …", flush=True)
    subprocess.run(
        [
            PYTHON,
            "-m",
            "analytics",
            "init-demo",
            "--db",
            str(building),
            "--customers",
            str(spec.customers),
            "--managers",
            str(spec.managers),
            "--months",
            str(DATA_MONTHS),
            "--seed",
            str(SEED),
            "--end",
            DATA_END.isoformat(),
        ],
        cwd=ROOT,
        check=True,
    )
    building.replace(path)
    Path(f"{path}.wal").unlink(missing_ok=True)
    return path


# ------------------------------------------------------------------ measuring


def rss_mb() -> float:
    """Resident memory of this process now (MB)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE_SIZE / 2**20


def peak_rss_mb() -> float:
    """ru_maxrss of this process (Linux: kilobytes)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class RssSampler:
    """Highest resident memory seen while a block runs (sampled every few milliseconds)."""

    def __init__(self, interval: float = 0.005):
        self.interval = interval
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb())
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self.peak = rss_mb()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


def timed(call, repeat: int, before_first=None) -> tuple[dict, object]:
    """First call (after `before_first`, e.g. a fresh connection) and `repeat` more calls."""
    if before_first:
        before_first()
    gc.collect()
    start_rss = rss_mb()
    with RssSampler() as sampler:
        began = time.perf_counter()
        result = call()
        first = time.perf_counter() - began
    times = []
    spent = first
    for _ in range(repeat):
        if spent > REPEAT_BUDGET_S:  # a slow metric: fewer runs (its first call may be the only one)
            break
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
        spent += times[-1]
    runs = times or [first]
    quartiles = statistics.quantiles(runs, n=4) if len(runs) >= 2 else [runs[0]] * 3
    return {
        "first": first,
        "median": statistics.median(runs),
        "min": min(runs),
        "max": max(runs),
        "q1": quartiles[0],
        "q3": quartiles[2],
        "runs": len(runs),
        "rss_delta_mb": sampler.peak - start_rss,
    }, result


# ------------------------------------------------------------------ figures to compare


def _num(value):
    if value is None:
        return None
    try:
        import math

        number = float(value)
        return None if math.isnan(number) else round(number, 6)
    except (TypeError, ValueError):
        return str(value)


def fingerprint(metric: str, result) -> dict:
    """A few figures of a result, in the same form for ours and the peer, to check they agree."""
    import pandas as pd

    if metric == "pareto_summary":
        data = asdict(result) if is_dataclass(result) else dict(result)
        return {
            k: _num(data.get(k))
            for k in (
                "buyers",
                "total_value",
                "top20_share",
                "pct_customers_for_80",
                "gini",
                "a_count",
                "b_count",
                "c_count",
                "non_buyers",
            )
        }
    if metric == "pareto_detail":
        return {
            "buyers": len(result),
            "value": _num(result["value"].sum()),
            "a_count": int((result["abc"] == "A").sum()),
            "first": ",".join(result["customer_id"].head(3)),
        }
    if metric == "abc_migration":
        return {f"{r.previous_abc}>{r.current_abc}": int(r.customers) for r in result.itertuples()}
    if metric == "overview_tiles":
        if isinstance(result, dict):
            items = {name: (cur, prev, trend) for name, (cur, prev, trend) in result.items()}
        else:
            items = {t.name: (t.value, t.previous, t.trend) for t in result}
        out = {}
        for name, (cur, prev, trend) in items.items():
            out[name] = _num(cur)
            out[f"{name}_previous"] = _num(prev)
            out[f"{name}_trend_sum"] = _num(sum(trend))
        return out
    if metric == "scorecard":
        out = {"managers": len(result)}
        for column in ("customers", "visits", "sales", "active_customers"):
            out[column] = _num(pd.to_numeric(result[column]).sum())
        for column in (
            "coverage",
            "frequency_compliance",
            "duration_compliance",
            "field_days_per_week",
            "visits_per_field_day",
            "growth_yoy",
        ):
            out[f"mean_{column}"] = _num(pd.to_numeric(result[column]).astype("float64").mean())
        return out
    if metric == "retention_table":
        if is_dataclass(result):
            return {"cohort": int(result.cohort), "lost": int(result.lost)}
        return {"cohort": int(result["cohort"].sum()), "lost": int(result["lost"].sum())}
    if metric == "warnings_rules":
        if "decline" in result.columns:
            return {"cadence": int(result["cadence"].sum()), "decline": int(result["decline"].sum())}
        return {
            "cadence": int(result["cadence"].sum()),
            "decline": int((result["decline_yoy"] | result["decline_prev"]).sum()),
        }
    return {}


# ------------------------------------------------------------------ our metrics


class Missing(Exception):
    """The metric's module or function is not there (yet)."""


def _module(name: str):
    import importlib

    try:
        return importlib.import_module(f"analytics.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"analytics.{name}":
            raise Missing(f"analytics/{name}.py does not exist") from None
        raise


def _function(module: str, name: str):
    mod = _module(module)
    if not hasattr(mod, name):
        raise Missing(f"analytics/{module}.py has no {name}()")
    return getattr(mod, name)


@dataclass
class Context:
    """What the cases need: the database, the periods and the as-of date."""

    path: Path
    periods: dict  # label -> (start, end)
    as_of: date
    manager_id: str | None
    settings: dict


def _retention_call(ctx: Context):
    frozen_cohort = _function("retention", "frozen_cohort")
    return lambda con, f: frozen_cohort(con, f, settings=ctx.settings)


# name -> (periodic?, builder(ctx) -> call(con, filters))
CASES = {
    "overview_tiles": (True, lambda ctx: _with(_function("overview", "overview_tiles"))),
    "pareto_summary": (True, lambda ctx: _with(_function("pareto", "pareto_summary"), settings=ctx.settings)),
    "pareto_detail": (True, lambda ctx: _with(_function("pareto", "customer_values"), settings=ctx.settings)),
    "abc_migration": (True, lambda ctx: _with(_function("pareto", "abc_migration"), settings=ctx.settings)),
    "scorecard": (True, lambda ctx: _with(_function("scorecard", "scorecard"), settings=ctx.settings)),
    "retention_table": (True, _retention_call),
    "warnings_rules": (False, lambda ctx: _as_of(_function("warnings", "rule_facts"), ctx)),
    "warning_list": (False, lambda ctx: _as_of(_function("warnings", "warning_list"), ctx)),
    "risk_training": (False, lambda ctx: _risk_training(ctx)),
    "risk_scoring": (False, lambda ctx: _risk_scoring(ctx)),
    "warnings_action_list": (False, lambda ctx: _warnings_action_list(ctx)),
    "overdue_list": (False, lambda ctx: _overdue(ctx)),
}


def _with(function, **kwargs):
    return lambda con, f: function(con, f, **kwargs)


def _as_of(function, ctx: Context):
    return lambda con, f: function(con, f, as_of=ctx.as_of, settings=ctx.settings)


def _risk_training(ctx: Context):
    """Training the risk ranking: every candidate's rolling backtest, the choice, the refit, the
    scores of every customer and the action list's backtest (a progress bar on the page), once
    per data version and settings."""
    train = _function("risk", "train")
    return lambda con, f: train(con, as_of=ctx.as_of, settings=ctx.settings)


def _risk_scoring(ctx: Context):
    """Scoring every customer with a ranking trained beforehand (outside the timing)."""
    from analytics import db

    train, score = _function("risk", "train"), _function("risk", "score")
    model = train(db.connect(ctx.path), as_of=ctx.as_of, settings=ctx.settings)
    return lambda con, f: score(con, model, as_of=ctx.as_of, settings=ctx.settings)


def _warnings_action_list(ctx: Context):
    """The `warnings` command's work: the action list from the ranking stored in the database.
    The ranking is trained and stored beforehand (outside the timing) in a copy of the store in
    a temporary folder, so the benchmark stores are never written."""
    import atexit
    import tempfile

    from analytics import db

    ranked_warnings, action_list = _function("risk", "ranked_warnings"), _function("warnings", "action_list")
    folder = Path(tempfile.mkdtemp(prefix="bench_warnings_"))
    atexit.register(shutil.rmtree, folder, True)
    copy = folder / ctx.path.name
    _copy_to_disk(ctx.path, copy)
    _function("risk", "stored_ranking")(db.connect(copy), ctx.as_of, ctx.settings)

    def call(con, filters):
        frame, _ = ranked_warnings(db.connect(copy), filters, ctx.as_of, ctx.settings)
        return action_list(frame[frame["open"]].reset_index(drop=True), ctx.settings)

    return call


def _overdue(ctx: Context):
    overdue = _function("scorecard", "overdue_list")
    return lambda con, f: overdue(con, ctx.manager_id, ctx.as_of, settings=ctx.settings)


_FLOOR_SQL = "SELECT customer_id, sum(amount) FROM orders WHERE order_date BETWEEN ? AND ? GROUP BY 1"
_FLOOR_DAYS_SQL = (
    "SELECT customer_id, sum(amount) FROM order_days WHERE order_date BETWEEN ? AND ? GROUP BY 1"
)


def _context(path: Path):
    from analytics import config, db
    from analytics.filters import latest_full_month, period_dates

    con = db.connect(path)
    anchor = db.data_range(con)[1]
    manager = db.scalar(
        con,
        """SELECT manager_id FROM customers WHERE manager_id IS NOT NULL
                                GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""",
    )
    periods = {"month": latest_full_month(anchor), "12 months": period_dates("last_12_months", anchor)}
    return Context(path, periods, anchor, manager, config.load_settings())


def run_ours(size: str, repeat: int) -> dict:
    from analytics import db
    from analytics.filters import Filters

    path = db_path(size)
    ctx = _context(path)
    fresh = db.close_all

    def connection():
        return db.connect(path)

    out = {
        "metrics": [],
        "skipped": {},
        "as_of": ctx.as_of.isoformat(),
        "periods": {k: [v[0].isoformat(), v[1].isoformat()] for k, v in ctx.periods.items()},
    }
    for label, (start, end) in ctx.periods.items():
        for name, sql in (("floor", _FLOOR_SQL), ("floor_order_days", _FLOOR_DAYS_SQL)):
            stats, _ = timed(
                lambda sql=sql, start=start, end=end: db.query(connection(), sql, [start, end]), repeat, fresh
            )
            out["metrics"].append({"metric": name, "period": label, **stats})
    for name, (periodic, build) in CASES.items():
        try:
            call = build(ctx)
        except Missing as exc:
            out["skipped"][name] = str(exc)
            print(f"[{size}] skip {name}: {exc}", flush=True)
            continue
        periods = ctx.periods.items() if periodic else [("as of", (None, ctx.as_of))]
        for label, (start, end) in periods:
            filters = Filters(start=start or ctx.periods["12 months"][0], end=end)
            stats, result = timed(
                lambda call=call, filters=filters: call(connection(), filters), repeat, fresh
            )
            out["metrics"].append(
                {"metric": name, "period": label, **stats, "figures": fingerprint(name, result)}
            )
            print(f"[{size}] {name} {label}: median {stats['median']:.3f} s", flush=True)
    db.close_all()
    _run_import(size, path, repeat, out)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


# ------------------------------------------------------------------ CSV import


def _import_csv(size: str, path: Path, rows: int) -> Path:
    """A UTF-8 CSV of exactly `rows` new order lines with the ordering system's Chinese headers:
    the database's latest lines again (repeated when it has fewer), under new order numbers."""
    import duckdb

    target = DB_DIR / f"import_{size}_{rows}.csv"
    if target.exists():
        return target
    con = duckdb.connect(str(path), read_only=True)
    try:
        copies = -(-rows // con.execute("SELECT count(*) FROM orders").fetchall()[0][0])
        con.execute(
            """COPY (
                SELECT 'N' || CAST(r.copy AS VARCHAR) || '-' || o.order_id AS "订单编号",
                       o.customer_id AS "客户编码", o.order_date AS "订货日期", o.product AS "卷烟名称",
                       o.quantity AS "数量", o.amount AS "金额", o.cost AS "成本"
                FROM (SELECT * FROM orders ORDER BY order_date DESC, customer_id, order_id, product LIMIT ?) o
                CROSS JOIN range(?) AS r(copy)
                LIMIT ?
            ) TO ? (HEADER, DELIMITER ',')""",
            [rows, copies, rows, str(target)],
        )
    finally:
        con.close()
    return target


def _import_call(csv_path: Path):
    import inspect

    import_file = _function("importer", "import_file")
    params = inspect.signature(import_file).parameters
    kwargs = {}
    if "table" in params:
        kwargs["table"] = "orders"
    return lambda con: import_file(con, csv_path, **kwargs)


def _copy_to_disk(source: Path, target: Path) -> None:
    """Copy the database and wait until the copy is on disk: otherwise the import's commit (an
    fsync of the same file) would also write the copy's gigabyte of unwritten pages and time the
    benchmark's own copying (province imports then ranged from 2.2 to 4.5 s)."""
    shutil.copyfile(source, target)
    handle = os.open(target, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _run_import(size: str, path: Path, repeat: int, out: dict) -> None:
    """Import 1M order rows into a fresh copy of the database, `min(repeat, 3)` times."""
    from analytics import db

    try:
        csv_path = _import_csv(size, path, IMPORT_ROWS)
        call = _import_call(csv_path)
    except Missing as exc:
        out["skipped"]["csv_import"] = str(exc)
        print(f"[{size}] skip csv_import: {exc}", flush=True)
        return
    copy = DB_DIR / f"{size}.import.duckdb"
    times, deltas = [], []
    try:
        for _ in range(max(1, min(repeat, 3))):
            db.close_all()
            _copy_to_disk(path, copy)
            con = db.connect(copy)
            gc.collect()
            start_rss = rss_mb()
            with RssSampler() as sampler:
                began = time.perf_counter()
                result = call(con)
                times.append(time.perf_counter() - began)
            deltas.append(sampler.peak - start_rss)
            db.close_all()
    except Exception as exc:  # a failing importer is a finding, not a crash of the benchmark
        out["skipped"]["csv_import"] = f"import failed: {type(exc).__name__}: {exc}"
        print(f"[{size}] csv_import failed: {exc}", flush=True)
        return
    finally:
        db.close_all()
        for leftover in (copy, Path(f"{copy}.wal")):
            leftover.unlink(missing_ok=True)
    out["metrics"].append(
        {
            "metric": "csv_import",
            "period": f"{IMPORT_ROWS:,} rows",
            "first": times[0],
            "median": statistics.median(times),
            "min": min(times),
            "max": max(times),
            "runs": len(times),
            "rss_delta_mb": max(deltas),
            "rows_per_s": IMPORT_ROWS / statistics.median(times),
            "figures": {
                "added": getattr(result, "added", None),
                "rejected": getattr(result, "rejected", None),
            },
        }
    )
    print(f"[{size}] csv_import: median {statistics.median(times):.2f} s", flush=True)


# ------------------------------------------------------------------ the pandas peer


PEER_CASES = {
    # name -> (periodic?, tables it reads, call(data, start, end, ctx))
    "pareto_summary": (
        True,
        ("orders", "customers"),
        lambda d, s, e, c: pandas_peer().pareto_summary(d, s, e),
    ),
    "pareto_detail": (
        True,
        ("orders", "customers", "managers"),
        lambda d, s, e, c: pandas_peer().pareto_detail(d, s, e),
    ),
    "abc_migration": (True, ("orders", "customers"), lambda d, s, e, c: pandas_peer().abc_migration(d, s, e)),
    "overview_tiles": (
        True,
        ("orders", "customers", "visits"),
        lambda d, s, e, c: pandas_peer().overview_tiles(d, s, e),
    ),
    "scorecard": (
        True,
        ("orders", "customers", "managers", "visits"),
        lambda d, s, e, c: pandas_peer().scorecard(d, s, e),
    ),
    "retention_table": (
        True,
        ("orders", "customers", "managers"),
        lambda d, s, e, c: pandas_peer().retention_table(d, *c["base"], e),
    ),
    "warnings_rules": (False, ("orders", "customers"), lambda d, s, e, c: pandas_peer().warnings_rules(d, e)),
}


def pandas_peer():
    if str(BENCH_DIR) not in sys.path:
        sys.path.insert(0, str(BENCH_DIR))
    import pandas_peer as module

    return module


def run_peer(size: str, repeat: int, as_of: str, periods: dict) -> dict:
    import duckdb

    from analytics.filters import add_months

    con = duckdb.connect(str(db_path(size)), read_only=True)
    con.execute("SET enable_progress_bar = false")
    began = time.perf_counter()
    data = pandas_peer().load_tables(con)
    con.close()
    out = {
        "load_seconds": data.load_seconds,
        "load_total": time.perf_counter() - began,
        "rss_after_load_mb": rss_mb(),
        "metrics": [],
    }
    print(f"[{size}] peer: tables read in {out['load_total']:.1f} s", flush=True)
    as_of_day = date.fromisoformat(as_of)
    periods = {k: (date.fromisoformat(v[0]), date.fromisoformat(v[1])) for k, v in periods.items()}
    for name, (periodic, tables, call) in PEER_CASES.items():
        runs = periods.items() if periodic else [("as of", (None, as_of_day))]
        for label, (start, end) in runs:
            first_month = start.replace(day=1) if start else None
            ctx = {
                "base": (add_months(first_month, -12), add_months(first_month, -1)) if first_month else None
            }
            stats, result = timed(
                lambda call=call, start=start, end=end, ctx=ctx: call(data, start, end, ctx), repeat
            )
            load = sum(data.load_seconds[t] for t in tables)
            out["metrics"].append(
                {
                    "metric": name,
                    "period": label,
                    **stats,
                    "with_load": stats["median"] + load,
                    "figures": fingerprint(name, result),
                }
            )
            print(f"[{size}] peer {name} {label}: median {stats['median']:.3f} s", flush=True)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


# ------------------------------------------------------------------ worker processes


def _child_rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE_SIZE / 2**20
    except OSError:
        return 0.0


def run_worker(args: list[str], memory_limit_gb: float, timeout_s: float) -> tuple[dict | None, str | None]:
    """Run `run.py --worker …` in a child process, stopping it above the memory limit or time."""
    out_file = DB_DIR / f"worker-{os.getpid()}.json"
    out_file.unlink(missing_ok=True)
    child = subprocess.Popen(
        [PYTHON, str(Path(__file__).resolve()), *args, "--out-json", str(out_file)], cwd=ROOT
    )
    began, peak = time.monotonic(), 0.0
    reason = None
    while child.poll() is None:
        peak = max(peak, _child_rss_mb(child.pid))
        if peak > memory_limit_gb * 1024:
            reason = f"did not finish: memory above {memory_limit_gb:g} GB"
        elif time.monotonic() - began > timeout_s:
            reason = f"did not finish: over {timeout_s / 60:.0f} min"
        if reason:
            child.kill()
            child.wait()
            break
        time.sleep(0.2)
    if reason is None and child.returncode != 0:
        reason = f"did not finish: exit code {child.returncode}"
    if reason:
        return None, reason
    result = json.loads(out_file.read_text())
    out_file.unlink(missing_ok=True)
    return result, None


def table_counts(path: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]  # constant names
            for t in ("customers", "managers", "orders", "visits", "order_days", "order_months")
        }
    finally:
        con.close()


def bench_size(size: str, args) -> dict:
    path = ensure_db(size, args.rebuild)
    record = {
        "size": size,
        "counts": table_counts(path),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "repeat": args.repeat,
        "db_mb": path.stat().st_size / 2**20,
    }
    ours, problem = run_worker(
        ["--worker", "ours", "--size", size, "--repeat", str(args.repeat)],
        args.memory_limit_gb,
        args.timeout_min * 60,
    )
    record["ours"] = ours or {"dnf": problem}
    if args.no_peer:
        record["peer"] = {"dnf": "not run (--no-peer)"}
    elif ours is None:
        record["peer"] = {"dnf": "not run: our worker did not finish"}
    else:
        peer_args = [
            "--worker",
            "peer",
            "--size",
            size,
            "--repeat",
            str(max(1, min(args.repeat, 3))),
            "--as-of",
            ours["as_of"],
            "--periods",
            json.dumps(ours["periods"]),
        ]
        peer, problem = run_worker(peer_args, args.peer_memory_limit_gb, args.timeout_min * 60)
        record["peer"] = peer or {"dnf": problem}
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=["small", "city"])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs after the first (peer: at most 3)")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the databases")
    parser.add_argument("--no-peer", action="store_true", help="skip the pandas peer")
    parser.add_argument("--memory-limit-gb", type=float, default=12.0, help="stop our worker above this")
    parser.add_argument("--peer-memory-limit-gb", type=float, default=16.0, help="stop the peer above this")
    parser.add_argument("--timeout-min", type=float, default=40.0, help="stop a worker after this long")
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "results.md")
    parser.add_argument("--worker", choices=["ours", "peer"], help=argparse.SUPPRESS)
    parser.add_argument("--size", help=argparse.SUPPRESS)
    parser.add_argument("--as-of", help=argparse.SUPPRESS)
    parser.add_argument("--periods", help=argparse.SUPPRESS)
    parser.add_argument("--out-json", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--engine", choices=["duckdb", "spark"], default="duckdb", help="spark: beside local Spark"
    )
    args = parser.parse_args(argv)
    if args.engine == "spark":  # DuckDB beside local Spark per size (benchmarks/spark.py, docs/SCALE.md)
        from benchmarks.spark import compare_sizes

        return compare_sizes(args.sizes, min(args.repeat, 2))

    if args.worker == "ours":
        args.out_json.write_text(json.dumps(run_ours(args.size, args.repeat), default=str))
        return 0
    if args.worker == "peer":
        result = run_peer(args.size, args.repeat, args.as_of, json.loads(args.periods))
        args.out_json.write_text(json.dumps(result, default=str))
        return 0

    import report

    machine = report.machine()
    records = [bench_size(size, args) for size in args.sizes]
    previous = report.read_previous(args.results)
    report.write(args.results, machine, records, previous)
    print(f"results written to {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
