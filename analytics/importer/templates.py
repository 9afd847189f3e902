"""Blank templates and sample files for supervisors, and a synthetic orders file for measuring
the import."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analytics import db
from analytics.export import to_csv_bytes
from analytics.importer.read import EXCEL_SUFFIXES, TEXT_SUFFIXES
from analytics.importer.write import import_file
from analytics.normalise import CONTRACT, TABLE_ORDER

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "sample"


def template_bytes(table: str, lang: str = "zh") -> bytes:
    """A blank CSV (UTF-8 with BOM) with the table's headers: Chinese aliases or English names."""
    headers = [(f.aliases[0] if lang == "zh" and f.aliases else f.name) for f in CONTRACT[table]]
    return to_csv_bytes(pd.DataFrame(columns=headers))


def write_orders_csv(
    path: str | Path, rows: int, seed: int = 0, customers: int = 30_000, chinese_headers: bool = True
) -> Path:
    """A synthetic orders CSV (UTF-8) of `rows` lines, for measuring the import."""
    rng = np.random.default_rng(seed)
    day = np.datetime64("2024-01-01") + rng.integers(0, 730, rows).astype("timedelta64[D]")
    number = np.arange(rows) // 3
    headers = (
        ["订单编号", "客户编码", "订货日期", "卷烟名称", "数量", "金额", "成本"]
        if chinese_headers
        else ["order_id", "customer_id", "order_date", "product", "quantity", "amount", "cost"]
    )
    quantity = rng.integers(1, 50, rows).astype(np.float64)
    price = rng.choice(np.array([95.0, 150.0, 220.0, 420.0]), rows)
    table = pa.table(
        {
            headers[0]: pc.binary_join_element_wise("O", pc.cast(pa.array(number + 10**8), pa.string()), ""),
            headers[1]: pc.cast(pa.array(330102000000 + rng.integers(1, customers + 1, rows)), pa.string()),
            headers[2]: pc.cast(pa.array(day), pa.string()),
            headers[3]: pc.binary_join_element_wise(
                "品规", pc.cast(pa.array(np.arange(rows) % 3), pa.string()), ""
            ),
            headers[4]: pa.array(quantity),
            headers[5]: pa.array(quantity * price),
            headers[6]: pa.array(np.round(quantity * price * 0.7, 2)),
        }
    )
    path = Path(path)
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none"))
    return path


def measure_import(rows: int = 1_000_000, workdir: str | Path = "/tmp") -> dict:
    """Import a synthetic orders CSV into a fresh database: rows/s and peak memory (MB)."""
    import resource

    workdir = Path(workdir)
    csv_path = write_orders_csv(workdir / f"orders_{rows}.csv", rows)
    db_path = workdir / f"import_bench_{rows}.duckdb"
    db_path.unlink(missing_ok=True)
    con = db.connect(db_path)
    began = time.perf_counter()
    result = import_file(con, csv_path, table="orders", mode="strict")
    seconds = time.perf_counter() - began
    return {
        "rows": rows,
        "added": result.added,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "aggregates": result.aggregates,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def sample_files() -> list[Path]:
    """The sample files shipped in data/sample/ (import managers first, then customers)."""
    files = [p for p in SAMPLES.glob("*") if p.suffix.lower() in (*TEXT_SUFFIXES, *EXCEL_SUFFIXES)]

    def order(path: Path) -> tuple[int, str]:
        table = next((i for i, name in enumerate(TABLE_ORDER) if path.name.startswith(name)), 99)
        return table, path.name

    return sorted(files, key=order)
