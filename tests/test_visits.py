"""Visit compliance by class and team, visits per day, method mix and customers not seen,
on the hand-built book of test_scorecard (March 2025)."""

import copy
from datetime import date

import pandas as pd
import pytest

from analytics import config, visits
from tests.test_scorecard import MARCH, book

__all__ = ["book"]


@pytest.fixture
def settings():
    return copy.deepcopy(config.defaults())


def test_compliance_by_team_and_class(book, settings):
    frame = visits.compliance_by_class(book, MARCH, settings).set_index(["team", "customer_class"])
    core = frame.loc[("East", "core")]
    assert core["customers"] == 2 and core["compliant_customers"] == 1  # a yes, b no
    assert core["visits"] == 3 and core["duration_compliance"] == pytest.approx(2 / 3)
    assert core["appointment_compliance"] == pytest.approx(1 / 3)
    regular = frame.loc[("East", "regular")]
    # c (Feb 9, counts), e (Jan 20, does not), f (no class -> regular, Mar 10)
    assert regular["customers"] == 3 and regular["frequency_compliance"] == pytest.approx(2 / 3)
    assert regular["visits"] == 2 and regular["duration_compliance"] == 1.0  # d (closed) 10 min, f 12 min
    assert pd.isna(regular["appointment_compliance"])  # regular needs none
    west = frame.loc[("West", "potential")]
    assert west["customers"] == 1 and west["frequency_compliance"] == 0 and west["visits"] == 0


def test_class_filter(book, settings):
    only_core = MARCH.__class__(start=MARCH.start, end=MARCH.end, classes=("core",))
    frame = visits.compliance_by_class(book, only_core, settings)
    assert frame["customer_class"].tolist() == ["core"]


def test_visits_per_day(book):
    days = visits.visits_per_day(book, MARCH).set_index("date")
    assert len(days) == 31
    assert days.loc[pd.Timestamp("2025-03-03"), "visits"] == 2
    assert days.loc[pd.Timestamp("2025-03-05"), "onsite_visits"] == 0
    assert days["visits"].sum() == 5


def test_method_mix(book):
    mix = visits.method_mix(book, MARCH)
    m1 = mix[mix["manager_id"] == "M1"].set_index("method")
    assert m1["visits"].to_dict() == {"online": 1, "onsite": 3}
    assert m1["share"].to_dict() == pytest.approx({"online": 0.25, "onsite": 0.75})
    assert mix[mix["manager_id"] == "M2"]["visits"].tolist() == [1]


def test_never_visited_in_the_coverage_window(book, settings):
    frame = visits.never_visited(book, MARCH, settings)
    # window Feb 1 - Mar 31: g never seen (first), e last seen Jan 20; d is closed
    assert frame["customer_id"].tolist() == ["g", "e"]
    assert frame.loc[1, "last_visit"] == pd.Timestamp("2025-01-20")
    assert frame.loc[1, "sales"] == 200.0


def test_coverage_window_months(settings):
    assert visits.coverage_window(date(2025, 3, 15), settings) == (date(2025, 2, 1), date(2025, 4, 1))
    settings["workload"]["coverage_window_months"] = 3
    assert visits.coverage_window(date(2025, 1, 31), settings) == (date(2024, 11, 1), date(2025, 2, 1))


def test_empty_period(book, settings):
    empty = MARCH.with_period(date(2030, 1, 1), date(2030, 1, 31))
    assert visits.visits_per_day(book, empty)["visits"].sum() == 0
    assert visits.method_mix(book, empty).empty


def test_month_split_and_order_amounts(book):
    assert visits.month_split(date(2025, 1, 5), date(2025, 3, 19)) == (
        [date(2025, 2, 1)],
        [(date(2025, 1, 5), date(2025, 1, 31)), (date(2025, 3, 1), date(2025, 3, 19))],
    )
    assert visits.month_split(date(2025, 1, 1), date(2025, 2, 28)) == (
        [date(2025, 1, 1), date(2025, 2, 1)],
        [],
    )
    sums = visits.customer_amounts(book, date(2025, 1, 5), date(2025, 3, 19))
    assert list(sums.itertuples(index=False, name=None)) == [("a", 110.0), ("b", 40.0), ("e", 200.0)]
    # a's Mar 20 is after the end
    assert visits.customer_amounts(book, None, date(2025, 3, 19)).empty
    context, _ = visits.range_values(date(2025, 1, 5), date(2025, 3, 19), "amounts")
    assert context == {"amounts_months": True, "amounts_parts": 2}


def test_calendar_grid():
    days = pd.DataFrame(
        {"date": pd.to_datetime(["2025-03-02", "2025-03-03", "2025-03-05"]), "visits": [1, 2, 3]}
    )
    grid = visits.calendar_grid(days)
    # Mar 2 is a Sunday (week of Feb 24), Mar 3 a Monday and Mar 5 a Wednesday (week of Mar 3)
    assert grid.index.tolist() == list(range(7))
    assert grid.columns.tolist() == ["2025-02-24", "2025-03-03"]
    assert (
        grid.loc[6, "2025-02-24"] == 1 and grid.loc[0, "2025-03-03"] == 2 and grid.loc[2, "2025-03-03"] == 3
    )
    assert pd.isna(grid.loc[1, "2025-03-03"]) and pd.isna(grid.loc[0, "2025-02-24"])


def test_the_compliance_chart_shows_all_teams_together_when_there_are_too_many():
    compliance = pd.DataFrame(
        {
            "team": ["A", "A", "B", "B", "C"],
            "customer_class": ["key", "regular", "key", "regular", "key"],
            "customers": [4, 10, 6, 0, 10],
            "compliant_customers": [2, 5, 3, 0, 10],
        }
    )
    by_team = visits.compliance_chart_rows(compliance, most_teams=3)
    # A class without open customers (B regular) has no bar.
    assert by_team[["team", "customer_class"]].values.tolist() == [
        ["A", "key"],
        ["A", "regular"],
        ["B", "key"],
        ["C", "key"],
    ]
    assert by_team["frequency_compliance"].tolist() == [0.5, 0.5, 0.5, 1.0]
    together = visits.compliance_chart_rows(compliance, most_teams=2)
    assert together["team"].isna().all()
    # key: (2 + 3 + 10) of (4 + 6 + 10) customers; regular: 5 of 10.
    assert dict(zip(together["customer_class"], together["frequency_compliance"], strict=True)) == {
        "key": 15 / 20,
        "regular": 0.5,
    }
