"""Import of the service standard's optional tables (issue 21): stock_checks, complaints and
receivables import like every table (GBK/UTF-8, Chinese headers, row errors, undo); and an
import leaves DuckDB's insertion order as it was."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from analytics import db, importer, optional_tables
from analytics.normalise import detect_table
from tests.conftest import insert

SAMPLES = {p.name: p for p in importer.sample_files()}
TEMPLATES = Path(importer.sample_files()[0]).parent / "templates"


def write(tmp_path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


@pytest.fixture
def customers(con):
    insert(con, "managers", [{"manager_id": "M1", "team": "T"}])
    insert(
        con,
        "customers",
        [{"customer_id": c, "manager_id": "M1"} for c in ("9901000001", "9901000002", "9901000003")],
    )
    return con


def test_samples_import_into_their_tables_with_their_values(customers):
    con = customers
    raw = importer.read_table_file(SAMPLES["receivables.csv"])
    assert raw.encoding == "gb18030" and detect_table(raw.headers)[0] == "receivables"
    result = importer.import_file(con, SAMPLES["receivables.csv"])
    assert (result.table, result.added, result.rejected) == ("receivables", 3, 0)
    assert db.rows(
        con, "SELECT invoice_id, invoice_date, amount, paid_amount, paid_date FROM receivables ORDER BY 1"
    ) == [
        ("YS2505001", date(2025, 5, 1), 12000.0, 12000.0, date(2025, 5, 28)),
        ("YS2505002", date(2025, 5, 1), 8500.0, 5000.0, date(2025, 6, 20)),
        ("YS2505003", date(2025, 5, 1), 6200.0, None, None),
    ]
    result = importer.import_file(con, SAMPLES["complaints.csv"])
    assert (result.table, result.added) == ("complaints", 3)
    assert db.rows(
        con,
        "SELECT received_at, first_contact_at, replied_at, category FROM complaints "
        "WHERE complaint_id = 'TS2505002'",
    ) == [(datetime(2025, 5, 12, 10, 5), datetime(2025, 5, 14, 11, 30), None, "货源供应")]
    assert importer.read_table_file(SAMPLES["stock_checks.csv"]).encoding == "utf-8-sig"
    result = importer.import_file(con, SAMPLES["stock_checks.csv"])
    assert (result.table, result.added) == ("stock_checks", 6)
    assert db.rows(con, "SELECT sum(stock_qty), count(DISTINCT product) FROM stock_checks") == [(39.0, 3)]
    assert set(optional_tables.present(con)) == {"stock_checks", "complaints", "receivables"}
    # Every imported row carries its import (what clearing the demo and the undo go by).
    for table in optional_tables.OPTIONAL_TABLES:
        assert db.scalar(con, f"SELECT count(*) FROM {table} WHERE import_id IS NULL") == 0
    # The same files again add nothing.
    for name in ("receivables.csv", "complaints.csv", "stock_checks.csv"):
        again = importer.import_file(con, SAMPLES[name])
        assert (again.added, again.updated, again.rejected) == (0, 0, 0), name


@pytest.mark.parametrize(
    ("table", "text", "expected"),
    [
        (
            "receivables",
            "单据编号,客户编码,开票日期,到期日,应收金额,已收金额\n"
            "R1,9901000001,2025-05-01,2025-05-31,100,100\n"  # row 2: fine
            "R2,9901000001,2025-05-01,2025-05-31,0,\n"  # row 3: amount not above 0
            "R3,9901000001,2025-05-01,2025-05-31,100,120\n"  # row 4: paid more than due
            "R4,9901000001,2025-05-01,2025-05-31,100,-1\n"  # row 5: paid below 0
            "R5,9901000001,2025-05-10,2025-05-01,100,\n"  # row 6: due before the invoice
            "R6,NOBODY,2025-05-01,2025-05-31,100,\n",  # row 7: unknown customer
            [
                (3, "应收金额", "not_positive"),
                (4, "已收金额", "paid_amount"),
                (5, "已收金额", "paid_amount"),
                (6, "到期日", "due_before_invoice"),
                (7, "customer_id", "customer"),
            ],
        ),
        (
            "complaints",
            "投诉编号,客户编码,受理时间,首次联系时间,答复时间\n"
            "K1,9901000001,2025-05-09 16:20,2025-05-12 09:10,2025-05-15 10:00\n"
            "K2,9901000001,2025-05-09 16:20,2025-05-09 16:00,\n"  # row 3: contacted before received
            "K3,9901000001,2025-05-09 16:20,,2025-05-08\n",  # row 4: replied before received
            [(3, "首次联系时间", "before_received"), (4, "答复时间", "before_received")],
        ),
        (
            "stock_checks",
            "客户编码,盘点日期,卷烟名称,库存量\n"
            "9901000001,2025-05-05,中华,6\n"
            "9901000001,2025-05-05,玉溪,-2\n"  # row 3: negative stock
            "9901000001,2025-05-05,,3\n"  # row 4: no product
            "9901000009,2025-05-05,中华,3\n",  # row 5: unknown customer
            [(3, "库存量", "negative"), (4, "卷烟名称", "required"), (5, "customer_id", "customer")],
        ),
    ],
)
def test_row_rules(customers, tmp_path, table, text, expected):
    con = customers
    path = write(tmp_path, f"{table}.csv", text, "gbk")
    strict = importer.import_file(con, path)
    assert strict.table == table and strict.status == "rejected"
    assert db.scalar(con, f"SELECT count(*) FROM {table}") == 0  # strict: nothing written
    result = importer.import_file(con, path, mode="valid-only")
    got = list(zip(result.errors["row"], result.errors["column"], result.errors["code"], strict=True))
    assert got == expected
    assert result.added == text.count("\n") - 1 - len({row for row, *_ in expected})
    assert all(
        importer.render_errors(result.errors, lang)["reason"].str.len().min() > 0 for lang in ("zh", "en")
    )


def test_a_later_export_updates_complaints_and_receivables_and_undo_restores(customers, tmp_path):
    con = customers
    first = importer.import_file(con, SAMPLES["receivables.csv"])
    later = "单据编号,客户编码,开票日期,到期日,应收金额,已收金额,回款日期\n" + (
        "YS2505003,9901000003,2025-05-01,2025-05-31,6200,6200,2025-06-10\n"  # paid since
        "YS2505004,9901000001,2025-06-01,2025-06-30,900,,\n"  # new
    )
    result = importer.import_file(con, write(tmp_path, "later.csv", later, "gbk"))
    assert (result.added, result.updated, result.unchanged) == (1, 1, 0)
    assert db.rows(con, "SELECT paid_amount, import_id FROM receivables WHERE invoice_id = 'YS2505003'") == [
        (6200.0, result.import_id)
    ]
    importer.undo_import(con, result.import_id)
    assert db.rows(con, "SELECT paid_amount, import_id FROM receivables WHERE invoice_id = 'YS2505003'") == [
        (None, first.import_id)
    ]
    assert db.scalar(con, "SELECT count(*) FROM receivables") == 3
    importer.undo_import(con, first.import_id)
    assert db.scalar(con, "SELECT count(*) FROM receivables") == 0
    checks = importer.import_file(con, SAMPLES["stock_checks.csv"])
    assert importer.undo_import(con, checks.import_id)["removed"] == 6
    assert db.scalar(con, "SELECT count(*) FROM stock_checks") == 0
    assert db.scalar(con, "SELECT count(*) FROM customers") == 3  # undo took nothing else


def test_templates_of_the_new_tables():
    for table in optional_tables.OPTIONAL_TABLES:
        for lang in ("zh", "en"):
            text = importer.template_bytes(table, lang).decode("utf-8-sig").strip()
            assert detect_table(text.replace('"', "").split(","))[0] == table
            shipped = (TEMPLATES / f"{table}_template_{lang}.csv").read_text("utf-8-sig").strip()
            assert detect_table(shipped.split(","))[0] == table


def test_an_import_keeps_insertion_order_for_every_other_cursor(customers):
    """SET preserve_insertion_order is global to a DuckDB instance: the import sets it for its own
    cursor only, so any cursor made afterwards still keeps insertion order."""
    con = customers
    setting = "SELECT current_setting('preserve_insertion_order')"
    assert con.cursor().execute(setting).fetchall() == [(True,)]
    assert importer.import_file(con, SAMPLES["stock_checks.csv"]).added == 6
    assert con.execute(setting).fetchall() == [(True,)]
    assert con.cursor().execute(setting).fetchall() == [(True,)]
