"""One formatting layer (#19): every table a page shows and every table it exports, on the demo
in both languages.

On screen: no cell reads "None", "nan", "NaT", "<NA>" or "00:00:00"; every number column has a
format (separators, percentages with one decimal); dates have no time. In the exports (captured
where ui.tables hands a table to its download buttons): numbers stay numbers, with Excel number
formats in the XLSX and no more decimals than the page shows in the CSV; headers translated;
no emoji; file names in the page's language."""

from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pandas as pd
import pytest
import streamlit as st

from analytics.export import EMOJI, to_csv_bytes, to_xlsx_bytes
from tests.conftest import app_test
from tests.e2e.harness import declared_pages
from ui import format, tables

# The pages with tables, those of them that the navigation lists (the standard's pages join it later).
TABLE_PAGES = [
    "pages/overview.py",
    "pages/pareto.py",
    "pages/retention.py",
    "pages/visits.py",
    "pages/scorecards.py",
    "pages/warnings.py",
    "pages/new_products.py",
    "pages/complaints.py",
    "pages/collections.py",
]
PAGES = [page for page in TABLE_PAGES if page in {p.file for p in declared_pages()}]
RAW = re.compile(r"^(None|nan|NaN|NaT|<NA>)$|00:00:00")
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(autouse=True)
def fresh_connections():
    st.cache_resource.clear()


@pytest.fixture
def exported(monkeypatch) -> list[dict]:
    """Every table a page hands to its export buttons: rows, file name and column kinds."""
    captured: list[dict] = []

    def capture(df, name, key, filters=None, kinds=None) -> None:
        captured.append({"df": df, "name": name, "title": tables.file_label(name), "kinds": kinds or {}})

    monkeypatch.setattr(tables, "export_control", capture)
    return captured


def column_config(element) -> dict:
    return json.loads(element.proto.columns or "{}")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_tables_on_screen_and_in_exports(demo_db_path, exported, page, lang):
    at = app_test(page, demo_db_path, lang)
    assert not at.exception
    frames = at.dataframe
    assert len(frames), f"{page} shows no table"
    for element in frames:
        shown, config = element.value, column_config(element)
        for name, series in shown.items():
            type_config = (config.get(str(name)) or {}).get("type_config") or {}
            if series.dtype == object or pd.api.types.is_string_dtype(series):
                raw = [v for v in series if v is None or (isinstance(v, str) and RAW.search(v))]
                assert not raw, f"{page} {lang}: {name} shows {raw[:3]}"
                assert not series.isna().any(), f"{page} {lang}: {name} has empty cells"
            elif pd.api.types.is_float_dtype(series) or pd.api.types.is_integer_dtype(series):
                assert type_config.get("format"), f"{page} {lang}: number column {name} has no format"
                if type_config.get("format") == "percent":
                    assert type_config.get("step") == 0.001  # one decimal: 1.4 %
            elif pd.api.types.is_datetime64_any_dtype(series):
                assert type_config.get("type") in ("date", "datetime"), f"{page}: {name} shown with time"
    assert exported, f"{page} exports nothing"
    for table in exported:
        check_export(table, page, lang)


def check_export(table: dict, page: str, lang: str) -> None:
    df, kinds, title = table["df"], table["kinds"], table["title"]
    where = f"{page} {lang} {table['name']}"
    if lang == "zh":
        assert CJK.search(title), f"{where}: file name {title!r} not translated"
    for header in df.columns:
        assert not SNAKE_CASE.match(str(header)), f"{where}: header {header!r} not translated"
    if df.empty:
        return
    files = tables.export_files(df, title, [], kinds)
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]()))
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    assert headers == [str(c) for c in df.columns]
    first = [cell for cell in sheet[2]]
    for header, cell in zip(headers, first, strict=True):
        kind = kinds.get(header)
        if isinstance(cell.value, str):
            assert not EMOJI.search(cell.value), f"{where}: emoji in {header}"
            assert not RAW.search(cell.value), f"{where}: {header} exports {cell.value!r}"
        if kind in format.DECIMALS and isinstance(cell.value, int | float):
            assert cell.number_format == format.EXCEL_FORMATS[kind], f"{where}: {header} {cell.number_format}"
    rows = list(csv.reader(io.StringIO(files["csv"]().decode("utf-8-sig"))))
    for position, header in enumerate(rows[0]):
        kind = kinds.get(header)
        if kind not in format.DECIMALS:
            continue
        allowed = format.DECIMALS[kind] + (2 if kind == format.PERCENT else 0)
        for row in rows[1:20]:
            text = row[position]
            if text:
                float(text)  # a number, not "1.4%" or "1,234"
                decimals = len(text.split(".")[1]) if "." in text else 0
                assert decimals <= max(allowed, 1), f"{where}: {header} exports {text}"


def test_export_keeps_numbers_with_formats_and_rounds_the_csv():
    """Worked example: the raw values of the issue come out as the page shows them."""
    df = pd.DataFrame(
        {
            "拜访次数": [103.6667, 2.0],
            "客户数": [121.0, 3.0],
            "流失率": [0.014263511859994029, None],
            "销售额（元）": [735068.333, 1200.0],
            "得分": [88.81698721061515, 70.0],
            "最近订货": pd.to_datetime(["2026-11-30", None]),
            "状态": ["🔴 超期", "正常"],
        }
    )
    kinds = {
        "拜访次数": format.NUMBER,
        "客户数": format.COUNT,
        "流失率": format.PERCENT,
        "销售额（元）": format.MONEY,
        "得分": format.NUMBER,
        "最近订货": format.DATE,
        "状态": format.TEXT,
    }
    assert tables.column_kinds(df) == {**kinds, "流失率": format.FINE, "销售额（元）": format.NUMBER}
    files = tables.export_files(df, "客户", [], kinds)
    rows = list(csv.reader(io.StringIO(files["csv"]().decode("utf-8-sig"))))
    assert rows[1] == ["103.7", "121", "0.014", "735068", "88.8", "2026-11-30", "超期"]
    assert rows[2] == ["2.0", "3", "", "1200", "70.0", "", "正常"]
    sheet = openpyxl.load_workbook(io.BytesIO(files["xlsx"]())).active
    cells = {sheet.cell(1, c).value: sheet.cell(2, c) for c in range(1, 8)}
    assert cells["流失率"].value == pytest.approx(0.0142635) and cells["流失率"].number_format == "0.0%"
    assert cells["销售额（元）"].number_format == "#,##0" and cells["客户数"].number_format == "#,##0"
    assert cells["得分"].number_format == "#,##0.0" and cells["最近订货"].number_format == "yyyy-mm-dd"
    assert cells["状态"].value == "超期"
    # The lower layer alone (no kinds): numbers as they are, emoji still dropped.
    assert to_csv_bytes(df[["状态"]]).decode("utf-8-sig").splitlines()[1] == '"超期"'
    assert to_xlsx_bytes(df[["得分"]], formats={"得分": "0.0"})


def test_screen_frame_shows_missing_values_as_a_dash():
    df = pd.DataFrame(
        {
            "预约": [None, "已预约"],
            "最近拜访": pd.to_datetime([None, "2026-11-02"]),
            "金额": [None, 1234.5],
            "时间": pd.to_datetime(["2026-11-02 14:05", "2026-11-03 09:00"]),
        }
    )
    kinds = tables.column_kinds(df)
    assert kinds == {"预约": "text", "最近拜访": "date", "金额": "number", "时间": "moment"}
    screen, config = tables.screen_frame(df, kinds, None)
    assert screen["预约"].tolist() == ["—", "已预约"]
    assert screen["最近拜访"].tolist() == ["—", "2026-11-02"]
    assert screen["金额"].tolist() == ["—", "1,234.5"]
    assert config["时间"]["type_config"]["format"] == "YYYY-MM-DD HH:mm"


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (278_310, "zh", "27.8万"),
        (19_512_000, "zh", "1,951.2万"),
        (123_000_000, "zh", "1.23亿"),
        (19_512_000, "en", "19.5M"),
        (278_310, "en", "278.3K"),
        (99_999, "zh", "99,999"),
    ],
)
def test_short_numbers(value, lang, text):
    assert format.short_number(value, lang) == text


def test_axis_ticks_in_the_page_units():
    assert format.axis_ticks(0, 3_400_000, "zh") == (
        [0, 1_000_000, 2_000_000, 3_000_000, 4_000_000],
        ["0", "100万", "200万", "300万", "400万"],
    )
    assert format.axis_ticks(0, 85_000, "en")[1] == ["0", "20K", "40K", "60K", "80K", "100K"]
    assert format.signed_points(0.007, lang="zh") == "+0.7个百分点"
    assert format.signed_points(-0.007, lang="en") == "-0.7 pp"
