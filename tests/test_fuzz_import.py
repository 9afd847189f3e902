"""A seeded fuzz corpus (issue 18): 320 malformed and hostile files, generated here, through the
command line and through the Import page's functions, in both modes. No traceback, an exit status
of 0/2/3, a clear problem or a result for every file, nothing written by a file that was not
imported, and order aggregates equal to a full recomputation after every batch."""

from __future__ import annotations

import io
import os
import random
import shutil
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import xlsxwriter

from analytics import db, importer
from analytics.__main__ import main as cli_main
from analytics.normalise import detect_table
from tests.test_store import assert_aggregates_recomputed

SEED = 18
FILES = 320
TABLES = ("managers", "customers", "targets", "visits", "orders", "import_log", "order_days", "order_months")
ORDER_HEAD = ["订单编号", "客户编码", "订货日期", "卷烟名称", "数量", "金额"]


def _order_rows(rnd: random.Random, n: int) -> list[list[str]]:
    return [
        [
            f"F{rnd.randrange(10**6)}",
            f"C{rnd.randrange(40)}",
            f"2025-0{rnd.randint(1, 9)}-{rnd.randint(10, 28)}",
            rnd.choice(["中华", "玉溪", "利群"]),
            str(rnd.randint(0, 50)),
            f"{rnd.randint(1, 5000)}.{rnd.randint(0, 99):02d}",
        ]
        for _ in range(n)
    ]


def _csv(rows: list[list[str]], head: list[str] = ORDER_HEAD, sep: str = ",") -> str:
    return "\n".join(sep.join(r) for r in [head, *rows]) + "\n"


def _poison(rnd: random.Random, value: str) -> list[list[str]]:
    rows = _order_rows(rnd, rnd.randint(1, 30))
    row = rnd.randrange(len(rows))
    column = {"date": 2, "amount": 5, "id": 1, "quantity": 4}[value]
    choices = {
        "date": ["9999-12-31", "0000-01-01", "0001-01-01", "99999", "2025-02-30", "1899-12-31"],
        "amount": ['"999,999,999,999,999"', "1 2 3", "1_000", "inf", "nan", "1e400", "--5"],
        "id": ["3.30102E+11", "330102000001.0", "", "12.00"],
        "quantity": ["-3", "9e9", "abc"],
    }[value]
    rows[row][column] = rnd.choice(choices)
    return rows


def _xlsx(rnd: random.Random, kind: str) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    if kind == "chart_first":
        chart_sheet = book.add_chartsheet()
    sheet = book.add_worksheet("data")
    sheet.write_row(0, 0, ORDER_HEAD)
    for i, row in enumerate(_order_rows(rnd, rnd.randint(1, 20)), start=1):
        sheet.write_row(i, 0, row)
    if kind == "formula":
        sheet.write_formula(1, 5, "=1+1", None, 0)
    if kind == "chart_first":
        chart = book.add_chart({"type": "line"})
        chart.add_series({"values": "=data!$F$2:$F$3"})
        chart_sheet.set_chart(chart)
    book.close()
    data = buffer.getvalue()
    if kind == "damaged":
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
            for item in src.infolist():
                body = src.read(item.filename)
                if item.filename.startswith("xl/worksheets/"):
                    body = body[: rnd.randint(len(body) // 2, len(body) - 1)]
                dst.writestr(item, body)
        data = out.getvalue()
    if kind == "truncated":
        data = data[: rnd.randint(10, len(data) - 1)]
    return data


def _text_file(rnd: random.Random, kind: str) -> bytes:
    good = _csv(_order_rows(rnd, rnd.randint(1, 40)))
    if kind == "good":
        return good.encode(rnd.choice(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    if kind in ("date", "amount", "id", "quantity"):
        return _csv(_poison(rnd, kind)).encode(rnd.choice(["utf-8", "gb18030"]))
    if kind == "cut_char":
        encoding = rnd.choice(["utf-8", "gb18030"])
        data = good.encode(encoding)
        where = [i for i, ch in enumerate(data) if ch > 127]
        cut = rnd.choice(where[len(where) // 2 :] or [len(data) - 1])
        return data[:cut] + data[cut + 1 :]
    if kind == "huge_field":
        return (("x" * rnd.randint(131_073, 300_000)) + "," + good).encode()
    if kind == "huge_cell":
        rows = _order_rows(rnd, 3)
        rows[1][3] = "长" * rnd.randint(50_000, 200_000)
        return _csv(rows).encode()
    if kind == "ragged":
        lines = good.splitlines()
        for _ in range(rnd.randint(1, 5)):
            i = rnd.randrange(1, len(lines)) if len(lines) > 1 else 0
            lines[i] = lines[i] + ",extra" * rnd.randint(1, 3) if rnd.random() < 0.5 else lines[i][:5]
        return ("\n".join(lines) + "\n").encode()
    if kind == "random":
        return rnd.randbytes(rnd.randint(1, 4000))
    if kind == "flips":
        data = bytearray(good.encode())
        for _ in range(rnd.randint(1, 10)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        return bytes(data)
    if kind == "truncated":
        data = good.encode("gb18030")
        return data[: rnd.randint(1, len(data))]
    if kind == "blank":
        return rnd.choice([b"", b"\xef\xbb\xbf", b"\n\n\n", b"\xff\xfe", b",,,\n,,,\n"])
    if kind == "header_only":
        return (",".join(ORDER_HEAD) + "\n").encode()
    if kind == "utf16_no_bom":
        return good.encode("utf-16-le")
    if kind == "nul":
        return good.encode().replace(b",", b"\x00", 3)
    if kind == "semicolon":
        return _csv(_order_rows(rnd, 5), sep=";").encode()
    if kind == "quotes":
        return (good + '"unclosed,quote\n').encode()
    if kind == "customers":
        rows = [
            [f"C{i}", f"店{i}", rnd.choice(["M1", "M9", "3.3E+11"]), str(rnd.randint(0, 40))]
            for i in range(9)
        ]
        return _csv(rows, ["客户编码", "客户名称", "客户经理编码", "档位"]).encode()
    if kind == "managers":
        rows = [[f"M{i}", f"经理{i}", rnd.choice(["是", "否", "maybe"])] for i in range(3)]
        return _csv(rows, ["客户经理编码", "客户经理姓名", "在岗"]).encode()
    raise ValueError(kind)


TEXT_KINDS = [
    "good", "date", "amount", "id", "quantity", "cut_char", "huge_field", "huge_cell", "ragged", "random",
    "flips", "truncated", "blank", "header_only", "utf16_no_bom", "nul", "semicolon", "quotes", "customers",
    "managers",
]  # fmt: skip
XLSX_KINDS = ["xlsx_good", "xlsx_chart_first", "xlsx_damaged", "xlsx_formula", "xlsx_truncated"]


def corpus() -> list[tuple[str, str, bytes]]:
    """(kind, file name, bytes), the same on every run."""
    rnd = random.Random(SEED)
    kinds = TEXT_KINDS + XLSX_KINDS
    files = []
    for i in range(FILES):
        kind = kinds[i % len(kinds)]
        if kind.startswith("xlsx_"):
            files.append((kind, f"f{i:03d}.xlsx", _xlsx(rnd, kind.removeprefix("xlsx_"))))
        else:
            files.append((kind, f"f{i:03d}.{rnd.choice(['csv', 'txt', 'tsv'])}", _text_file(rnd, kind)))
    return files


OUTSIDE_WINDOW = (
    "SELECT count(*) FROM orders WHERE order_date NOT BETWEEN '1990-01-01' AND current_date + 400"
)
COUNTS = "SELECT " + ", ".join(f"(SELECT count(*) FROM {table})" for table in TABLES)


def snapshot(con) -> dict[str, int]:
    return dict(zip(TABLES, db.rows(con, COUNTS)[0], strict=True))


@pytest.fixture
def fast_dir(tmp_path):
    """Stores in memory-backed storage when there is some: a commit's sync then costs nothing."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(dir=shm, prefix="fuzz-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def files() -> list[tuple[str, str, bytes]]:
    return corpus()


def test_the_corpus_has_every_kind(files):
    assert len(files) >= 300
    assert set(Counter(kind for kind, _, _ in files)) == set(TEXT_KINDS + XLSX_KINDS)


def test_through_the_import_page_functions(fast_dir, files):
    con = db.connect(fast_dir / "page.duckdb")
    outcomes: Counter = Counter()
    for n, (kind, name, data) in enumerate(files):
        mode = importer.MODES[n // len(TEXT_KINDS + XLSX_KINDS) % 2]  # each kind in both modes
        before = snapshot(con)
        spooled = importer.SpooledUpload(io.BytesIO(data), name)
        try:
            raw = importer.read_table_file(spooled.path, name)
            table, mapping = detect_table(raw.headers)
            checked = importer.prepare(raw, table, mapping, known_managers=set(), keep_rows=False)
            result = importer.import_raw(con, raw, table, mapping, mode=mode)
        except importer.ImportProblem as problem:
            assert problem.message("zh") and problem.message("en"), kind
            assert snapshot(con) == before, (kind, name)
            outcomes[f"{mode}:problem:{problem.code}"] += 1
            continue
        finally:
            spooled.release()
            assert not spooled.path.exists()
        after = snapshot(con)
        assert checked.rows == result.rows, (kind, name)
        if result.status == "rejected":
            assert mode == "strict" and after == before, (kind, name)
        else:
            assert after["import_log"] == before["import_log"] + 1, (kind, name)
            assert after[table] - before[table] == result.added, (kind, name)
            assert result.rows == result.added + result.updated + result.unchanged + result.rejected, (
                kind,
                name,
            )
        outcomes[f"{mode}:{result.status}"] += 1
        if n % 40 == 39:
            assert_aggregates_recomputed(con)
    assert_aggregates_recomputed(con)
    assert db.scalar(con, OUTSIDE_WINDOW) == 0
    assert db.scalar(con, "SELECT max(abs(amount)) FROM orders") <= 1e8
    print(dict(sorted(outcomes.items())))
    assert outcomes["strict:imported"] >= 20 and outcomes["valid-only:imported"] >= 50
    assert outcomes["strict:rejected"] >= 50 and "valid-only:rejected" not in outcomes
    assert sum(v for k, v in outcomes.items() if ":problem:" in k) >= 50


def test_through_the_command_line(tmp_path, fast_dir, files, capsys):
    store = str(fast_dir / "cli.duckdb")
    for _kind, name, data in files:
        (tmp_path / name).write_bytes(data)
    statuses: Counter = Counter()
    for batch, start in enumerate(range(0, len(files), 16)):
        names = [str(tmp_path / name) for _, name, _ in files[start : start + 16]]
        mode = importer.MODES[batch % 2]
        status = cli_main(["import", "--db", store, "--mode", mode, *names])
        captured = capsys.readouterr()
        assert status in (0, 2, 3), captured.err
        assert "Traceback" not in captured.err + captured.out
        written = captured.out.count("→") - captured.out.count("rejected")
        failed = len(names) - written
        assert status == (0 if not failed else 3 if written else 2), captured
        statuses[status] += 1
        if batch % 5 == 4:
            assert_aggregates_recomputed(db.connect(store))
    assert_aggregates_recomputed(db.connect(store))
    db.close_all()
    print(dict(statuses))
    assert statuses[3] > 0
