"""The loss-warnings page in both languages: empty store, demo data, rule filter, follow-up, export."""

import shutil

import pytest
import streamlit as st

from analytics import db
from analytics.domain import FOLLOWUP_STATUSES
from analytics.i18n import t
from tests.conftest import app_test

PAGE = "pages/warnings.py"
TITLES = {"zh": "流失预警", "en": "Loss warnings"}
LIST_KEY = "warnings-list-table"
SECTION_KEY = "warnings-section"


@pytest.fixture(autouse=True)
def fresh_connections():
    """Other tests close every DuckDB connection (db.close_all); the page's cached connection
    must then be opened again rather than reused."""
    st.cache_resource.clear()


@pytest.fixture
def demo_copy(demo_db_path, tmp_path):
    """A private copy of the demo database, for tests that write follow-ups."""
    db.connect(demo_db_path).execute("CHECKPOINT")
    path = tmp_path / "demo-copy.duckdb"
    shutil.copy(demo_db_path, path)
    yield path
    db.close_all()


def warning_list(at):
    return next((frame.value for frame in at.dataframe if frame.key == LIST_KEY), None)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_on_an_empty_database(empty_db_path, lang):
    at = app_test(PAGE, empty_db_path, lang)
    assert not at.exception
    assert at.title[0].value == TITLES[lang]
    assert any("数据 › 导入" in i.value or "Data › Import" in i.value for i in at.info)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_on_the_demo_database(demo_db_path, lang):
    at = app_test(PAGE, demo_db_path, lang)
    assert not at.exception
    assert at.title[0].value == TITLES[lang]
    table = warning_list(at)
    assert table is not None and len(table) > 0
    manager = {"zh": "客户经理", "en": "Manager"}[lang]
    expected = {"zh": "预计损失", "en": "Expected loss"}[lang]
    # The action list: at most 5 per manager (none of the demo's losses reaches the floor),
    # key columns first.
    assert table.groupby(manager).size().max() <= 5
    assert list(table.columns[2:6]) == [
        manager,
        expected,
        {"zh": "预警原因", "en": "Reasons"}[lang],
        {"zh": "跟进状态", "en": "Follow-up"}[lang],
    ]
    reasons = table[{"zh": "预警原因", "en": "Reasons"}[lang]]
    assert reasons.str.len().gt(0).all()
    risk = table[{"zh": "流失风险", "en": "Risk"}[lang]]
    assert risk.between(0, 1).all()
    downloads = [b.proto.label for b in at.get("download_button")]
    assert {"zh": "下载 CSV", "en": "Download CSV"}[lang] in downloads
    assert {"zh": "下载 Excel", "en": "Download Excel"}[lang] in downloads
    assert not at.get("plotly_chart")  # only the list's tab is drawn
    at.session_state[SECTION_KEY] = t("warnings.tab_model", lang)
    at.run()
    assert not at.exception and warning_list(at) is None
    in_use = {"zh": "采用", "en": "In use"}[lang]
    candidates = next(f.value for f in at.dataframe if in_use in f.value.columns)
    assert len(candidates) == 5 and (candidates[in_use] == "✓").sum() == 1
    recall = {"zh": "金额召回", "en": "Value recall"}[lang]
    assert any(recall in f.value.columns for f in at.dataframe)
    at.session_state[SECTION_KEY] = t("warnings.tab_effect", lang)
    at.run()
    assert not at.exception and at.subheader[0].value == t("warnings.effect_header", lang)
    at.session_state[SECTION_KEY] = t("warnings.tab_counts", lang)
    at.run()
    assert not at.exception and len(at.get("plotly_chart")) == 1


def test_rule_filter_and_show_all(demo_db_path):
    at = app_test(PAGE, demo_db_path, "en")
    listed = len(warning_list(at))
    at.toggle(key="warnings-show-all").set_value(True).run()
    everything = len(warning_list(at))
    assert everything > listed
    at.multiselect(key="warnings-rules").set_value(["Cadence broken"]).run()  # labels, as shown
    assert not at.exception
    table = warning_list(at)
    assert 0 < len(table) < everything
    # The rules by their labels (#19: no codes on screen or in exports).
    assert table["Rules"].str.split(", ").map(lambda rules: "Cadence broken" in rules).all()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_followup_is_recorded_and_shown(demo_copy, lang):
    at = app_test(PAGE, demo_copy, lang)
    first = warning_list(at).iloc[0]
    customer_id = first[{"zh": "客户编码", "en": "Customer ID"}[lang]]
    at.selectbox(key="warnings-fu-customer").set_value(customer_id).run()
    assert not at.exception
    # By position: AppTest formats option labels outside the session, in the default language.
    at.selectbox(key="warnings-fu-status").select_index(FOLLOWUP_STATUSES.index("contacted"))
    at.text_input(key="warnings-fu-by").input("张主管")
    at.text_area(key="warnings-fu-note").input("电话联系，店主下周补货")
    at.button[
        [b.label for b in at.button].index({"zh": "保存跟进", "en": "Save follow-up"}[lang])
    ].click().run()
    assert not at.exception
    stored = db.query(
        db.connect(demo_copy), "SELECT customer_id, status, note, made_by FROM warning_followups"
    )
    assert stored.to_dict("records") == [
        {
            "customer_id": customer_id,
            "status": "contacted",
            "note": "电话联系，店主下周补货",
            "made_by": "张主管",
        }
    ]
    followed_up = {"zh": "跟进时间", "en": "Followed up"}[lang]
    history = next(frame.value for frame in at.dataframe if followed_up in frame.value.columns)
    assert (
        len(history) == 1
        and history.iloc[0][{"zh": "跟进状态", "en": "Follow-up"}[lang]]
        == {"zh": "已联系", "en": "Contacted"}[lang]
    )
    row = warning_list(at).set_index({"zh": "客户编码", "en": "Customer ID"}[lang]).loc[customer_id]
    assert row[{"zh": "跟进状态", "en": "Follow-up"}[lang]] == {"zh": "已联系", "en": "Contacted"}[lang]
    # The form opens on the warning's current status.
    assert at.selectbox(key="warnings-fu-status").value == "contacted"
    if lang == "en":
        # A fresh session: AppTest re-formats the old status value in the default language.
        assert_lost_followup_closes_the_warning(app_test(PAGE, demo_copy, "en"))


def assert_lost_followup_closes_the_warning(at):
    customer_id = warning_list(at).iloc[0]["Customer ID"]
    open_before = next(m.value for m in at.metric if m.label == "Open warnings")
    at.selectbox(key="warnings-fu-customer").set_value(customer_id).run()
    at.selectbox(key="warnings-fu-status").select_index(FOLLOWUP_STATUSES.index("lost"))
    at.button[[b.label for b in at.button].index("Save follow-up")].click().run()
    assert not at.exception
    assert customer_id not in set(warning_list(at)["Customer ID"])
    open_after = next(m.value for m in at.metric if m.label == "Open warnings")
    assert int(open_after.replace(",", "")) == int(open_before.replace(",", "")) - 1
    at.toggle(key="warnings-show-all").set_value(True).run()
    at.checkbox(key="warnings-closed").check().run()
    shown = warning_list(at).set_index("Customer ID")
    assert shown.loc[customer_id, "Follow-up"] == "Lost"


def test_a_signed_in_followup_names_its_account_and_is_audited(demo_copy, monkeypatch):
    import time

    from argon2 import PasswordHasher

    from analytics import accounts, audit
    from ui import login

    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    con = db.connect(demo_copy)
    accounts.add_user(con, "boss", "admin", "Correct-Horse-42", display_name="王主任")
    at = app_test(None, demo_copy, "en")
    at.session_state["account"] = accounts.get_account(con, "boss")
    at.session_state[login.LAST_SEEN] = time.time()
    at.switch_page(PAGE)
    at.run()
    customer_id = warning_list(at).iloc[0]["Customer ID"]
    at.selectbox(key="warnings-fu-customer").set_value(customer_id).run()
    assert not [w for w in at.text_input if w.key == "warnings-fu-by"]  # nobody types another's name
    assert "By: 王主任" in [c.value for c in at.caption]
    # By position: AppTest formats option labels outside the session, in the default language.
    at.selectbox(key="warnings-fu-status").select_index(FOLLOWUP_STATUSES.index("acknowledged"))
    at.button[[b.label for b in at.button].index("Save follow-up")].click().run()
    assert not at.exception
    stored = db.query(con, "SELECT customer_id, made_by FROM warning_followups")
    assert stored.to_dict("records") == [{"customer_id": customer_id, "made_by": "王主任"}]
    log = audit.read(con)
    entry = log[log["action"] == "followup"]
    assert entry["user_name"].tolist() == ["boss"]
    assert f'"customer_id": "{customer_id}"' in entry["detail"].iloc[0]
