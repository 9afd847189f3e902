"""Drill-down (issue 19): the Customer and Manager pages through AppTest in both languages, the
suggested actions, the sparkline and cohort tables, round axis ticks and reading a chart click."""

from __future__ import annotations

import os
from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest

from analytics import classes, db, inventory, pareto, scorecard, suggestions, warnings
from analytics.customer_actions import CustomerFindings, suggested_actions
from analytics.filters import Filters
from analytics.i18n import t
from analytics.trends import cohort_curve, score_sparklines
from tests.conftest import ROOT
from ui import drill
from ui.charts import nice_axis

CUSTOMER, MANAGER = "pages/customer.py", "pages/manager.py"


def item_page(page: str, db_path, lang: str, **query: str):
    """An AppTest of dashboard.py switched to `page` with `query` in the link."""
    from streamlit.testing.v1 import AppTest

    os.environ["DASHBOARD_DB"] = str(db_path)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180)
    at.session_state["lang"] = lang
    at.run()
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    return at


# ------------------------------------------------------------------ suggested actions


def test_suggested_actions_most_pressing_first():
    found = CustomerFindings(
        warning_reasons="已 60 天未订货",
        followup_status="contacted",
        due_date=date(2026, 11, 20),
        days_overdue=10,
        assigned_class="core",
        recommended_class="regular",
        products=("红塔山(经典)", "芙蓉王(硬)"),
        orders=(("玉溪(软)", 12.0), ("中华(硬)", 0.0)),
    )
    assert suggested_actions(found, "en") == [
        "Keep following up the loss warning (now: Contacted): 已 60 天未订货",
        "Plan a visit: 10 days overdue (due by 2026-11-20).",
        "Review the class: now Core, the rules suggest Regular.",
        "Offer these products: 红塔山(经典), 芙蓉王(硬).",
        "Propose orders: 玉溪(软) × 12.",  # nothing to order of the second
    ]
    assert suggested_actions(found, "zh")[2] == "核对客户分类：当前为核心客户，规则建议为常规客户。"


def test_suggested_actions_when_nothing_is_pressing():
    calm = CustomerFindings(
        due_date=date(2026, 12, 20), days_overdue=0, assigned_class="core", recommended_class="core"
    )
    assert suggested_actions(calm, "en") == ["Nothing pressing."]
    assert suggested_actions(CustomerFindings(), "zh") == ["暂无紧急事项。"]
    new = suggested_actions(CustomerFindings(warning_reasons="r"), "en")
    assert new == ["Follow up the loss warning (not followed up yet): r"]
    unclassed = suggested_actions(CustomerFindings(recommended_class="assist"), "en")
    assert unclassed == ["Review the class: now (no class), the rules suggest Assist."]


# ------------------------------------------------------------------ trends


def test_score_sparklines_rank_by_the_latest_month():
    months = pd.to_datetime(["2026-09-01", "2026-10-01", "2026-11-01"])
    trend = pd.DataFrame(
        {
            "month": list(months) * 3,
            "manager_id": ["M1"] * 3 + ["M2"] * 3 + ["M3"] * 3,
            "manager_name": ["Li"] * 3 + ["Wang"] * 3 + ["Zhao"] * 3,
            "team": ["East"] * 6 + ["West"] * 3,
            "score": [70.0, 75.0, 80.0, 90.0, None, 85.0, 60.0, 65.0, None],
        }
    )
    lines = score_sparklines(trend)
    assert lines["manager_id"].tolist() == ["M2", "M1", "M3"]  # 85, 80, then no score last
    assert lines["scores"].tolist() == [[90.0, None, 85.0], [70.0, 75.0, 80.0], [60.0, 65.0, None]]
    assert lines["change"].tolist()[1] == 5.0
    assert pd.isna(lines["change"].iloc[0]) and pd.isna(lines["latest"].iloc[2])
    assert lines.attrs["months"] == ["2026-09", "2026-10", "2026-11"]
    assert score_sparklines(trend.iloc[0:0]).empty


def test_cohort_curve_weights_by_cohort_size():
    cohorts = pd.DataFrame(
        {
            "cohort": ["2026-01"] * 2 + ["2026-02"] * 2,
            "cohort_size": [10, 10, 30, 30],
            "months_after": [0, 1, 0, 1],
            "still_ordering": [10, 5, 30, 27],
            "share": [1.0, 0.5, 1.0, 0.9],
        }
    )
    curve = cohort_curve(cohorts)
    assert curve["months_after"].tolist() == [0, 1]
    assert curve["share"].tolist() == [1.0, pytest.approx(32 / 40)]
    assert curve["low"].tolist() == [1.0, 0.5] and curve["high"].tolist() == [1.0, 0.9]
    assert curve["cohorts"].tolist() == [2, 2]


def test_nice_axis_ticks_are_round():
    assert nice_axis(925) == {"range": [0, 1000], "tickmode": "linear", "tick0": 0, "dtick": 200}
    assert nice_axis(62)["dtick"] == 20 and nice_axis(62)["range"] == [0, 80]
    assert nice_axis(1234)["dtick"] == 250
    assert nice_axis(0)["range"] == [0, 1]


def test_picked_reads_the_ids_of_a_click():
    event = SimpleNamespace(
        selection=SimpleNamespace(
            points=[
                {"customdata": ["C1", "Shop"]},
                {"customdata": "M2"},  # a heat-map cell
                {"customdata": ["C1", "Shop"]},
                {"customdata": [float("nan")]},
                {"x": 3},
            ]
        )
    )
    assert drill.picked(event) == ["C1", "M2"]
    assert drill.picked(None) == []
    assert drill.picked(SimpleNamespace(selection=SimpleNamespace(points=[]))) == []


# ------------------------------------------------------------------ the pages


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_customer_page_tells_one_customers_story(demo_db_path, settings_file, lang):
    con = db.connect(demo_db_path)
    at = item_page(CUSTOMER, demo_db_path, lang)
    filters = at.session_state["filters"]
    top = pareto.customer_values(con, filters, "amount").iloc[0]
    at = item_page(CUSTOMER, demo_db_path, lang, customer=top["customer_id"])
    assert not at.exception
    assert at.title[0].value == t("drill.customer_title", lang)
    assert at.header[0].value == f"{top['customer_name']} ({top['customer_id']})"
    assert at.query_params["customer"] == top["customer_id"]  # kept in the link
    headings = [s.value for s in at.subheader]
    assert headings[:3] == [t(f"drill.{k}", lang) for k in ("actions_title", "warnings_title", "class_title")]
    assert len(at.get("plotly_chart")) == 1  # the monthly value by ABC class
    # The class check says what the rules say.
    as_of = warnings.as_of_date(con, filters)
    check = classes.recommend_classes(con, Filters(start=filters.start, end=filters.end), as_of)
    row = check[check["customer_id"] == top["customer_id"]].iloc[0]
    shown = [m.value for m in at.success] + [m.value for m in at.warning]
    assigned = t(f"common.class_{row['assigned_class']}", lang)
    if row["matches"]:
        assert t("drill.class_matches", lang, cls=assigned) in shown
    else:
        recommended = t(f"common.class_{row['recommended_class']}", lang)
        assert t("drill.class_differs", lang, assigned=assigned, recommended=recommended) in shown
    # Product-mix suggestions and inventory guidance, as the functions give them.
    expected = suggestions.suggest(con, top["customer_id"], filters.end)
    if expected.empty:
        assert t("pareto.detail_suggestions_none", lang) in [c.value for c in at.caption]
    else:
        table = next(f.value for f in at.dataframe if t("standard.col_peer_share", lang) in f.value.columns)
        assert table[t("standard.col_product", lang)].tolist() == expected["product"].tolist()
    guidance = inventory.customer_guidance(con, top["customer_id"], filters.end)
    if not guidance.empty:
        column = t("standard.col_suggested_order", lang)
        table = next(f.value for f in at.dataframe if column in f.value.columns)
        assert table[column].tolist() == guidance["suggested_order"].tolist()
        positive = guidance[guidance["suggested_order"] > 0]
        if not positive.empty:
            actions = at.markdown[0].value
            assert str(positive["product"].iloc[0]) in actions


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_customer_page_without_a_customer_or_with_an_unknown_one(demo_db_path, settings_file, lang):
    at = item_page(CUSTOMER, demo_db_path, lang)
    assert not at.exception
    assert t("drill.customer_none", lang) in [i.value for i in at.info]
    assert not at.get("plotly_chart")
    at = item_page(CUSTOMER, demo_db_path, lang, customer="NO-SUCH-CUSTOMER")
    assert not at.exception
    assert [w.value for w in at.warning] == [t("drill.customer_unknown", lang)]
    assert "NO-SUCH-CUSTOMER" not in [h.value for h in at.header]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_manager_page_tells_one_managers_story(demo_db_path, settings_file, lang):
    at = item_page(MANAGER, demo_db_path, lang, manager_id="M002")
    assert not at.exception
    assert at.title[0].value == t("drill.manager_title", lang)
    assert at.header[0].value.endswith("(M002)")
    filters = at.session_state["filters"]
    card = scorecard.scorecard(db.connect(demo_db_path), filters)
    mine = card[card["manager_id"] == "M002"].iloc[0]
    tiles = {m.label: m.value for m in at.metric}
    assert tiles[t("scorecard.col_rank", lang)] == f"{int(mine['rank'])} / {len(card)}"
    # The items, each with its last 12 months; the overdue list; the manager's customers.
    items = at.dataframe[0].value
    trend = items[t("drill.item_trend", lang)]
    expected = scorecard.manager_items(
        db.connect(demo_db_path), Filters(start=filters.start, end=filters.end), "M002"
    )
    scored = expected[expected["score"].notna()]  # an item without data (no complaints) is left out
    assert items[t("scorecard.col_item", lang)].tolist() == [
        t(f"scorecard.item_{i}", lang) for i in scored["item"]
    ]
    assert all(len(v) == 12 for v in trend)
    assert "None" not in items.astype(str).to_numpy().ravel().tolist()
    headings = [m.value for m in at.markdown]
    assert f"**{t('scorecard.overdue_title', lang)}**" in headings
    # The overdue list carries the visit plan's guidance columns.
    plan = (t("standard.col_suggested_products", lang), t("standard.col_suggested_orders", lang))
    overdue = next(frame.value for frame in at.dataframe if set(plan) <= set(frame.value.columns))
    assert len(overdue) > 0
    assert overdue[plan[0]].str.len().gt(0).any()  # the demo's peers buy what some do not
    # The manager's new-product cultivation (the demo launched 3 products lately).
    assert f"**{t('scorecard.new_products_title', lang)}**" in headings
    assert t("standard.col_target_customers", lang) in tiles
    assert t("drill.customers_of_manager", lang) in [s.value for s in at.subheader]
    customers = at.dataframe[-1].value
    assert len(customers) > 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_manager_page_with_an_unknown_manager(demo_db_path, settings_file, lang):
    at = item_page(MANAGER, demo_db_path, lang, manager_id="M999")
    assert not at.exception
    assert [w.value for w in at.warning] == [t("drill.manager_unknown", lang)]
    assert not at.metric and not at.dataframe
