"""Periods and customer scope."""

from datetime import date

from analytics import sql
from analytics.filters import Filters, latest_full_month, period_dates
from tests.conftest import insert


def test_period_presets_relative_to_the_latest_data_day():
    anchor = date(2025, 6, 18)
    assert period_dates("this_month", anchor) == (date(2025, 6, 1), anchor)
    assert period_dates("last_month", anchor) == (date(2025, 5, 1), date(2025, 5, 31))
    assert period_dates("last_3_months", anchor) == (date(2025, 4, 1), anchor)
    assert period_dates("year_to_date", anchor) == (date(2025, 1, 1), anchor)
    assert period_dates("last_12_months", anchor) == (date(2024, 7, 1), anchor)


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
