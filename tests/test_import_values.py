"""Plausible values only (issue 18): impossible dates, huge amounts, numbers in forms no export
writes, IDs Excel turned into numbers and formula cells without Excel's result are row errors;
malformed files get a clear problem; the command line's exit status tells what was written."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st

from analytics import db, importer
from analytics.__main__ import main as cli_main
from analytics.normalise import parse_number
from tests.conftest import ROOT

HEAD = "order_id,customer_id,order_date,amount,quantity\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def orders(con) -> int:
    return db.scalar(con, "SELECT count(*) FROM orders")


@pytest.mark.parametrize("day", ["9999-12-31", "0000-01-01", "0001-01-01", "99999", "1989-12-31"])
def test_an_impossible_order_date_is_a_row_error(con, tmp_path, day):
    path = write(tmp_path, "o.csv", f"{HEAD}O1,C1,2025-06-01,5,1\nO2,C1,{day},5,1\n")
    strict = importer.import_file(con, path)
    assert strict.status == "rejected" and orders(con) == 0
    assert strict.errors["code"].tolist() == ["date_range"]
    valid = importer.import_file(con, path, mode="valid-only")
    assert (valid.added, valid.rejected) == (1, 1)
    assert db.scalar(con, "SELECT max(order_date) FROM orders").isoformat() == "2025-06-01"


def test_the_window_and_bounds_come_from_the_settings(con, tmp_path, settings_file):
    settings_file.write_text("[import]\nearliest_date = 2025-06-02\nmax_amount = 10.0\n")
    path = write(
        tmp_path, "o.csv", f"{HEAD}O1,C1,2025-06-01,5,1\nO2,C1,2025-06-03,11,1\nO3,C1,2025-06-03,9,1\n"
    )
    result = importer.import_file(con, path, mode="valid-only")
    assert result.added == 1
    assert sorted(result.errors["code"]) == ["date_range", "too_large"]
    reasons = importer.render_errors(result.errors, "en")["reason"].tolist()
    assert any("2025-06-02" in r for r in reasons) and any("10" in r for r in reasons)


def test_visit_times_and_target_months_outside_the_window(con, tmp_path):
    visits = write(
        tmp_path,
        "v.csv",
        "customer_id,manager_id,visit_date,duration_min\nC1,M1,9999-12-31 10:00,5\n"
        "C1,M1,2025-06-01 10:00,5000\nC1,M1,2025-06-01 11:00,30\n",
    )
    result = importer.import_file(con, visits, mode="valid-only")
    assert (result.added, sorted(result.errors["code"])) == (1, ["date_range", "too_large"])
    targets = write(tmp_path, "t.csv", "manager_id,month,sales_target\nM1,9999-12,5\nM1,2025-06,5\n")
    result = importer.import_file(con, targets, mode="valid-only")
    assert (result.added, result.errors["code"].tolist()) == (1, ["date_range"])


@pytest.mark.parametrize(
    "amount, reason",
    [('"999,999,999,999,999"', "too_large"), ("1 2 3", "number"), ("1_000", "number"), ('"1,23"', "number")],
)
def test_amounts_beyond_the_bound_or_in_forms_no_export_writes(con, tmp_path, amount, reason):
    path = write(tmp_path, "o.csv", f"{HEAD}O1,C1,2025-06-01,{amount},1\n")
    result = importer.import_file(con, path)
    assert result.status == "rejected" and result.errors["code"].tolist() == [reason]


def test_numbers_as_exports_write_them(con, tmp_path):
    path = write(
        tmp_path,
        "o.csv",
        f'{HEAD}O1,C1,2025-06-01,"1,234.5",1\nO2,C1,2025-06-01,￥１２０元,2\nO3,C1,2025-06-01, 7 ,3\n',
    )
    assert importer.import_file(con, path).added == 3
    assert db.rows(con, "SELECT amount FROM orders ORDER BY order_id") == [(1234.5,), (120.0,), (7.0,)]


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=0, max_value=99))
def test_parse_number_reads_every_grouped_and_plain_form(whole, cents):
    value = whole + (cents / 100 if whole >= 0 else -cents / 100)
    sign = "-" if value < 0 else ""
    plain = f"{abs(whole)}.{cents:02d}"
    grouped = f"{abs(whole):,}.{cents:02d}"
    assert parse_number(sign + plain) == pytest.approx(value)
    assert parse_number(sign + grouped) == pytest.approx(value)
    assert parse_number(f"¥{sign}{grouped}") == pytest.approx(value)


@given(
    st.lists(st.integers(min_value=0, max_value=999), min_size=2, max_size=4),
    st.sampled_from([" ", "_", "  "]),
)
def test_parse_number_refuses_digits_split_by_spaces_or_underscores(groups, separator):
    assert parse_number(separator.join(str(g) for g in groups)) is None


@given(st.text(max_size=12))
def test_parse_number_never_fails_and_gives_finite_numbers(text):
    value = parse_number(text)
    assert value is None or (value == value and abs(value) != float("inf"))


@pytest.mark.parametrize("mangled", ["3.30102E+11", "330102000001.0", "330102000001.00"])
def test_ids_excel_turned_into_numbers_name_the_fix_and_create_no_customer(con, tmp_path, mangled):
    path = write(tmp_path, "o.csv", f"{HEAD}O1,{mangled},2025-06-01,5,1\nO2,330102000002,2025-06-01,5,1\n")
    result = importer.import_file(con, path, mode="valid-only")
    assert (result.added, result.created_customers) == (1, 1)
    assert db.rows(con, "SELECT customer_id FROM customers") == [("330102000002",)]
    assert result.errors["code"].tolist() == ["excel_id"]
    assert "format the column as text" in importer.render_errors(result.errors, "en")["reason"][0]
    assert "把该列设为文本格式" in importer.render_errors(result.errors, "zh")["reason"][0]


def test_an_excel_id_in_the_customers_file_is_not_a_new_customer(con, tmp_path):
    path = write(tmp_path, "c.csv", "customer_id,customer_name\n3.30102E+11,A\nC2,B\n")
    result = importer.import_file(con, path, mode="valid-only")
    assert result.added == 1 and db.rows(con, "SELECT customer_id FROM customers") == [("C2",)]


def formula_book(cached: object = 0, by_excel: bool = False) -> bytes:
    """Orders with a formula amount, its cached result written as xlsxwriter writes it (0, and a
    full calculation asked for on load) or, with `by_excel`, as Excel leaves it."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet("orders")
    sheet.write_row(0, 0, ["order_id", "customer_id", "order_date", "amount"])
    sheet.write_row(1, 0, ["O1", "C1", "2025-06-01", 5])
    sheet.write_row(2, 0, ["O2", "C1", "2025-06-01"])
    sheet.write_formula(2, 3, "=D2*2", None, cached)
    book.close()
    if not by_excel:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = re.sub(rb' fullCalcOnLoad="1"', b"", data)
            dst.writestr(item, data)
    return out.getvalue()


def test_a_formula_counts_only_with_the_result_excel_computed(con, tmp_path):
    path = tmp_path / "o.xlsx"
    path.write_bytes(formula_book(0))
    result = importer.import_file(con, path, mode="valid-only")
    assert (result.added, result.errors["code"].tolist()) == (1, ["formula"])
    assert result.errors["value"][0] == "=D2*2"
    path.write_bytes(formula_book(10, by_excel=True))
    result = importer.import_file(con, path, mode="valid-only")
    assert (result.added, result.rejected) == (1, 0)
    assert db.scalar(con, "SELECT amount FROM orders WHERE order_id = 'O2'") == 10.0


def test_a_formula_without_any_result_is_a_row_error(con, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["order_id", "customer_id", "order_date", "amount"])
    sheet.append(["O1", "C1", "2025-06-01", "=1+1"])
    path = tmp_path / "o.xlsx"
    book.save(path)
    result = importer.import_file(con, path)
    assert result.status == "rejected" and result.errors["code"].tolist() == ["formula"]


def chart_first_book(with_data: bool = True) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    chart_sheet = book.add_chartsheet("chart")
    data = book.add_worksheet("data")
    data.write_row(0, 0, ["order_id", "customer_id", "order_date", "amount"])
    data.write_row(1, 0, ["O1", "C1", "2025-06-01", 5])
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=data!$D$2:$D$2"})
    chart_sheet.set_chart(chart)
    book.close()
    return buffer.getvalue()


def test_a_chartsheet_first_reads_the_first_sheet_of_data(con, tmp_path):
    path = tmp_path / "o.xlsx"
    path.write_bytes(chart_first_book())
    raw = importer.read_table_file(path)
    assert (raw.sheet, raw.sheet_names) == ("data", ["data"])
    assert importer.import_file(con, path).added == 1
    with pytest.raises(importer.ImportProblem) as problem:
        importer.read_table_file(path, sheet="chart")
    assert problem.value.code == "chartsheet" and "chart" in problem.value.message("zh")


def damaged_book() -> bytes:
    """A workbook whose data sheet's XML is cut in the middle of a tag."""
    good = chart_first_book()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b"</sheetData>", b"<row><c r=")  # cut in the middle of a tag
            dst.writestr(item, data)
    return out.getvalue()


def test_a_damaged_sheet_is_a_clear_problem(con, tmp_path):
    path = tmp_path / "o.xlsx"
    path.write_bytes(damaged_book())
    with pytest.raises(importer.ImportProblem) as problem:
        importer.import_file(con, path)
    assert problem.value.code == "damaged" and "data" in problem.value.message("en")
    assert orders(con) == 0


def test_a_header_field_over_128_kb_is_a_clear_problem(con, tmp_path):
    path = write(tmp_path, "o.csv", "x" * 200_000 + "," + HEAD + "1,O1,C1,2025-06-01,5,1\n")
    with pytest.raises(importer.ImportProblem) as problem:
        importer.import_file(con, path)
    assert problem.value.code == "field_too_large"


def test_a_data_field_over_128_kb_is_a_row_error_not_a_crash(con, tmp_path):
    path = write(tmp_path, "o.csv", f"{HEAD}O1,C1,2025-06-01,5,1\nO2,C1,2025-06-01,{'9' * 200_000},1\n")
    result = importer.import_file(con, path, mode="valid-only")
    assert (result.added, result.errors["code"].tolist()) == (1, ["number"])  # beyond a double
    assert len(result.errors["value"][0]) <= 200


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8"])
def test_a_cut_multibyte_character_skips_its_line_in_valid_only(con, tmp_path, encoding):
    text = "订单编号,客户编码,订货日期,金额\n" + "".join(f"O{i},客户{i},2025-06-01,5\n" for i in range(6))
    data = text.encode(encoding)
    whole = "户3".encode(encoding)
    data = data.replace(whole, "户".encode(encoding)[:-1] + b"3")  # a character's final byte lost
    path = tmp_path / "o.csv"
    path.write_bytes(data)
    strict = importer.import_file(con, path)
    assert strict.status == "rejected" and strict.errors["code"].tolist() == ["undecodable"]
    valid = importer.import_file(con, path, mode="valid-only")
    assert (valid.added, valid.rejected) == (5, 1)
    assert db.scalar(con, "SELECT count(*) FROM orders WHERE customer_id LIKE '客户%'") == 5


def test_import_exit_status_tells_what_was_written(tmp_path, capsys):
    store = str(tmp_path / "s.duckdb")
    good = write(tmp_path, "good.csv", f"{HEAD}O1,C1,2025-06-01,5,1\n")
    bad = write(tmp_path, "bad.csv", f"{HEAD}O2,C1,9999-12-31,5,1\n")
    unreadable = write(tmp_path, "u.csv", "")
    assert cli_main(["import", "--db", store, str(good), str(good), str(bad)]) == 3
    assert cli_main(["import", "--db", store, str(good)]) == 0
    assert cli_main(["import", "--db", store, str(bad), str(unreadable)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_malformed_files_on_the_command_line_exit_2_without_traceback(tmp_path):
    files = [
        write(tmp_path, "big.csv", "x" * 200_000 + "\n1\n"),
        tmp_path / "chart.xlsx",
        write(tmp_path, "cut.csv", "订单编号,客户编码,订货日期,金额\nO1,C\n", "gb18030"),
    ]
    files[1].write_bytes(damaged_book())
    done = subprocess.run(
        [sys.executable, "-m", "analytics", "import", "--db", str(tmp_path / "s.duckdb"), *map(str, files)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert done.stderr.count("\n") >= 3
