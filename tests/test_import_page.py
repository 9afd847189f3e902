"""The import page through AppTest: upload, check, import, log and undo, in both languages, on the
demo database and on an empty one."""

from __future__ import annotations

import pytest

from analytics import db, importer
from tests.conftest import app_test

PAGE = "pages/import_data.py"
TITLES = {"zh": "数据导入", "en": "Import data"}


def sample(name: str) -> tuple[str, bytes, str]:
    path = next(p for p in importer.sample_files() if p.name == name)
    return path.name, path.read_bytes(), "text/csv"


def texts(at) -> str:
    return " ".join(
        str(e.value)
        for kind in ("success", "error", "warning", "info", "caption", "markdown")
        for e in getattr(at, kind)
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_without_uploads(demo_db_path, empty_db_path, lang):
    for path in (demo_db_path, empty_db_path):
        at = app_test(PAGE, path, lang)
        assert not at.exception
        assert at.title[0].value == TITLES[lang]
        assert len(at.file_uploader) == 1 and at.file_uploader[0].accept_multiple_files
        assert len(at.tabs) == 3
        # Blank templates in both header languages plus the sample files.
        assert len(at.get("download_button")) >= 10 + len(importer.sample_files())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_upload_check_import_and_undo_on_an_empty_db(empty_db_path, lang):
    at = app_test(PAGE, empty_db_path, lang)
    at.file_uploader[0].set_value([sample("orders_gbk.csv"), sample("managers.csv"), sample("customers.csv")])
    at.run()
    assert not at.exception
    assert len(at.expander) == 3
    assert len(at.success) == 3  # every file checked clean
    at.button(key="imp-run").click().run()
    assert not at.exception
    shown = texts(at)
    assert ("新增 8 行" if lang == "zh" else "8 added") in shown
    con = db.connect(empty_db_path)
    assert db.scalar(con, "SELECT count(*) FROM orders") == 8
    assert db.scalar(con, "SELECT count(*) FROM customers") == 5
    # The import log lists three imports; undo the orders.
    orders_import = int(db.scalar(con, "SELECT import_id FROM import_log WHERE table_name = 'orders'"))
    at.selectbox(key="imp-undo-choice").set_value(orders_import).run()
    at.button(key="imp-undo").click().run()
    assert not at.exception
    assert db.scalar(con, "SELECT count(*) FROM orders") == 0
    assert db.scalar(con, "SELECT count(*) FROM import_log WHERE undone_at IS NOT NULL") == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_rows_and_bad_files_show_messages(demo_db_path, lang):
    at = app_test(PAGE, demo_db_path, lang)
    bad = "客户编码,客户经理编码,档位\nK1,NOPE,40\n".encode()
    at.file_uploader[0].set_value(
        [("bad.csv", bad, "text/csv"), ("broken.xlsx", b"PK\x03\x04 not really", "application/x")]
    )
    at.run()
    assert not at.exception
    assert len(at.error) == 1  # the damaged workbook
    assert "broken.xlsx" in at.error[0].value
    assert len(at.warning) >= 1  # bad rows found
    reason = {"zh": "原因", "en": "Reason"}[lang]
    bad_rows = next(d.value for d in at.dataframe if reason in d.value.columns)
    # Tier out of range and unknown manager, both on row 2 (the header is row 1).
    assert len(bad_rows) == 2 and set(bad_rows.iloc[:, 0]) == {2}
    at.button(key="imp-run").click().run()  # strict: rejected, nothing written
    assert not at.exception
    assert len(at.error) == 2
    con = db.connect(demo_db_path)
    assert db.scalar(con, "SELECT count(*) FROM customers WHERE customer_id = 'K1'") == 0
