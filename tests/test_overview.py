"""Overview figures on a hand-built book, and the page in both languages."""

import os
import time
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from analytics import accounts, db, overview
from analytics.filters import Filters
from tests.conftest import app_test, insert
from ui import login

ROOT = Path(__file__).resolve().parent.parent

MARCH = Filters(start=date(2025, 3, 1), end=date(2025, 3, 31))


@pytest.fixture
def book(con):
    insert(
        con,
        "managers",
        [
            {"manager_id": "M1", "manager_name": "王", "team": "East"},
            {"manager_id": "M2", "manager_name": "李", "team": "West"},
        ],
    )
    insert(
        con,
        "customers",
        [
            {
                "customer_id": "a",
                "customer_name": "A店",
                "manager_id": "M1",
                "status": "active",
                "customer_class": "core",
            },
            {"customer_id": "b", "customer_name": "B店", "manager_id": "M1", "status": "active"},
            {"customer_id": "c", "customer_name": "C店", "manager_id": "M2", "status": "closed"},
            {"customer_id": "d", "customer_name": "D店", "manager_id": "M2", "status": "active"},
        ],
    )
    insert(
        con,
        "orders",
        [
            # March: a orders twice (two lines on the 3rd), b once; c once
            {"order_id": "1", "customer_id": "a", "order_date": date(2025, 3, 3), "amount": 100.0},
            {"order_id": "1", "customer_id": "a", "order_date": date(2025, 3, 3), "amount": 50.0},
            {"order_id": "2", "customer_id": "a", "order_date": date(2025, 3, 17), "amount": 150.0},
            {"order_id": "3", "customer_id": "b", "order_date": date(2025, 3, 31), "amount": 60.0},
            {"order_id": "4", "customer_id": "c", "order_date": date(2025, 3, 5), "amount": 40.0},
            # previous 31 days (Jan 29 - Feb 28): a once
            {"order_id": "5", "customer_id": "a", "order_date": date(2025, 2, 10), "amount": 200.0},
            {"order_id": "6", "customer_id": "a", "order_date": date(2025, 1, 28), "amount": 999.0},
        ],
    )
    insert(
        con,
        "visits",
        [
            {"customer_id": "a", "manager_id": "M1", "visit_date": datetime(2025, 3, 3, 9)},
            {"customer_id": "a", "manager_id": "M1", "visit_date": datetime(2025, 3, 31, 16)},
            {"customer_id": "c", "manager_id": "M2", "visit_date": datetime(2025, 3, 4, 9)},
            {"customer_id": "d", "manager_id": "M2", "visit_date": datetime(2025, 4, 1, 0)},
        ],
    )
    return con


def test_period_figures_by_hand(book):
    figures = overview.period_figures(book, MARCH)
    assert figures["sales"] == 400.0
    assert figures["active_customers"] == 3
    assert figures["orders"] == 4  # a on 3rd and 17th, b, c
    assert figures["visits"] == 3  # the 1 April visit is outside
    assert figures["visited_share"] == pytest.approx(1 / 3)  # open: a, b, d; visited: a


def test_tiles_compare_with_the_previous_period(book):
    tiles = {t.name: t for t in overview.overview_tiles(book, MARCH)}
    assert tiles["sales"].previous == 200.0
    assert tiles["sales"].change == pytest.approx(1.0)
    assert tiles["visits"].previous is not None and tiles["visits"].change is None
    assert len(tiles["sales"].trend) == 12
    assert tiles["sales"].trend[-1] == 400.0 and tiles["sales"].trend[-2] == 200.0
    assert tiles["sales"].trend[-3] == 999.0


def test_scope_filters_apply(book):
    west = Filters(start=MARCH.start, end=MARCH.end, teams=("West",))
    figures = overview.period_figures(book, west)
    assert figures["sales"] == 40.0
    assert figures["visited_share"] == 0.0  # d is open and not visited in March


def test_sales_by_team_and_top_customers(book):
    by_team = overview.monthly_sales_by_team(book, MARCH)
    march = by_team[by_team["month"] == pd.Timestamp("2025-03-01")].set_index("team")["sales"].to_dict()
    assert march == {"East": 360.0, "West": 40.0}
    top = overview.top_customers(book, MARCH, limit=2)
    assert top["customer_id"].tolist() == ["a", "b"]
    assert top["share"].tolist() == pytest.approx([300 / 400, 60 / 400])
    assert top["orders"].tolist() == [2, 1]


def test_empty_period_gives_no_figures(book):
    figures = overview.period_figures(book, Filters(start=date(2030, 1, 1), end=date(2030, 1, 31)))
    assert figures["sales"] is None and figures["active_customers"] == 0


@pytest.mark.parametrize("lang, title", [("zh", "总览"), ("en", "Overview")])
def test_page_on_empty_database(empty_db_path, lang, title):
    at = app_test(None, empty_db_path, lang)
    assert not at.exception
    assert at.title[0].value == title
    assert any("Data › Import" in i.value or "数据 › 导入" in i.value for i in at.info)


@pytest.mark.parametrize("lang, title", [("zh", "总览"), ("en", "Overview")])
def test_page_on_demo_database(demo_db_path, lang, title):
    at = app_test(None, demo_db_path, lang)
    assert not at.exception
    assert at.title[0].value == title
    labels = [m.label for m in at.metric]
    assert len(labels) == 5
    from analytics import db
    from ui.format import short_number

    expected = overview.period_figures(db.connect(demo_db_path), at.session_state["filters"])
    assert expected["sales"] > 0
    assert at.metric[0].value == short_number(expected["sales"], lang)
    assert at.metric[1].value == f"{expected['active_customers']:,.0f}"
    assert at.get("plotly_chart")


def open_with_link(db_path, params):
    import os

    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    os.environ["DASHBOARD_DB"] = str(db_path)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update(params)
    at.run()
    assert not at.exception
    return at


def test_filters_come_from_the_link_and_go_back_into_it(demo_db_path):
    teams = sorted(overview_teams(demo_db_path))
    first = open_with_link(demo_db_path, {"lang": "en", "period": "last_3_months", "team": [teams[0]]})
    filters = first.session_state["filters"]
    assert filters.teams == (teams[0],)
    assert filters.days > 80
    assert first.query_params["team"] in (teams[0], [teams[0]])
    assert first.query_params["period"] in ("last_3_months", ["last_3_months"])
    second = open_with_link(demo_db_path, {"lang": "en", "period": "last_3_months", "team": [teams[1]]})
    assert second.session_state["filters"].teams == (teams[1],)
    assert second.metric[0].value != first.metric[0].value


def test_custom_period_from_the_link(demo_db_path):
    at = open_with_link(
        demo_db_path, {"lang": "zh", "period": "custom", "start": "2025-03-01", "end": "2025-03-31"}
    )
    filters = at.session_state["filters"]
    assert (filters.start.isoformat(), filters.end.isoformat()) == ("2025-03-01", "2025-03-31")


def overview_teams(path):
    from analytics import db

    return [r[0] for r in db.rows(db.connect(path), "SELECT DISTINCT team FROM managers")]


def test_a_share_tile_changes_in_points(book):
    tiles = {t.name: t for t in overview.overview_tiles(book, MARCH)}
    share = tiles["visited_share"]
    assert share.is_share and not tiles["sales"].is_share
    assert share.share_change == pytest.approx(share.value - share.previous)
    assert tiles["sales"].share_change is None


def signed_in(db_path, account) -> AppTest:
    """The Overview on `db_path` with `account` signed in."""
    os.environ["DASHBOARD_DB"] = str(db_path)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["lang"] = "en"
    at.session_state["account"] = account
    at.session_state[login.LAST_SEEN] = time.time()
    at.run()
    return at


def test_only_an_account_that_may_clear_data_is_offered_the_demo(empty_db_path, monkeypatch):
    def offered(at: AppTest) -> bool:
        assert not at.exception
        return any(b.key == "overview-load-demo" for b in at.button)

    assert offered(app_test(None, empty_db_path, "en"))  # no accounts: the one-person tool
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    con = db.connect(empty_db_path)
    accounts.add_user(con, "boss", "admin", "Correct-Horse-42")
    accounts.add_user(con, "sup", "supervisor", "Correct-Horse-42", teams=["East"])
    assert not offered(signed_in(empty_db_path, accounts.get_account(con, "sup")))
    assert offered(signed_in(empty_db_path, accounts.get_account(con, "boss")))


def test_small_teams_are_folded_into_one_bar_per_month():
    months = [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01")]
    sales = {"A": (10.0, 20.0), "B": (50.0, 0.0), "C": (1.0, 2.0), "D": (4.0, 3.0)}
    by_team = pd.DataFrame(
        [
            {"month": m, "team": team, "sales": v}
            for team, values in sales.items()
            for m, v in zip(months, values, strict=True)
        ]
    )
    folded = overview.fold_small_teams(by_team, keep=2)
    # B (50) and A (30) kept, largest first; C (3) and D (7) summed per month as one row of 2 teams.
    assert folded["team"].tolist() == ["B", "B", "A", "A", None, None]
    assert folded["sales"].tolist() == [50.0, 0.0, 10.0, 20.0, 5.0, 5.0]
    assert folded["teams"].tolist() == [1, 1, 1, 1, 2, 2]
    assert folded["sales"].sum() == by_team["sales"].sum()
    assert overview.fold_small_teams(by_team, keep=4)["teams"].eq(1).all()
