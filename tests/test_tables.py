"""ui.tables: a capped table still exports every row; the search finds text and numbers."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from streamlit.delta_generator import DeltaGenerator

from analytics.filters import Filters
from ui import tables

ROWS = 50_000


@pytest.fixture
def customers() -> pd.DataFrame:
    ids = [f"C{i:05d}" for i in range(ROWS)]
    return pd.DataFrame(
        {
            "customer_id": ids,
            "customer_name": [f"Shop {i}" for i in range(ROWS)],
            "value": [float(ROWS - i) for i in range(ROWS)],
        }
    )


@pytest.fixture
def drawn(monkeypatch) -> dict:
    """What show_table hands to Streamlit: the frame the browser gets and the export builders."""
    seen: dict = {"downloads": {}, "exports": []}

    def dataframe(data, **kwargs):
        seen["table"] = data

    def download_button(self, label, data, file_name, **kwargs):
        seen["downloads"][file_name.rsplit(".", 1)[1]] = data

    monkeypatch.setattr(tables.st, "dataframe", dataframe)
    monkeypatch.setattr(tables, "export_recorder", lambda: lambda *entry: seen["exports"].append(entry))
    monkeypatch.setattr(DeltaGenerator, "download_button", download_button)
    return seen


def test_capped_table_exports_every_row(customers, drawn):
    tables.show_table(customers, "customer-value", "test-table")
    assert len(drawn["table"]) == tables.MAX_ROWS
    assert drawn["table"]["customer_id"].tolist() == customers["customer_id"].head(tables.MAX_ROWS).tolist()
    csv = drawn["downloads"]["csv"]()
    exported = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")
    assert len(exported) == ROWS
    assert exported["customer_id"].iloc[-1] == "C49999"
    assert set(drawn["downloads"]) == {"csv", "xlsx"}


def test_an_export_is_recorded_when_its_file_is_built(customers, drawn):
    filters = Filters(managers=("M001",))
    tables.show_table(customers.head(30), "customer-value", "test-audit", filters)
    assert drawn["exports"] == []  # drawing the buttons exports nothing
    drawn["downloads"]["xlsx"]()
    assert drawn["exports"] == [("customer-value", "xlsx", 30, tables.filters_note(filters))]
    assert "M001" in drawn["exports"][0][3][0]


def test_small_table_is_shown_whole(customers, drawn):
    tables.show_table(customers.head(20), "few", "test-few")
    assert len(drawn["table"]) == 20


def test_xlsx_only_when_the_rows_fit_a_sheet(customers, monkeypatch):
    assert set(tables.export_files(customers, "t", [])) == {"csv", "xlsx"}
    monkeypatch.setattr(tables, "XLSX_MAX_ROWS", ROWS)
    assert set(tables.export_files(customers, "t", [])) == {"csv"}


def test_search_finds_text_case_insensitively_and_numbers_only_for_digits(customers):
    assert tables.matching_rows(customers, "shop 4999").sum() == 11  # 4999 and 49990–49999
    assert tables.matching_rows(customers, "SHOP 12345").tolist().index(True) == 12345
    # a digit query also looks in the numbers: value 1.0 is the last row
    assert tables.matching_rows(customers, "1.0")[-1]
    assert not tables.matching_rows(customers, "nobody").any()
