"""Periods and customer scope."""

from datetime import date, timedelta

import pytest

from analytics import sql
from analytics.filters import Filters, data_ends_before, latest_full_month, period_dates
from tests.conftest import insert


def test_period_presets_count_from_today():
    today = date(2025, 6, 18)
    assert period_dates("this_month", today) == (date(2025, 6, 1), today)
    assert period_dates("last_month", today) == (date(2025, 5, 1), date(2025, 5, 31))
    assert period_dates("last_3_months", today) == (date(2025, 3, 1), date(2025, 5, 31))
    assert period_dates("year_to_date", today) == (date(2025, 1, 1), today)
    assert period_dates("last_12_months", today) == (date(2024, 6, 1), date(2025, 5, 31))
    with pytest.raises(ValueError):
        period_dates("custom", today)


def test_this_month_is_not_last_month_early_in_a_month():
    # 2 December, data until 30 November: "this month" is December (to date), "last month" November.
    today = date(2026, 12, 2)
    assert period_dates("this_month", today) == (date(2026, 12, 1), today)
    assert period_dates("last_month", today) == (date(2026, 11, 1), date(2026, 11, 30))
    assert period_dates("last_month", date(2026, 1, 1)) == (date(2025, 12, 1), date(2025, 12, 31))


def test_the_page_says_when_the_data_ends_before_the_period():
    span = (date(2024, 1, 1), date(2025, 10, 31))
    assert data_ends_before(date(2025, 11, 30), span) == date(2025, 10, 31)
    assert data_ends_before(date(2025, 10, 31), span) is None
    assert data_ends_before(date(2025, 9, 30), span) is None
    assert data_ends_before(date(2025, 11, 30), None) is None
    assert data_ends_before(None, span) is None


def test_latest_full_month():
    assert latest_full_month(date(2025, 6, 30)) == (date(2025, 6, 1), date(2025, 6, 30))
    assert latest_full_month(date(2025, 6, 29)) == (date(2025, 5, 1), date(2025, 5, 31))
    assert latest_full_month(date(2025, 1, 5)) == (date(2024, 12, 1), date(2024, 12, 31))


def test_previous_period_and_last_year():
    f = Filters(start=date(2025, 3, 1), end=date(2025, 3, 31))
    assert f.days == 31
    prev = f.previous_period()
    assert (prev.start, prev.end) == (date(2025, 2, 1), date(2025, 2, 28))  # a whole month: the month before
    quarter = Filters(start=date(2025, 1, 1), end=date(2025, 3, 31)).previous_period()
    assert (quarter.start, quarter.end) == (date(2024, 10, 1), date(2024, 12, 31))
    days = Filters(start=date(2025, 3, 5), end=date(2025, 3, 14)).previous_period()
    assert (days.start, days.end) == (date(2025, 2, 23), date(2025, 3, 4))  # 10 days before
    ly = Filters(start=date(2024, 2, 29), end=date(2024, 3, 1)).same_period_last_year()
    assert (ly.start, ly.end) == (date(2023, 2, 28), date(2023, 3, 1))


def test_customer_scope_by_team_manager_region_class(con):
    insert(
        con,
        "managers",
        [
            {"manager_id": "M1", "team": "East", "region": "R1"},
            {"manager_id": "M2", "team": "West", "region": "R2"},
        ],
    )
    insert(
        con,
        "customers",
        [
            {"customer_id": "a", "manager_id": "M1", "region": "R1", "customer_class": "core"},
            {"customer_id": "b", "manager_id": "M2", "region": "R2", "customer_class": "regular"},
            {"customer_id": "c", "manager_id": "M2", "region": "R1", "customer_class": "core"},
        ],
    )

    def ids(filters):
        return sorted(r[0] for r in sql.rows(con, "shared/customers_in_scope", filters=filters))

    assert ids(Filters()) == ["a", "b", "c"]
    assert ids(Filters(teams=("West",))) == ["b", "c"]
    assert ids(Filters(managers=("M1",))) == ["a"]
    assert ids(Filters(regions=("R1",))) == ["a", "c"]
    assert ids(Filters(classes=("core",), teams=("West",))) == ["c"]
    # a value that looks like SQL is only ever a bound parameter
    assert ids(Filters(teams=("x') OR TRUE --",))) == []


def sidebar(db_path, **query):
    """dashboard.py's first run (Overview) in English with the link's query."""
    import os

    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    os.environ["DASHBOARD_DB"] = str(db_path)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["lang"] = "en"
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_sidebar_periods_count_from_today_and_say_where_the_data_ends(demo_db_path):
    today = date.today()
    last_day = today.replace(day=1) - timedelta(days=1)  # the demo ends with last month
    this_month = sidebar(demo_db_path, period="this_month")
    captions = " ".join(c.value for c in this_month.sidebar.caption)
    assert f"{today.replace(day=1)} to {today}" in captions
    assert f"data until {last_day}" in captions
    assert f"data until {last_day}" in " ".join(c.value for c in this_month.main.caption)  # the page header
    last_month = sidebar(demo_db_path, period="last_month")
    captions = " ".join(c.value for c in last_month.sidebar.caption)
    assert f"{last_day.replace(day=1)} to {last_day}" in captions
    assert "data until" not in captions


def test_a_saved_link_with_a_period_outside_the_data_shows_the_last_full_month(demo_db_path):
    at = sidebar(demo_db_path, period="custom", start="2030-01-01", end="2030-01-31")
    last_day = date.today().replace(day=1) - timedelta(days=1)
    assert at.date_input(key="f_range_input").value == (last_day.replace(day=1), last_day)
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "2030-01-01 to 2030-01-31 is outside the data" in captions
    assert at.query_params["start"] == last_day.replace(day=1).isoformat()  # the link follows
