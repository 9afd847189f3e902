"""Import of supervisors' exports: encodings, header aliases, value normalising, every bad-row
reason, identity on re-import, all-or-nothing transactions, undo, aggregates, command line."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from analytics import db, importer
from analytics.__main__ import main as cli_main
from analytics.normalise import (
    TABLE_ORDER,
    detect_table,
    map_headers,
    parse_datetime,
    parse_month,
    parse_number,
)
from tests.conftest import insert
from tests.test_store import assert_aggregates_recomputed, assert_customer_numbers_hold

ORDERS_ZH = """订单编号,客户编码,订货日期,卷烟名称,订货量（条）,金额（元）,成本
A1,C1,2025-06-01,中华,10,"1,000.50",800
A1,C1,2025-06-01,玉溪,5,￥500,400
A2,C2,2025/6/2,中华,2,200元,150
A3,C1,2025年6月3日,利群,１,１００,80
"""


def write(tmp_path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def totals(con) -> tuple:
    return db.rows(con, "SELECT count(*), sum(amount), sum(quantity) FROM orders")[0]


def seed_managers(con, *ids: str) -> None:
    insert(con, "managers", [{"manager_id": m, "manager_name": m} for m in ids])


# ------------------------------------------------------------------ encodings and headers


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-16", "utf-8"])
def test_chinese_headers_in_every_encoding(con, tmp_path, encoding):
    text = ORDERS_ZH.replace(",", "\t") if encoding == "utf-16" else ORDERS_ZH
    text = text.replace('\t"1\t000.50"', "\t1000.50")  # the tab file needs no quoted comma
    if encoding == "gbk":
        text = text.replace("１", "1")
    path = write(tmp_path, "orders.txt" if encoding == "utf-16" else "orders.csv", text, encoding)
    raw = importer.read_table_file(path)
    assert raw.encoding == ("gb18030" if encoding == "gbk" else encoding)
    result = importer.import_file(con, path)
    assert (result.status, result.table, result.added, result.rejected) == ("imported", "orders", 4, 0)
    # 1000.50 + 500 + 200 + 100; quantities 10 + 5 + 2 + 1
    assert totals(con) == (4, 1800.5, 18.0)
    assert result.created_customers == 2  # C1, C2 were unknown
    assert db.rows(con, "SELECT count(*) FROM customers WHERE customer_name IS NULL")[0][0] == 2


def test_utf16_needs_its_bom(tmp_path):
    path = write(tmp_path, "x.csv", "客户编码,金额\nC1,1\n", "utf-16-le")
    with pytest.raises(importer.ImportProblem) as problem:
        importer.read_table_file(path)
    assert problem.value.code == "encoding"
    assert "UTF-8" in problem.value.message("en") and "编码" in problem.value.message("zh")


def test_headers_ignore_case_spaces_brackets_and_full_width():
    headers = ["ＣＵＳＴＯＭＥＲ_ID", " 订货 日期 ", "金额【元】", "订货量(条)", "Order ID", "说明"]
    assert map_headers(headers, "orders") == [
        "customer_id",
        "order_date",
        "amount",
        "quantity",
        "order_id",
        None,
    ]
    assert detect_table(["工号", "姓名", "班组"])[0] == "managers"
    assert detect_table(["客户编码", "客户名称", "档位"])[0] == "customers"
    assert detect_table(["客户编码", "客户经理编码", "拜访时间"])[0] == "visits"
    assert detect_table(["客户经理编码", "月份", "目标金额"])[0] == "targets"
    assert detect_table(["foo", "bar"]) == (None, [])


def test_value_parsers():
    for text in ("2025-06-01", "2025/6/1", "20250601", "2025年6月1日", "45809", "2025.6.1"):
        assert parse_datetime(text).date() == date(2025, 6, 1), text
    assert parse_datetime("2025/6/1 9:05") == datetime(2025, 6, 1, 9, 5)
    assert parse_datetime("45809.5") == datetime(2025, 6, 1, 12, 0)
    assert parse_datetime("2025-02-30") is None
    assert [parse_month(v) for v in ("2025-06", "2025/6", "202506", "2025年6月", "2025-13")] == [
        "2025-06"
    ] * 4 + [None]
    assert [parse_number(v) for v in ("1,234.5", "¥12", "￥1,200元", "１２３", "abc")] == [
        1234.5,
        12.0,
        1200.0,
        123.0,
        None,
    ]


def test_enum_words_with_and_without_suffix(con, tmp_path):
    seed_managers(con, "M1")
    path = write(
        tmp_path,
        "customers.csv",
        """客户编码,客户经理编码,客户类别,经营状态,拜访方式备注,市场类型,低保
K1,M1,核心,停业,,城市,是
K2,M1,核心客户,注销,,乡村,否
K3,M1,帮扶（客户）,歇业,,农村,Y
K4,M1,Potential,正常,,town,0
""",
    )
    result = importer.import_file(con, path)
    assert result.added == 4, importer.render_errors(result.errors)
    got = db.rows(
        con, "SELECT customer_id, customer_class, status, market_type, low_income FROM customers ORDER BY 1"
    )
    assert got == [
        ("K1", "core", "closed", "city", True),
        ("K2", "core", "closed", "rural", False),
        ("K3", "assist", "closed", "rural", True),
        ("K4", "potential", "active", "town", False),
    ]


# ------------------------------------------------------------------ bad rows


BAD_CUSTOMERS = """customer_id,manager_id,tier,market_type,violation_date,low_income,customer_name
K1,M1,25,city,2025-01-01,否,good
,M1,10,city,,,missing id
K3,M1,31,city,,,tier too high
K4,M1,abc,city,,,tier not a number
K5,M1,10,海边,,,unknown market
K6,M1,10,city,2025-13-45,,bad date
K7,M1,10,city,,maybe,bad bool
K8,NOPE,10,city,,,unknown manager
K9,M1,2.5,city,,,tier not whole
"""


def test_every_bad_customer_row_is_reported_and_strict_writes_nothing(con, tmp_path):
    seed_managers(con, "M1")
    path = write(tmp_path, "customers.csv", BAD_CUSTOMERS)
    result = importer.import_file(con, path, mode="strict")
    assert result.status == "rejected" and result.import_id is None
    assert result.rejected == 8
    reasons = dict(zip(result.errors["row"], result.errors["code"], strict=True))
    # Header is row 1, so the first data row is row 2.
    assert reasons == {
        3: "required",
        4: "tier",
        5: "integer",
        6: "enum",
        7: "date",
        8: "bool",
        9: "manager",
        10: "integer",
    }
    assert db.scalar(con, "SELECT count(*) FROM customers") == 0
    assert db.scalar(con, "SELECT count(*) FROM import_log") == 0
    shown = importer.render_errors(result.errors, "zh")
    assert list(shown.columns) == ["row", "column", "value", "reason"]
    assert "档位应在 1–30 之间" in shown["reason"].tolist()
    assert "客户经理编码在客户经理名单中不存在" in shown["reason"].tolist()
    assert shown.loc[shown["row"] == 6, "value"].item() == "海边"


def test_valid_only_imports_the_good_rows(con, tmp_path):
    seed_managers(con, "M1")
    path = write(tmp_path, "customers.csv", BAD_CUSTOMERS)
    result = importer.import_file(con, path, mode="valid-only")
    assert (result.status, result.added, result.rejected) == ("imported", 1, 8)
    assert db.rows(con, "SELECT customer_id, tier, low_income FROM customers") == [("K1", 25, False)]
    assert db.rows(con, "SELECT rows_added, rows_rejected, mode FROM import_log") == [(1, 8, "valid-only")]


def test_bad_order_rows_and_ragged_lines(con, tmp_path):
    path = write(
        tmp_path,
        "orders.csv",
        """order_id,customer_id,order_date,product,quantity,amount
O1,C1,2025-06-01,P,-3,10
O2,C1,2025-06-01,P,3,abc
O3,C1,,P,3,10
O4,C1,2025-06-01,P,3
O5,C1,2025-06-01,P,3,10
""",
    )
    result = importer.import_file(con, path, mode="valid-only")
    codes = sorted(zip(result.errors["row"], result.errors["code"], strict=True))
    assert codes == [(2, "negative"), (3, "number"), (4, "required"), (5, "columns")]
    assert result.added == 1 and result.rejected == 4
    assert db.rows(con, "SELECT order_id FROM orders") == [("O5",)]
    assert "5" in importer.render_errors(result.errors, "en")["reason"].iloc[-1]


def test_bad_target_month(con, tmp_path):
    path = write(tmp_path, "t.csv", "客户经理编码,月份,目标金额\nM1,2025-13,100\nM1,2025-06,\n")
    result = importer.import_file(con, path)
    assert sorted(result.errors["code"]) == ["month", "required"]


def test_files_that_cannot_be_read_give_a_clear_problem(con, tmp_path):
    cases = {"empty.csv": b"", "old.xls": b"\xd0\xcf\x11\xe0", "junk.csv": b"\xff\x00\xfe\x81\x30" * 10}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(importer.ImportProblem) as problem:
            importer.import_file(con, tmp_path / name)
        assert problem.value.message("zh") and problem.value.message("en")
    unknown = write(tmp_path, "x.csv", "a,b\n1,2\n")
    with pytest.raises(importer.ImportProblem) as problem:
        importer.import_file(con, unknown)
    assert problem.value.code == "no_table"
    missing = write(tmp_path, "y.csv", "customer_id,amount\nC1,2\n")
    with pytest.raises(importer.ImportProblem) as problem:
        importer.import_file(con, missing, table="orders")
    assert problem.value.code == "missing_columns" and "order_date" in problem.value.message("en")


# ------------------------------------------------------------------ identity, overlap, transactions


ORDERS_A = """order_id,customer_id,order_date,product,quantity,amount
O1,C1,2025-06-01,P,1,100
O2,C1,2025-06-02,P,2,200
O3,C2,2025-06-02,P,3,300
O3,C2,2025-06-02,P,3,300
"""
ORDERS_B = """订单编号,客户编码,订货日期,品规,数量,金额
O3,C2,2025/6/2,P,3,300
O4,C2,2025-06-03,P,4,400
"""


def test_reimport_and_overlapping_exports_add_nothing_twice(con, tmp_path):
    a = write(tmp_path, "a.csv", ORDERS_A)
    b = write(tmp_path, "b.csv", ORDERS_B)
    first = importer.import_file(con, a)
    # The duplicate O3 line inside the file counts once.
    assert (first.added, first.unchanged) == (3, 1)
    assert totals(con) == (3, 600.0, 6.0)
    again = importer.import_file(con, a)
    assert (again.added, again.unchanged, again.seen_before is not None) == (0, 4, True)
    overlap = importer.import_file(con, b)
    assert (overlap.added, overlap.unchanged) == (1, 1)
    assert totals(con) == (4, 1000.0, 10.0)
    assert db.rows(con, "SELECT sum(amount), sum(lines) FROM order_months") == [(1000.0, 4)]


def test_orders_without_order_id_use_the_whole_row(con, tmp_path):
    text = "customer_id,order_date,amount\nC1,2025-06-01,10\nC1,2025-06-01,10\nC1,2025-06-01,11\n"
    path = write(tmp_path, "o.csv", text)
    assert importer.import_file(con, path).added == 2
    assert importer.import_file(con, path).added == 0


@pytest.mark.parametrize(
    "ids,added",
    [
        ("O1,O8", 3),  # new ids around a stored one: the id range overlaps, none is stored
        ("N1,N2", 3),  # new ids outside the stored range: settled by the range alone
        ("O5,O8", 2),  # one stored, one new
    ],
)
def test_files_with_and_without_order_ids_find_what_is_stored(con, tmp_path, ids, added):
    importer.import_file(
        con, write(tmp_path, "a.csv", "order_id,customer_id,order_date,amount\nO5,C1,2025-06-01,10\n")
    )
    first, second = ids.split(",")
    text = (
        f"order_id,customer_id,order_date,amount\n{first},C1,2025-06-02,10\n{second},C1,2025-06-03,10\n"
        ",C1,2025-06-04,10\n"
    )
    assert importer.import_file(con, write(tmp_path, "b.csv", text)).added == added
    assert db.scalar(con, "SELECT count(*) FROM orders") == 1 + added


def test_visit_identity_and_targets(con, tmp_path):
    visits = write(
        tmp_path,
        "v.csv",
        """客户编码,客户经理编码,拜访时间,拜访方式
C1,M1,2025-06-01 09:00,实地
C1,M1,2025/6/1 9:00,实地拜访
C1,M1,2025-06-02 09:00,电话
""",
    )
    result = importer.import_file(con, visits)
    assert (result.added, result.unchanged, result.created_customers) == (2, 1, 1)
    assert db.rows(con, "SELECT manager_id FROM customers") == [("M1",)]
    assert db.rows(con, "SELECT DISTINCT customer_no FROM visits") == [(1,)]
    assert_customer_numbers_hold(con)
    assert importer.import_file(con, visits).added == 0
    targets = write(tmp_path, "t.csv", "manager_id,month,sales_target\nM1,2025-06,100\nM1,2025年6月,100\n")
    assert importer.import_file(con, targets).added == 1
    assert importer.import_file(con, targets).added == 0


def test_customers_and_managers_are_updated_in_place(con, tmp_path):
    seed_managers(con, "M1", "M2")
    first = write(tmp_path, "c1.csv", "客户编码,客户名称,客户经理编码,档位\nK1,甲店,M1,10\nK2,乙店,M1,12\n")
    importer.import_file(con, first)
    second = write(tmp_path, "c2.csv", "客户编码,客户经理编码\nK1,M2\nK2,M1\nK3,M2\n")
    result = importer.import_file(con, second)
    assert (result.added, result.updated, result.unchanged) == (1, 1, 1)
    # Columns the file does not have are left as they were.
    assert db.rows(con, "SELECT customer_id, customer_name, manager_id, tier FROM customers ORDER BY 1") == [
        ("K1", "甲店", "M2", 10),
        ("K2", "乙店", "M1", 12),
        ("K3", None, "M2", None),
    ]


def test_a_failure_in_the_middle_leaves_the_database_unchanged(con, tmp_path, monkeypatch):
    importer.import_file(con, write(tmp_path, "a.csv", ORDERS_A))
    before = (
        totals(con),
        db.rows(con, "SELECT count(*), sum(amount) FROM order_days"),
        db.scalar(con, "SELECT count(*) FROM import_log"),
        db.scalar(con, "SELECT count(*) FROM customers"),
    )
    version = db.data_version(con)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    # After the order lines are inserted, creating the unknown customers fails.
    monkeypatch.setattr(importer.write, "_create_unknown_customers", explode)
    with pytest.raises(RuntimeError):
        importer.import_file(con, write(tmp_path, "b.csv", ORDERS_B.replace("C2", "C9")))
    after = (
        totals(con),
        db.rows(con, "SELECT count(*), sum(amount) FROM order_days"),
        db.scalar(con, "SELECT count(*) FROM import_log"),
        db.scalar(con, "SELECT count(*) FROM customers"),
    )
    assert after == before
    assert db.data_version(con) == version


def test_aggregates_match_a_full_refresh(con, tmp_path):
    insert(
        con,
        "orders",
        [
            {
                "order_id": "X1",
                "customer_id": "C1",
                "order_date": date(2025, 6, 1),
                "amount": 5.0,
                "quantity": None,
            },
            {
                "order_id": "X2",
                "customer_id": "C3",
                "order_date": date(2025, 5, 30),
                "amount": 7.0,
                "quantity": 1.0,
            },
        ],
    )
    importer.import_file(con, write(tmp_path, "a.csv", ORDERS_A))
    importer.import_file(con, write(tmp_path, "b.csv", ORDERS_B))
    # Every line new: C2 gains a day before its first June day, C1 more on a day it has.
    importer.import_file(
        con,
        write(
            tmp_path,
            "c.csv",
            "order_id,customer_id,order_date,amount\nO5,C2,2025-06-01,50\nO6,C1,2025-06-02,10\n",
        ),
    )
    assert db.rows(
        con, "SELECT first_day, last_day, order_days FROM order_months WHERE customer_id = 'C2'"
    ) == [(date(2025, 6, 1), date(2025, 6, 3), 3)]
    # Every day already stored: only the sums change.
    importer.import_file(
        con,
        write(
            tmp_path,
            "d.csv",
            "order_id,customer_id,order_date,amount,quantity\nO7,C1,2025-06-01,1,\nO8,C2,2025-06-03,2,1\n",
        ),
    )
    assert_aggregates_recomputed(con)
    # C1 in June 2025: X1 (5, no quantity) + O1 100 + O2 200 + O6 10 + O7 1 over 2 order days and 5 lines.
    assert db.rows(
        con, "SELECT amount, quantity, order_days, lines FROM order_months WHERE customer_id = 'C1'"
    ) == [(316.0, 3.0, 2, 5)]


def test_customer_numbers_hold_through_imports_and_undo(con, tmp_path):
    first = importer.import_file(con, write(tmp_path, "a.csv", ORDERS_A))
    numbers = db.rows(con, "SELECT customer_id, customer_no FROM customer_keys ORDER BY 1")
    assert [n for _, n in numbers] == list(range(1, len(numbers) + 1))
    importer.undo_import(con, first.import_id)
    assert db.scalar(con, "SELECT count(*) FROM customers") == 0  # the undo removed the customers it made
    again = importer.import_file(con, write(tmp_path, "a2.csv", ORDERS_A + "O9,C0,2025-06-05,P,1,50\n"))
    assert again.added == 4
    # Numbered but no longer known: made again, with the new one.
    assert again.created_customers == len(numbers) + 1
    assert db.rows(con, "SELECT customer_id FROM customers ORDER BY 1") == sorted(
        [("C0",), *((c,) for c, _ in numbers)]
    )
    # A customer keeps its number after an undo; a new one gets the next free number.
    assert db.rows(con, "SELECT customer_id, customer_no FROM customer_keys ORDER BY 2") == [
        *numbers,
        ("C0", len(numbers) + 1),
    ]
    assert_customer_numbers_hold(con)


# ------------------------------------------------------------------ undo and log


def test_undo_restores_customers_and_removes_added_rows(con, tmp_path):
    seed_managers(con, "M1", "M2")
    importer.import_file(con, write(tmp_path, "c1.csv", "客户编码,客户名称,客户经理编码\nK1,甲店,M1\n"))
    changed = importer.import_file(
        con, write(tmp_path, "c2.csv", "客户编码,客户名称,客户经理编码\nK1,甲店新,M2\nK2,乙店,M2\n")
    )
    orders = importer.import_file(con, write(tmp_path, "o.csv", ORDERS_A.replace("C2", "K1")))
    assert orders.created_customers == 1  # C1
    done = importer.undo_import(con, orders.import_id)
    assert done["removed"] == 3
    assert db.scalar(con, "SELECT count(*) FROM orders") == 0
    assert db.scalar(con, "SELECT count(*) FROM order_days") == 0
    assert db.rows(con, "SELECT customer_id FROM customers ORDER BY 1") == [("K1",), ("K2",)]
    importer.undo_import(con, changed.import_id)
    assert db.rows(con, "SELECT customer_id, customer_name, manager_id FROM customers") == [
        ("K1", "甲店", "M1")
    ]
    log = importer.import_log(con)
    assert log["undone_at"].notna().sum() == 2
    with pytest.raises(importer.ImportProblem) as problem:
        importer.undo_import(con, changed.import_id)
    assert problem.value.code == "undo_twice"
    with pytest.raises(importer.ImportProblem):
        importer.undo_import(con, 999)


def test_undo_of_orders_keeps_other_imports_totals(con, tmp_path):
    first = importer.import_file(con, write(tmp_path, "a.csv", ORDERS_A))
    importer.import_file(con, write(tmp_path, "b.csv", ORDERS_B))
    importer.undo_import(con, first.import_id)
    assert totals(con) == (1, 400.0, 4.0)  # only O4 of the second file stays
    assert db.rows(con, "SELECT sum(amount), sum(lines) FROM order_days") == [(400.0, 1)]


# ------------------------------------------------------------------ Excel


def xlsx_bytes(rows: list[list], title: str | None = None, extra_sheet: bool = False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "订货"
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet("说明").append(["这是说明"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_title_row_dates_and_serials(con):
    content = xlsx_bytes(
        [
            ["订单号", "客户编码", "订单日期", "金额"],
            ["S1", 330100000001, datetime(2025, 6, 1), 12.5],
            [None, None, None, None],
            ["S2", 330100000001, 45809, "1,000"],
            ["S3", 330100000001, "bad", 1],
        ],
        title="2025年6月订货明细",
        extra_sheet=True,
    )
    raw = importer.read_table_file(content, "orders.xlsx")
    assert (raw.sheet, raw.sheet_names, raw.header_row) == ("订货", ["订货", "说明"], 2)
    result = importer.import_raw(con, raw, mode="valid-only")
    # The bad date is on sheet row 6 (title 1, header 2, S1 3, blank 4, S2 5).
    assert result.errors[["row", "code"]].values.tolist() == [[6, "date"]]
    assert db.rows(con, "SELECT order_id, customer_id, order_date, amount FROM orders ORDER BY 1") == [
        ("S1", "330100000001", date(2025, 6, 1), 12.5),
        ("S2", "330100000001", date(2025, 6, 1), 1000.0),
    ]
    with pytest.raises(importer.ImportProblem):
        importer.read_table_file(content, "orders.xlsx", sheet="没有")


# ------------------------------------------------------------------ samples, templates, command line


def test_samples_import_cleanly_twice(con):
    files = importer.sample_files()
    assert {p.name for p in files} >= {
        "managers.csv",
        "customers.csv",
        "orders_gbk.csv",
        "visits.csv",
        "targets.csv",
        "stock_checks.csv",
        "complaints.csv",
        "receivables.csv",
    }
    assert (
        importer.read_table_file(next(p for p in files if p.name == "orders_gbk.csv")).encoding == "gb18030"
    )
    for path in files:
        result = importer.import_file(con, path)
        assert path.stem.startswith(result.table), (path.name, result.table)  # its own table
        assert result.status == "imported" and result.rejected == 0, importer.render_errors(result.errors)
        assert result.added > 0 and result.created_customers == 0
    assert sum(importer.import_file(con, p).added for p in files) == 0


def test_templates_have_the_contract_headers():
    for table in TABLE_ORDER:
        for lang in ("zh", "en"):
            text = importer.template_bytes(table, lang).decode("utf-8-sig").strip()
            assert detect_table(text.replace('"', "").split(","))[0] == table


def test_cli_import_and_export(tmp_path, capsys):
    path = tmp_path / "cli.duckdb"
    good = write(tmp_path, "a.csv", ORDERS_A)
    bad = write(tmp_path, "bad.csv", ORDERS_A + "O9,C1,notadate,P,1,1\n")
    assert cli_main(["import", "--db", str(path), good]) == 0
    assert "a.csv → orders: 3 added" in capsys.readouterr().out
    assert cli_main(["import", "--db", str(path), "--lang", "zh", bad]) == 2
    captured = capsys.readouterr()
    assert "未写入任何数据" in captured.out and "row 6" in captured.err
    out = tmp_path / "orders.csv"
    assert (
        cli_main(["export", "--db", str(path), "--table", "orders", "--format", "csv", "--out", str(out)])
        == 0
    )
    exported = pd.read_csv(out, encoding="utf-8-sig")
    assert len(exported) == 3 and out.read_bytes().startswith(b"\xef\xbb\xbf")
    xlsx = tmp_path / "log.xlsx"
    assert (
        cli_main(
            ["export", "--db", str(path), "--table", "import_log", "--format", "xlsx", "--out", str(xlsx)]
        )
        == 0
    )
    assert openpyxl.load_workbook(xlsx).active.max_row == 2
    db.close_all()


def test_write_orders_csv_imports(con, tmp_path):
    path = importer.write_orders_csv(tmp_path / "o.csv", 300, customers=20)
    result = importer.import_file(con, path, table="orders", mode="strict")
    assert result.added == 300 and result.rejected == 0


# ------------------------------------------------------------------ large-file paths on small files


def sorted_orders_text(count: int, duplicate_of: dict[int, float] | None = None) -> str:
    """Order lines sorted by order number (as exports are), amount = the line number; a line number
    in `duplicate_of` is followed by the same order line again with another amount."""
    lines = ["order_id,customer_id,order_date,product,quantity,amount"]
    for i in range(count):
        lines.append(f"N{i:06d},C{i % 3},2025-06-{1 + i % 28:02d},P,1,{i}")
        if duplicate_of and i in duplicate_of:
            lines.append(f"N{i:06d},C{i % 3},2025-06-{1 + i % 28:02d},P,1,{duplicate_of[i]}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("where", ["inside a chunk", "across chunks", "at the end"])
def test_duplicates_in_sorted_files_count_once(con, tmp_path, monkeypatch, where):
    monkeypatch.setattr(importer.read, "CSV_BLOCK_BYTES", 1 << 10)  # 1 KiB: a few dozen lines per chunk
    plain = write(tmp_path, "plain.csv", sorted_orders_text(300))
    last_of_first_chunk = next(importer.read_table_file(plain).chunks()).table.column(0)[-1].as_py()
    repeated = {"inside a chunk": 5, "across chunks": int(last_of_first_chunk[1:]), "at the end": 299}[where]
    path = write(tmp_path, "sorted.csv", sorted_orders_text(300, duplicate_of={repeated: 1000.0}))
    if where == "across chunks":  # the first chunk's last line is repeated as the second's first
        first, second = [c.table.column(0).to_pylist() for c in importer.read_table_file(path).chunks()][:2]
        assert first[-1] == second[0] == last_of_first_chunk
    result = importer.import_file(con, path)
    assert (result.added, result.unchanged, result.rejected) == (300, 1, 0)
    # The first line of each order wins: amounts are the line numbers 0..299.
    assert totals(con) == (300, sum(range(300)), 300.0)
    again = importer.import_file(con, write(tmp_path, "again.csv", sorted_orders_text(310)))
    assert (again.added, again.unchanged) == (10, 300)


def key_runs(*chunks: list) -> importer._KeyRuns:
    """_KeyRuns fed chunk by chunk with (order_id, product) keys."""
    runs = importer._KeyRuns()
    for keys in chunks:
        runs.add(
            pa.table(
                {"order_id": [k[0] for k in keys], "product": [k[1] for k in keys]},
                schema=pa.schema([("order_id", pa.string()), ("product", pa.string())]),
            )
        )
    return runs


def test_ascending_runs_with_disjoint_ranges_prove_distinct_keys():
    day_2 = [("D2-01", "中华"), ("D2-01", "玉溪"), ("D2-02", "中华")]
    day_1 = [("D1-01", "利群"), ("D1-05", "中华")]
    # Newest day first, order numbers ascending within a day (how exports of the ordering system look).
    assert key_runs(day_2 + day_1).distinct()
    assert len(key_runs(day_2 + day_1).runs) == 2
    assert (
        key_runs(day_2[:2], day_2[2:] + day_1).runs == key_runs(day_2 + day_1).runs
    )  # goes on across chunks
    assert key_runs(day_2, day_1).distinct()
    assert key_runs(day_2, day_1).bounds() == (("D1-01", "利群"), ("D2-02", "中华"))  # the file's id range
    # The same line twice: next to each other, or in two runs whose ranges then overlap.
    assert not key_runs([*day_2, day_2[-1], *day_1]).distinct()
    assert not key_runs(day_2 + day_1 + [("D2-01", "玉溪")]).distinct()
    assert not key_runs(day_2, day_1, [("D1-01", "利群")]).distinct()
    # Overlapping ranges without a repeated key prove nothing either (a hash check decides).
    assert not key_runs([("A", "x"), ("C", "x")], [("B", "x")]).distinct()
    # Text is compared by code point, as the store compares it.
    assert key_runs([("A", "中"), ("A", "玉"), ("A", "𠀀")]).distinct()
    assert not key_runs([("A", "玉"), ("A", "中")], [("A", "玉")]).distinct()
    assert not key_runs([("A", None), ("B", "x")]).distinct()
    assert key_runs([]).distinct() and key_runs([("A", "x")]).distinct()
    assert key_runs([]).bounds() is None and key_runs([("A", None)]).bounds() is None


def test_an_unsorted_file_gives_up_the_run_proof(monkeypatch):
    monkeypatch.setattr(importer.stage, "MAX_KEY_RUNS", 3)
    descending = [(f"O{i}", "x") for i in range(5, 0, -1)]  # five runs of one key each
    assert key_runs(descending[:3]).distinct()
    runs = key_runs(descending[:3], descending[3:])
    assert runs.runs is None and not runs.distinct() and runs.rows == 5


def test_a_file_by_day_with_a_line_repeated_on_another_day_counts_it_once(con, tmp_path, monkeypatch):
    monkeypatch.setattr(importer.read, "CSV_BLOCK_BYTES", 1 << 10)
    lines = ["order_id,customer_id,order_date,product,quantity,amount"]
    for day in (3, 2, 1):  # newest day first, order numbers ascending within a day
        lines += [f"D{day}-{i:03d},C{i % 4},2025-06-0{day},P,1,{day * 100 + i}" for i in range(40)]
    lines.append("D3-007,C3,2025-06-03,P,1,999")  # the third day's line again, at the end
    result = importer.import_file(con, write(tmp_path, "days.csv", "\n".join(lines) + "\n"))
    assert (result.added, result.unchanged) == (120, 1)
    assert totals(con) == (120, sum(day * 100 + i for day in (1, 2, 3) for i in range(40)), 120.0)
    assert_customer_numbers_hold(con)


def test_a_large_file_spills_its_rows_to_a_temporary_table(con, tmp_path, monkeypatch):
    monkeypatch.setattr(importer.read, "CSV_BLOCK_BYTES", 1 << 10)
    monkeypatch.setattr(importer.stage, "STAGE_MEMORY_BYTES", 2_000)  # past this, rows leave memory
    text = sorted_orders_text(200, duplicate_of={50: 999.0}) + "N000007,C1,2025-06-08,P,1,7\n"
    result = importer.import_file(con, write(tmp_path, "big.csv", text), mode="valid-only")
    assert (result.added, result.unchanged) == (200, 2)
    assert totals(con) == (200, sum(range(200)), 200.0)


def test_plain_and_odd_values_in_one_column(con, tmp_path):
    text = """order_id,customer_id,order_date,amount,quantity
A1,C1,2025-06-01,-0,1
A2,C1,2025-02-30,5,1
A3,C1,2025-06-03,inf,1
A4,C1,2025-06-04,nan,1
A5,C1,2025/6/5,"1,000",1e1
A6,C1,2025-06-06,7,-1
"""
    result = importer.import_file(con, write(tmp_path, "o.csv", text), mode="valid-only")
    assert sorted(zip(result.errors["row"], result.errors["code"], strict=True)) == [
        (3, "date"),
        (4, "number"),
        (5, "number"),
        (7, "negative"),
    ]
    assert db.rows(
        con, "SELECT order_id, order_date, amount, quantity, amount::VARCHAR FROM orders ORDER BY 1"
    ) == [("A1", date(2025, 6, 1), 0.0, 1.0, "0.0"), ("A5", date(2025, 6, 5), 1000.0, 10.0, "1000.0")]


@pytest.mark.parametrize(
    "kind,plain,odd,expected",
    [
        ("number", ["12", "-3", "7.5"], [" 12 ", "'-3", "７.5"], [12.0, -3.0, 7.5]),
        ("int", ["12", "-3", "7"], ["12　", "'-3", " 7"], [12, -3, 7]),
        (
            "date",
            ["2025-06-01", "2025-06-02", "2025-06-03"],
            [" 2025-06-01", "2025/6/2", "20250603"],
            [date(2025, 6, 1), date(2025, 6, 2), date(2025, 6, 3)],
        ),
    ],
)
def test_plain_columns_cast_directly_and_odd_ones_are_cleaned_first(kind, plain, odd, expected):
    from analytics.normalise import Field, parse_column

    spec = Field("x", kind)
    for column in (plain, odd):
        values, text = parse_column(pa.array(column), spec)
        assert values.to_pylist() == expected
        assert text.to_pylist() == [v.strip().strip("\u3000").lstrip("'") for v in column]
    values, text = parse_column(pa.array(["12", ""]), spec)  # a blank is missing, not unparseable
    assert values.to_pylist()[1] is None and text.to_pylist()[1] is None


def test_aggregates_when_new_days_fall_in_known_months(con, tmp_path):
    first = "order_id,customer_id,order_date,amount,quantity\nA1,C1,2025-06-01,10,1\nA2,C2,2025-06-02,20,\n"
    # New days only (June 10-11, July 1), in a month already in the store (June) and a new one (July).
    second = (
        "order_id,customer_id,order_date,amount,quantity\nB1,C1,2025-06-10,1,1\nB2,C1,2025-06-11,2,1\n"
        "B3,C2,2025-07-01,3,1\nB4,C2,2025-06-10,4,\n"
    )
    importer.import_file(con, write(tmp_path, "a.csv", first))
    importer.import_file(con, write(tmp_path, "b.csv", second))
    # C1 June: 10 + 1 + 2 over 3 days; C2 June: 20 + 4 over 2 days, quantity unknown; C2 July: 3.
    assert db.rows(
        con,
        """SELECT customer_id, month, amount, quantity, order_days, lines FROM order_months
                           ORDER BY customer_id, month""",
    ) == [
        ("C1", date(2025, 6, 1), 13.0, 3.0, 3, 3),
        ("C2", date(2025, 6, 1), 24.0, None, 2, 2),
        ("C2", date(2025, 7, 1), 3.0, 1.0, 1, 1),
    ]
    assert_aggregates_recomputed(con)


def test_progress_is_reported_from_the_callers_thread(con, tmp_path, monkeypatch):
    import threading

    monkeypatch.setattr(importer.read, "CSV_BLOCK_BYTES", 1 << 10)
    seen = []
    path = write(tmp_path, "o.csv", sorted_orders_text(200) + "N999999,C1\n")
    result = importer.import_raw(
        con,
        importer.read_table_file(path),
        mode="valid-only",
        progress=lambda f, phase: seen.append((f, phase, threading.current_thread())),
    )
    assert result.added == 200
    # The short line is the last one: header + 200 lines before it.
    assert result.errors[["row", "code"]].values.tolist() == [[202, "columns"]]
    assert {thread for *_, thread in seen} == {threading.current_thread()}
    fractions = [f for f, phase, _ in seen if phase == "reading"]
    assert len(fractions) > 3 and fractions == sorted(fractions) and fractions[-1] == 1.0


def test_a_bad_byte_after_the_sample_is_a_row_error_of_its_line(con, tmp_path, monkeypatch):
    monkeypatch.setattr(importer.read, "CSV_BLOCK_BYTES", 1 << 16)
    good = "".join(f"O{i},C1,2025-06-01,1\n" for i in range(70_000))  # > the 1 MiB encoding sample
    path = tmp_path / "o.csv"
    path.write_bytes(f"order_id,customer_id,order_date,amount\n{good}".encode() + b"O9,C\xff1,2025-06-01,1\n")
    strict = importer.import_file(con, path)
    assert strict.status == "rejected" and strict.rejected == 1
    assert strict.errors[["row", "code"]].values.tolist() == [[70002, "undecodable"]]
    assert db.scalar(con, "SELECT count(*) FROM orders") == 0
    assert db.scalar(con, "SELECT count(*) FROM import_log") == 0
    valid = importer.import_file(con, path, mode="valid-only")
    assert (valid.status, valid.added, valid.rejected) == ("imported", 70_000, 1)
