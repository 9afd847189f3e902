"""DuckDB beside Spark on the same store: the 80/20 summary, the customer detail, the ABC
migration, the monthly retention flow and the scorecard's figures, each timed on the DuckDB file
and on its Parquet export read by local Spark (same machine, same run), with the DuckDB ÷ Spark
ratio (Spark's kept results are dropped before each run).

    python benchmarks/run.py --engine spark --sizes city province [--repeat 2]
    python -m benchmarks.spark --size city [--repeat 3] [--master local[2]]

The store is copied to /tmp first (the originals under /work/bench_db are never written);
the export goes to /tmp/spark_bench/<size>/. Prints one Markdown table per size."""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from pathlib import Path

import duckdb

from analytics import db, pareto, retention, scorecard
from analytics.engine.parquet import export_parquet
from analytics.engine.spark import open_store
from analytics.filters import Filters

BENCH = Path("/work/bench_db")
WORK = Path("/tmp/spark_bench")

METRICS = {
    "pareto_summary": lambda con, f: pareto.pareto_summary(con, f).as_frame(),
    "customer_values": lambda con, f: pareto.customer_values(con, f),
    "abc_migration": lambda con, f: pareto.abc_migration(con, f),
    "monthly_flow": lambda con, f: retention.monthly_flow(con, f),
    "scorecard_figures": lambda con, f: scorecard.period_figures(con, f, ((f.start, f.end),)),
}


def prepare(size: str) -> tuple[Path, Path]:
    """A private copy of the store and its Parquet export (made once)."""
    folder = WORK / size
    folder.mkdir(parents=True, exist_ok=True)
    store, warehouse = folder / f"{size}.duckdb", folder / "warehouse"
    if not store.exists():
        shutil.copyfile(BENCH / f"{size}.duckdb", store)
    if not warehouse.exists():
        con = duckdb.connect(str(store))
        began = time.perf_counter()
        export_parquet(con, warehouse)
        print(f"export {size}: {time.perf_counter() - began:.1f} s")
        con.close()
    return store, warehouse


def timed(call, repeat: int) -> tuple[float, float]:
    """(first run, median of the repeats) in seconds."""
    times = []
    for _ in range(repeat + 1):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return times[0], statistics.median(times[1:] or times)


def compare(size: str, repeat: int, master: str = "local[2]") -> list[tuple[str, float, float, float]]:
    """Each metric on DuckDB and on local Spark over the whole data range of the store ``size``:
    (metric, DuckDB s, Spark first s, Spark s), printed as a Markdown table with the ratio."""
    store, warehouse = prepare(size)
    con = db.connect(store)
    first, last = db.data_range(con)
    year = Filters(start=first, end=last)
    began = time.perf_counter()
    spark = open_store(warehouse, master=master)
    print(f"spark session and views: {time.perf_counter() - began:.1f} s")
    print(f"\n| {size} | DuckDB s | Spark first s | Spark s | DuckDB ÷ Spark |")
    print("|---|---:|---:|---:|---:|")
    rows = []
    for name, metric in METRICS.items():
        _, duck = timed(lambda m=metric: m(con, year), repeat)
        cold, warm = timed(lambda m=metric: (spark.forget_results(), m(spark, year)), repeat)
        print(f"| {name} | {duck:.3f} | {cold:.2f} | {warm:.2f} | {duck / warm:.3f} |", flush=True)
        rows.append((name, duck, cold, warm))
    spark.close()
    db.close_all()
    return rows


def compare_sizes(sizes: list[str], repeat: int, master: str = "local[2]") -> int:
    """``benchmarks/run.py --engine spark``: ``compare`` for each size, one after the other."""
    for size in sizes:
        compare(size, repeat, master)
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=("small", "city", "province"), default="city")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    compare(args.size, args.repeat, args.master)


if __name__ == "__main__":
    main()
