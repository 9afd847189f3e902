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


def settings_backup_folder() -> str:
    from analytics import config

    return config.load_settings().backup.folder


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
    assert db.scalar(con, "SELECT count(*) FROM orders") == 8  # asked first: nothing undone yet
    at.button(key="imp-undo-cancel").click().run()
    assert not at.exception and not any(b.key == "imp-undo-confirm" for b in at.button)
    assert db.scalar(con, "SELECT count(*) FROM orders") == 8
    at.button(key="imp-undo").click().run()
    at.button(key="imp-undo-confirm").click().run()
    assert not at.exception
    assert db.scalar(con, "SELECT count(*) FROM orders") == 0
    # The automatic copy made first, named in the message.
    copies = list((empty_db_path.parent / settings_backup_folder()).glob("*-undo_import.zip"))
    assert len(copies) == 1 and copies[0].name in texts(at)
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


# ------------------------------------------------------------------ accounts (issue 17)


@pytest.fixture
def accounts_store(tmp_path, monkeypatch):
    """A small demo with an admin, a supervisor of the first team and a manager (fast hashing)."""
    from argon2 import PasswordHasher

    from analytics import accounts
    from analytics.generator import generate_demo

    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setenv("DASHBOARD_SETTINGS", str(tmp_path / "settings.toml"))
    path = tmp_path / "accounts.duckdb"
    con = db.connect(path)
    generate_demo(con, customers=120, managers=12, months=2, seed=7)  # two teams
    team, manager = db.rows(con, "SELECT team, manager_id FROM managers ORDER BY manager_id LIMIT 1")[0]
    accounts.add_user(con, "boss", "admin", "Correct-Horse-42")
    accounts.add_user(con, "sup", "supervisor", "Correct-Horse-42", teams=[team])
    accounts.add_user(con, "mgr", "manager", "Correct-Horse-42", manager_id=manager)
    mine = db.scalar(
        con, "SELECT min(customer_id) FROM customers JOIN managers USING (manager_id) WHERE team = ?", [team]
    )
    other = db.scalar(
        con, "SELECT min(customer_id) FROM customers JOIN managers USING (manager_id) WHERE team <> ?", [team]
    )
    assert mine and other
    return path, con, mine, other


def signed_in(path, con, user: str, lang: str = "en"):
    import os
    import time

    from streamlit.testing.v1 import AppTest

    from analytics import accounts
    from tests.conftest import ROOT
    from ui import login

    os.environ["DASHBOARD_DB"] = str(path)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.session_state["account"] = accounts.get_account(con, user)
    at.session_state[login.LAST_SEEN] = time.time()
    at.run()
    at.switch_page(PAGE)
    at.run()
    return at


def other_team_orders(con, other: str) -> tuple:
    return db.rows(
        con,
        "SELECT count(*), sum(amount) FROM orders WHERE customer_id IN (SELECT customer_id FROM customers "
        "WHERE customer_id = ? OR manager_id = (SELECT manager_id FROM customers WHERE customer_id = ?))",
        [other, other],
    )[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_supervisors_import_keeps_to_their_teams_and_is_audited(accounts_store, lang):
    from analytics import audit

    path, con, mine, other = accounts_store
    before = other_team_orders(con, other)
    orders = f"订单编号,客户编码,订货日期,金额\nS1,{mine},2025-01-05,10\nS2,{other},2025-01-05,99\n"
    at = signed_in(path, con, "sup", lang)
    assert not at.exception and not at.error
    at.radio(key="imp-mode").set_value("valid-only")
    at.file_uploader[0].set_value([("orders.csv", orders.encode(), "text/csv")])
    at.run()
    at.button(key="imp-run").click().run()
    assert not at.exception
    reason = {"zh": "原因", "en": "Reason"}[lang]
    bad_rows = next(d.value for d in at.dataframe if reason in d.value.columns)
    assert bad_rows.iloc[:, 0].tolist() == [3]
    assert ("第 3 行属于你的可见范围以外的班组" if lang == "zh" else "Row 3 belongs to a team") in bad_rows[
        reason
    ][0]
    assert db.rows(con, "SELECT order_id FROM orders WHERE order_id IN ('S1', 'S2')") == [("S1",)]
    assert other_team_orders(con, other) == before
    entry = audit.read(con, user="sup", action="import")
    assert len(entry) == 1 and '"added": 1' in entry["detail"][0] and '"rejected": 1' in entry["detail"][0]
    # The supervisor undoes it (asked first), recorded with the backup made before.
    import_id = int(db.scalar(con, "SELECT max(import_id) FROM import_log"))
    at.selectbox(key="imp-undo-choice").set_value(import_id).run()
    at.button(key="imp-undo").click().run()
    at.button(key="imp-undo-confirm").click().run()
    assert not at.exception
    assert db.scalar(con, "SELECT count(*) FROM orders WHERE order_id = 'S1'") == 0
    undo = audit.read(con, user="sup", action="undo_import")["detail"][0]
    assert f'"import_id": {import_id}' in undo and "undo_import.zip" in undo


def test_a_supervisor_may_not_undo_an_import_of_another_team(accounts_store, tmp_path):
    path, con, mine, other = accounts_store
    csv = tmp_path / "admin.csv"
    csv.write_text(
        f"order_id,customer_id,order_date,amount\nA1,{mine},2025-01-05,10\nA2,{other},2025-01-05,5\n"
    )
    admin_import = importer.import_file(con, csv).import_id
    at = signed_in(path, con, "sup")
    at.selectbox(key="imp-undo-choice").set_value(admin_import).run()
    at.button(key="imp-undo").click().run()
    at.button(key="imp-undo-confirm").click().run()
    assert not at.exception
    assert any("an administrator may undo it" in e.value for e in at.error)
    assert db.scalar(con, "SELECT count(*) FROM orders WHERE order_id IN ('A1', 'A2')") == 2
    with pytest.raises(importer.ImportProblem):
        importer.undo_import(con, admin_import, allowed_teams=("nobody's team",))
    assert importer.undo_import(con, admin_import)["removed"] == 2  # an admin may


def test_a_manager_opening_the_page_by_its_address_is_refused(accounts_store):
    from streamlit.testing.v1 import AppTest

    from analytics import accounts
    from tests.conftest import ROOT

    path, con, *_ = accounts_store
    import os

    os.environ["DASHBOARD_DB"] = str(path)
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["lang"] = "en"
    at.session_state["account"] = accounts.get_account(con, "mgr")
    at.run()
    assert [e.value for e in at.error] == ["Your account may not do this"]
    assert not at.file_uploader and not at.button
