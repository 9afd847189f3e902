"""Tables out: CSV with BOM, XLSX with a bold frozen header and real dates, formula-safe; and an
exported table imports back to the same rows."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd

from analytics import db, importer
from analytics.export import neutralise, safe_frame, to_csv_bytes, to_xlsx_bytes
from tests.conftest import insert


def test_neutralise_only_text_that_a_spreadsheet_would_run():
    assert neutralise("=SUM(A1)") == "'=SUM(A1)"
    assert neutralise("+1") == "'+1" and neutralise("-5") == "'-5" and neutralise("@x") == "'@x"
    assert neutralise("\tx") == "'\tx"
    assert neutralise(-5) == -5 and neutralise(-5.5) == -5.5
    assert neutralise("a=b") == "a=b" and neutralise("") == ""


def test_frames_keep_numbers_and_guard_text_and_categories():
    frame = pd.DataFrame({"n": [-5.0, 3.0], "s": ["=1+1", "ok"], "c": pd.Categorical(["@a", "b"])})
    safe = safe_frame(frame)
    assert safe["n"].tolist() == [-5.0, 3.0] and pd.api.types.is_float_dtype(safe["n"])
    assert safe["s"].tolist() == ["'=1+1", "ok"]
    assert safe["c"].tolist() == ["'@a", "b"]
    assert frame["s"].tolist() == ["=1+1", "ok"]  # the input is not changed
    text = to_csv_bytes(frame)
    assert text.startswith(b"\xef\xbb\xbf")
    assert '-5.0,"\'=1+1","\'@a"' in text.decode("utf-8-sig")


def test_xlsx_header_bold_frozen_dates_and_notes():
    frame = pd.DataFrame(
        {
            "客户名称": ["甲店", "=HYPERLINK(1)"],
            "金额": [-12.5, 3.0],
            "日期": pd.to_datetime(["2025-06-01", "2025-06-02"]),
        }
    )
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame, sheet_name="orders", notes=["期间: 6月"])))
    sheet = book["orders"]
    assert [c.value for c in sheet[1]] == ["客户名称", "金额", "日期"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet["A3"].value == "'=HYPERLINK(1)" and sheet["A3"].data_type == "s"
    assert sheet["B2"].value == -12.5 and sheet["B2"].data_type == "n"
    assert sheet["C2"].is_date and sheet["C2"].value.date() == date(2025, 6, 1)
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet.column_dimensions["A"].width >= 10  # CJK text counts double
    assert sheet["A5"].value == "期间: 6月"


def test_export_then_import_gives_the_same_rows(con, tmp_path):
    insert(con, "managers", [{"manager_id": "M1", "manager_name": "王", "team": "一组", "active": True}])
    insert(
        con,
        "customers",
        [
            {
                "customer_id": "K1",
                "manager_id": "M1",
                "tier": 26,
                "customer_class": "core",
                "open_date": date(2020, 1, 2),
                "low_income": False,
                "customer_name": "-甲店",
            }
        ],
    )
    insert(
        con,
        "orders",
        [
            {
                "order_id": "O1",
                "customer_id": "K1",
                "order_date": date(2025, 6, 1),
                "product": "中华",
                "quantity": 2.0,
                "amount": 900.5,
                "cost": 700.0,
            },
            {
                "order_id": "O2",
                "customer_id": "K1",
                "order_date": date(2025, 6, 3),
                "product": "=x",
                "quantity": 1.0,
                "amount": -10.0,
                "cost": None,
            },
        ],
    )
    other = db.connect(tmp_path / "copy.duckdb")
    for table, form in (("managers", "csv"), ("customers", "xlsx"), ("orders", "csv")):
        frame = db.query(
            con,
            f"SELECT * EXCLUDE (import_id) FROM {table}" if table == "orders" else f"SELECT * FROM {table}",
        )
        data = to_csv_bytes(frame) if form == "csv" else to_xlsx_bytes(frame, sheet_name=table)
        raw = importer.read_table_file(data, f"{table}.{form}")
        result = importer.import_raw(other, raw)
        assert result.status == "imported" and result.table == table, importer.render_errors(result.errors)
    for table, key in (("managers", "manager_id"), ("customers", "customer_id"), ("orders", "order_id")):
        columns = "* EXCLUDE (import_id)" if table == "orders" else "*"
        left = db.query(con, f"SELECT {columns} FROM {table} ORDER BY {key}")
        right = db.query(other, f"SELECT {columns} FROM {table} ORDER BY {key}")
        pd.testing.assert_frame_equal(left, right, check_dtype=False)
