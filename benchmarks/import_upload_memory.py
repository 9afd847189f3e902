"""Memory of the Import page's upload path (issue 18): 10 uploads of ~80 MB in a row, each held
in memory as Streamlit holds an upload, written to a temporary file, checked (no rows kept) and
imported from the file, then released. Prints the process's resident memory after each upload and
its peak (VmHWM). Run: .venv/bin/python benchmarks/import_upload_memory.py [--mb 80] [--uploads 10]"""

from __future__ import annotations

import argparse
import gc
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import db, importer
from analytics.normalise import detect_table


def status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    return -1


def orders_csv(megabytes: int, prefix: str) -> bytes:
    line_bytes = 48
    rows = megabytes * (1 << 20) // line_bytes
    lines = (
        f"{prefix}{i:09d},C{i % 50_000:06d},2025-0{1 + i % 9}-1{i % 10},{i % 40},{i % 997}.5\n"
        for i in range(rows)
    )
    return ("order_id,customer_id,order_date,quantity,amount\n" + "".join(lines)).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=80)
    parser.add_argument("--uploads", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="upload-memory-"))
    con = db.connect(folder / "store.duckdb")
    print(f"start: rss {status('VmRSS')} MB")
    for n in range(args.uploads):
        upload = io.BytesIO(orders_csv(args.mb, f"U{n}-"))  # as Streamlit holds it
        size = len(upload.getbuffer()) >> 20
        started = time.perf_counter()
        spooled = importer.SpooledUpload(upload, f"orders_{n}.csv")
        raw = importer.read_table_file(spooled.path, spooled.name)
        table, mapping = detect_table(raw.headers)
        checked = importer.prepare(raw, table, mapping, keep_rows=False)
        result = importer.import_raw(con, raw, table, mapping)
        spooled.release()
        del upload, raw, checked
        gc.collect()
        print(
            f"upload {n + 1}: {size} MB, {result.added} rows added in {time.perf_counter() - started:.1f} s;"
            f" rss {status('VmRSS')} MB, peak so far {status('VmHWM')} MB"
        )
    print(f"peak rss {status('VmHWM')} MB")


if __name__ == "__main__":
    main()
