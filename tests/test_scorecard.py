"""Manager scorecard figures on a hand-built book, checked against answers worked out on paper."""

import copy
import io
from contextlib import redirect_stdout
from datetime import date, datetime

import pandas as pd
import pytest

from analytics import config, scorecard
from analytics.__main__ import main as cli_main
from analytics.filters import Filters
from analytics.scorecard import figures as scorecard_figures
from tests.conftest import insert

MARCH = Filters(start=date(2025, 3, 1), end=date(2025, 3, 31))  # 31 days
FEBRUARY = Filters(start=date(2025, 2, 1), end=date(2025, 2, 28))  # 28 days


@pytest.fixture
def settings():
    return copy.deepcopy(config.defaults())


def visit(customer, manager, when, method="onsite", minutes=None, booked=None):
    return {
        "customer_id": customer,
        "manager_id": manager,
        "visit_date": when,
        "method": method,
        "duration_min": minutes,
        "appointment_date": booked,
    }


@pytest.fixture
def book(con):
    """M1 and M2 (team East) and M3 (West, no visits). Period of interest: March 2025."""
    insert(
        con,
        "managers",
        [
            {"manager_id": "M1", "manager_name": "王", "team": "East"},
            {"manager_id": "M2", "manager_name": "李", "team": "East"},
            {"manager_id": "M3", "manager_name": "张", "team": "West"},
        ],
    )
    insert(
        con,
        "customers",
        [
            {"customer_id": "a", "manager_id": "M1", "customer_class": "core", "status": "active"},
            {"customer_id": "b", "manager_id": "M1", "customer_class": "core", "status": "active"},
            {"customer_id": "c", "manager_id": "M1", "customer_class": "regular", "status": "active"},
            {"customer_id": "d", "manager_id": "M1", "customer_class": "regular", "status": "closed"},
            {"customer_id": "e", "manager_id": "M2", "customer_class": "regular", "status": "active"},
            {"customer_id": "f", "manager_id": "M2", "customer_class": None, "status": None},
            {"customer_id": "g", "manager_id": "M3", "customer_class": "potential", "status": "active"},
        ],
    )
    insert(
        con,
        "visits",
        [
            # a (core): two visits in March -> compliant; 18 min in range, 25 min not;
            # booked 2 days ahead (ok for lead 1), then the same day (not ok)
            visit("a", "M1", datetime(2025, 3, 3, 9), minutes=18, booked=datetime(2025, 3, 1, 10)),
            visit("a", "M1", datetime(2025, 3, 17, 9), minutes=25, booked=datetime(2025, 3, 17, 8)),
            # b (core): one visit -> not compliant; no appointment
            visit("b", "M1", datetime(2025, 3, 3, 15), minutes=15),
            # c (regular, 60 days): a visit 50 days before the period's end counts
            visit("c", "M1", datetime(2025, 2, 9, 10), method="phone", minutes=5),
            # d (closed): M1's visit counts for M1's work, not for compliance
            visit("d", "M1", datetime(2025, 3, 5, 10), method="online", minutes=10),
            # e (regular): a visit 70 days before the period's end does not count
            visit("e", "M2", datetime(2025, 1, 20, 10), method="phone"),
            # f (no class -> regular): one on-site visit of 12 minutes
            visit("f", "M2", datetime(2025, 3, 10, 10), minutes=12),
        ],
    )
    insert(
        con,
        "orders",
        [
            {"customer_id": "a", "order_date": date(2025, 3, 5), "amount": 100.0},
            {"customer_id": "a", "order_date": date(2025, 3, 20), "amount": 50.0},
            {"customer_id": "a", "order_date": date(2024, 3, 10), "amount": 100.0},
            {"customer_id": "a", "order_date": date(2025, 2, 10), "amount": 10.0},
            {"customer_id": "b", "order_date": date(2025, 1, 10), "amount": 40.0},
            {"customer_id": "c", "order_date": date(2024, 11, 1), "amount": 30.0},
            {"customer_id": "e", "order_date": date(2025, 3, 10), "amount": 200.0},
            {"customer_id": "e", "order_date": date(2024, 3, 12), "amount": 250.0},
        ],
    )
    insert(
        con,
        "targets",
        [
            {"manager_id": "M1", "month": "2025-03", "sales_target": 300.0},
            {"manager_id": "M1", "month": "2025-04", "sales_target": 999.0},
        ],
    )
    return con


def card_of(con, filters, settings):
    return scorecard.scorecard(con, filters, settings).set_index("manager_id")


# ------------------------------------------------------------------ compliance windows


def test_core_customer_in_28_days_needs_two_visits(con, settings):
    insert(con, "managers", [{"manager_id": "M1"}])
    insert(
        con,
        "customers",
        [
            {"customer_id": "two", "manager_id": "M1", "customer_class": "core"},
            {"customer_id": "one", "manager_id": "M1", "customer_class": "core"},
        ],
    )
    insert(
        con,
        "visits",
        [
            visit("two", "M1", datetime(2025, 2, 1, 9)),
            visit("two", "M1", datetime(2025, 2, 28, 9)),
            visit("one", "M1", datetime(2025, 2, 14, 9)),
            visit("one", "M1", datetime(2025, 1, 31, 9)),  # the day before the period
        ],
    )
    card = card_of(con, FEBRUARY, settings)
    assert card.loc["M1", "frequency_compliance"] == pytest.approx(0.5)
    solo = card_of(con, Filters(start=FEBRUARY.start, end=FEBRUARY.end, classes=("core",)), settings)
    assert solo.loc["M1", "customers"] == 2


def test_window_rule_for_regular_customers_in_a_one_month_period(book, settings):
    card = card_of(book, MARCH, settings)
    assert card.loc["M1", "frequency_compliance"] == pytest.approx(2 / 3)  # a and c, not b
    assert card.loc["M2", "frequency_compliance"] == pytest.approx(1 / 2)  # f, not e (70 days)
    assert card.loc["M3", "frequency_compliance"] == 0.0


def test_longer_period_expects_more_visits(book, settings):
    # Jan 1 - Mar 31 = 90 days: a regular customer needs floor(90/60) = 1 visit, a core one 6
    card = card_of(book, Filters(start=date(2025, 1, 1), end=date(2025, 3, 31)), settings)
    assert card.loc["M1", "frequency_compliance"] == pytest.approx(1 / 3)  # only c
    assert card.loc["M2", "frequency_compliance"] == pytest.approx(1.0)  # e (Jan 20) and f


# ------------------------------------------------------------------ workload and visits


def test_field_days_count_only_on_site_visits(book, settings):
    card = card_of(book, MARCH, settings)
    assert card.loc["M1", "visits"] == 4  # a, a, b, d (c's visit is in February)
    assert card.loc["M1", "field_days_per_week"] == pytest.approx(2 / (31 / 7))  # Mar 3 and 17
    assert card.loc["M1", "visits_per_field_day"] == pytest.approx(3 / 2)
    assert card.loc["M2", "field_days_per_week"] == pytest.approx(1 / (31 / 7))


def test_duration_and_appointment_compliance(book, settings):
    card = card_of(book, MARCH, settings)
    assert card.loc["M1", "duration_compliance"] == pytest.approx(3 / 4)  # 18, 15, 10 in; 25 out
    assert card.loc["M1", "appointment_compliance"] == pytest.approx(1 / 3)  # core visits: 1 of 3
    assert pd.isna(card.loc["M2", "appointment_compliance"])  # regular needs none
    assert card.loc["M2", "duration_compliance"] == 1.0


def test_no_appointment_data_leaves_the_figure_empty(con, settings):
    insert(con, "managers", [{"manager_id": "M1"}])
    insert(con, "customers", [{"customer_id": "a", "manager_id": "M1", "customer_class": "core"}])
    insert(con, "visits", [visit("a", "M1", datetime(2025, 3, 3, 9))])
    assert pd.isna(card_of(con, MARCH, settings).loc["M1", "appointment_compliance"])


def test_coverage_looks_at_two_calendar_months(book, settings):
    card = card_of(book, MARCH, settings)
    assert card.loc["M1", "coverage"] == 1.0  # a, b in March; c on Feb 9
    assert card.loc["M2", "coverage"] == 0.5  # f; e last seen in January
    one_month = copy.deepcopy(settings)
    one_month["workload"]["coverage_window_months"] = 1
    assert card_of(book, MARCH, one_month).loc["M1", "coverage"] == pytest.approx(2 / 3)


def test_manager_without_visits(book, settings):
    row = card_of(book, MARCH, settings).loc["M3"]
    assert row["customers"] == 1 and row["visits"] == 0
    assert row["coverage"] == 0 and row["field_days_per_week"] == 0 and row["visits_per_field_day"] == 0
    assert pd.isna(row["duration_compliance"]) and pd.isna(row["growth_yoy"])
    assert row["sales"] == 0 and pd.isna(row["target_attainment"])
    # coverage, frequency, field days and visits per field day score 0; nothing else has data
    assert row["score"] == 0 and row["status"] == "behind" and row["rank"] == 3


# ------------------------------------------------------------------ sales and customers


def test_sales_growth_targets_and_customers(book, settings):
    card = card_of(book, MARCH, settings)
    m1, m2 = card.loc["M1"], card.loc["M2"]
    assert m1["sales"] == 150 and m1["growth_yoy"] == pytest.approx(0.5)
    assert m1["target_attainment"] == pytest.approx(0.5)
    assert m1["active_customers"] == 1
    assert m1["lost_customers"] == 2  # c (no order since Nov), d (closed)
    assert m1["retention"] == pytest.approx(1 / 3)  # base a, b, c; a ordered again
    assert m2["growth_yoy"] == pytest.approx(-0.2) and pd.isna(m2["target_attainment"])
    assert m2["lost_customers"] == 0 and m2["retention"] == 1.0


def test_targets_of_partial_months_are_prorated(book, settings):
    insert(
        book,
        "targets",
        [
            {"manager_id": "M2", "month": "2025-03", "sales_target": 310.0},
            {"manager_id": "M2", "month": "2025-04", "sales_target": 300.0},
        ],
    )
    # Mar 16 - Apr 15: 16/31 of March (160) + 15/30 of April (150); sales 0
    card = card_of(book, Filters(start=date(2025, 3, 16), end=date(2025, 4, 15)), settings)
    assert card.loc["M2", "target"] == pytest.approx(310.0)
    e_only = card_of(book, Filters(start=date(2025, 3, 1), end=date(2025, 3, 15)), settings)
    assert e_only.loc["M2", "target"] == pytest.approx(150.0)
    assert e_only.loc["M2", "target_attainment"] == pytest.approx(200 / 150)


# ------------------------------------------------------------------ scores


def test_composite_by_hand(book, settings):
    m1 = card_of(book, MARCH, settings).loc["M1"]
    parts = {
        "coverage": 100,
        "frequency_compliance": 200 / 3,
        "duration_compliance": 75,
        "field_days": 100 * (14 / 31) / 3,
        "visits_per_field_day": 10,
        "sales_growth": 100,
        "target_attainment": 50,
        "retention": 100 / 3,
    }
    weights = settings["scorecard"]["weights"]
    expected = sum(weights[k] * v for k, v in parts.items()) / 100
    assert m1["score"] == pytest.approx(expected)
    assert m1["status"] == "behind"


def test_items_without_data_are_dropped_and_weights_renormalised(book, settings):
    m2 = card_of(book, MARCH, settings).loc["M2"]
    assert m2["score_sales_growth"] == pytest.approx(80)  # growth -20 %
    assert pd.isna(m2["score_target_attainment"])
    parts = {
        "coverage": 50,
        "frequency_compliance": 50,
        "duration_compliance": 100,
        "field_days": 100 * (7 / 31) / 3,
        "visits_per_field_day": 100 / 15,
        "sales_growth": 80,
        "retention": 100,
    }
    weights = settings["scorecard"]["weights"]
    expected = sum(weights[k] * v for k, v in parts.items()) / sum(weights[k] for k in parts)
    assert m2["score"] == pytest.approx(expected)


def test_item_scores_are_capped():
    figures = pd.DataFrame(
        {
            "coverage": [1.0],
            "frequency_compliance": [0.5],
            "duration_compliance": [None],
            "field_days_per_week": [4.5],
            "visits_per_field_day": [30.0],
            "growth_yoy": [0.3],
            "target_attainment": [1.4],
            "retention": [0.9],
        }
    )
    scores = scorecard.item_scores(figures, config.defaults()).iloc[0]
    assert scores["field_days"] == 100 and scores["visits_per_field_day"] == 100
    assert scores["sales_growth"] == 100 and scores["target_attainment"] == 100
    assert pd.isna(scores["duration_compliance"])
    falling = scorecard.item_scores(figures.assign(growth_yoy=[-1.5]), config.defaults()).iloc[0]
    assert falling["sales_growth"] == 0


def test_status_band_edges(settings):
    score = pd.Series([85.0, 84.99, 70.0, 69.99, None])
    assert scorecard.status_of(score, settings).tolist() == ["on_track", "at_risk", "at_risk", "behind", None]


def test_weights_change_the_rank(book, settings):
    coverage_only = copy.deepcopy(settings)
    coverage_only["scorecard"]["weights"] = {k: 0 for k in scorecard.ITEMS} | {"coverage": 100}
    duration_only = copy.deepcopy(settings)
    duration_only["scorecard"]["weights"] = {k: 0 for k in scorecard.ITEMS} | {"duration_compliance": 100}
    by_coverage = scorecard.scorecard(book, MARCH, coverage_only)
    by_duration = scorecard.scorecard(book, MARCH, duration_only)
    assert by_coverage["manager_id"].tolist() == ["M1", "M2", "M3"]
    assert by_coverage["rank"].tolist() == [1, 2, 3]
    assert by_duration["manager_id"].tolist() == ["M2", "M1", "M3"]  # M3: no timed visits, last
    assert pd.isna(by_duration.iloc[2]["score"])


def test_ties_rank_by_manager_id(con, settings):
    insert(con, "managers", [{"manager_id": "B"}, {"manager_id": "A"}])
    insert(
        con, "customers", [{"customer_id": "x", "manager_id": "B"}, {"customer_id": "y", "manager_id": "A"}]
    )
    card = scorecard.scorecard(con, MARCH, settings)
    assert card["manager_id"].tolist() == ["A", "B"] and card["rank"].tolist() == [1, 2]


def test_team_filter_and_team_averages(book, settings):
    east = scorecard.scorecard(book, Filters(start=MARCH.start, end=MARCH.end, teams=("East",)), settings)
    assert sorted(east["manager_id"]) == ["M1", "M2"]
    teams = scorecard.team_averages(scorecard.scorecard(book, MARCH, settings), settings)
    assert teams["team"].tolist() == ["East", "West"]
    assert teams.loc[0, "managers"] == 2
    assert teams.loc[0, "score"] == pytest.approx(east["score"].mean())
    assert teams["rank"].tolist() == [1, 2]


def test_monthly_scores_match_the_monthly_scorecard(book, settings):
    trend = scorecard.monthly_scores(book, MARCH, months=3, settings=settings)
    assert sorted(trend["month"].dt.strftime("%Y-%m").unique()) == ["2025-01", "2025-02", "2025-03"]
    march = trend[trend["month"] == pd.Timestamp("2025-03-01")].set_index("manager_id")["score"]
    card = card_of(book, MARCH, settings)
    assert march.to_dict() == pytest.approx(card["score"].to_dict())
    february = trend[trend["month"] == pd.Timestamp("2025-02-01")].set_index("manager_id")["score"]
    assert february.to_dict() == pytest.approx(card_of(book, FEBRUARY, settings)["score"].to_dict())


# ------------------------------------------------------------------ manager view


def test_overdue_list_and_visit_plan(book, settings):
    overdue = scorecard.overdue_list(book, "M1", date(2025, 4, 10), settings)
    # a: last Mar 17 + 14 = Mar 31 (10 days overdue); b: Mar 3 + 14 = Mar 17 (24);
    # c: Feb 9 + 60 = Apr 10 (0); d is closed
    assert overdue["customer_id"].tolist() == ["b", "a", "c"]
    assert overdue["days_overdue"].tolist() == [24, 10, 0]
    assert overdue.loc[overdue["customer_id"] == "a", "sales"].item() == 160.0
    plan = scorecard.visit_plan(book, "M1", date(2025, 3, 20), days=14, settings=settings)
    # as of Mar 20: b due Mar 17, a due Mar 31 (within two weeks), c due Apr 10 (later)
    assert plan["customer_id"].tolist() == ["b", "a"]


def test_weekday_pattern_and_visit_lengths(book, settings):
    days = scorecard.weekday_pattern(book, MARCH, "M1", settings).set_index("weekday")
    # Mar 3 and 17 are Mondays (3 on-site visits on 2 days); Mar 5 is a Wednesday (online)
    assert days.loc[0, "onsite_visits"] == 3 and days.loc[0, "field_days"] == 2
    assert days.loc[2, "visits"] == 1 and days.loc[2, "onsite_visits"] == 0
    assert days["suggested"].tolist() == [True, False, True, True, False, False, False]
    lengths = scorecard.visit_lengths(book, MARCH, "M1", settings)
    assert lengths.groupby("customer_class")["within"].sum().to_dict() == {"core": 2, "regular": 1}


def test_manager_items_against_the_standard(book, settings):
    items = scorecard.manager_items(book, MARCH, "M2", settings).set_index("item")
    assert items.loc["field_days", "standard"] == 3
    assert pd.isna(items.loc["target_attainment", "weight"])
    assert items["weight"].sum() == pytest.approx(100)


# ------------------------------------------------------------------ command line


def test_command_line_scorecard(book, settings_file, tmp_path):
    path = str(tmp_path / "test.duckdb")
    out = io.StringIO()
    with redirect_stdout(out):
        cli_main(["scorecard", "--db", path, "--start", "2025-03-01", "--end", "2025-03-31"])
    frame = pd.read_csv(io.StringIO(out.getvalue()), dtype={"target_attainment": "float64"})
    assert list(frame.columns) == scorecard.CLI_COLUMNS
    assert frame["rank"].tolist() == [1, 2, 3]
    m2 = frame.set_index("manager_id").loc["M2"]
    assert pd.isna(m2["target_attainment"]) and m2["growth_yoy"] == pytest.approx(-0.2)
    assert ",M2,李,East,2,1," in "," + out.getvalue().replace("\n", ",")


def test_command_line_overdue(book, settings_file, tmp_path):
    out = io.StringIO()
    with redirect_stdout(out):
        cli_main(
            ["overdue", "--db", str(tmp_path / "test.duckdb"), "--manager", "M1", "--as-of", "2025-04-10"]
        )
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("customer_id,customer_name,customer_class,interval_days,last_visit,due_date")
    assert lines[1].startswith("b,,core,14,2025-03-03,2025-03-17,24,")


def test_at_risk_counts_open_warnings(book, settings):
    from analytics.warnings import open_warnings_by_manager

    card = card_of(book, MARCH, settings)
    expected = open_warnings_by_manager(book, MARCH, as_of=MARCH.end, settings=settings)
    expected = expected.set_index("manager_id")["open_warnings"]
    # b (core) ordered in January and was last seen on Mar 3: 28 days > 14, a visit-overdue warning
    assert card.loc["M1", "at_risk_customers"] >= 1
    assert card.loc["M1", "at_risk_customers"] == expected.get("M1", 0)
    assert card.loc["M3", "at_risk_customers"] == expected.get("M3", 0)


# ------------------------------------------------------------------ periods not made of whole months


def test_periods_with_partial_months_read_the_right_days(book, settings):
    # Jan 5 - Mar 19: b Jan 10 (part of January), a Feb 10 (whole February), a Mar 5 (part of
    # March; a's Mar 20 is after the end), e Mar 10
    figures = scorecard.period_figures(
        book, MARCH, ((date(2025, 1, 5), date(2025, 3, 19)),), settings
    ).set_index("manager_id")
    m1, m2 = figures.loc["M1"], figures.loc["M2"]
    assert m1["sales"] == 150 and m1["active_customers"] == 2  # a and b
    assert m1["sales_last_year"] == 100 and m1["growth_yoy"] == pytest.approx(0.5)  # a, Mar 10 2024
    assert m1["retention"] == pytest.approx(1 / 2)  # base 2024: a, c
    assert m2["sales"] == 200 and m2["growth_yoy"] == pytest.approx(-0.2)  # e: 200 vs 250
    assert m2["active_customers"] == 1 and m2["retention"] == 1.0


def test_period_inside_one_month(book, settings):
    # Feb 10 - Mar 5: a Feb 10 and Mar 5; nothing last year; base Feb 2024 - Jan 2025: a, b, c / e
    figures = scorecard.period_figures(
        book, MARCH, ((date(2025, 2, 10), date(2025, 3, 5)),), settings
    ).set_index("manager_id")
    assert figures.loc["M1", "sales"] == 110 and figures.loc["M1", "active_customers"] == 1
    assert pd.isna(figures.loc["M1", "growth_yoy"])
    assert figures.loc["M1", "retention"] == pytest.approx(1 / 3)
    assert figures.loc["M2", "sales"] == 0 and figures.loc["M2", "retention"] == 0


def test_periods_split_into_groups_give_the_same_figures(book, settings, monkeypatch):
    periods = (
        *((date(2025, m, 1), date(2025, m, 28)) for m in range(1, 4)),
        (date(2024, 12, 15), date(2025, 3, 19)),
    )
    whole = scorecard.period_figures(book, MARCH, periods, settings)
    monkeypatch.setattr(scorecard_figures, "_MASK_MONTHS", 13)  # every period in its own group
    typed = config.as_settings(settings)
    dates = [scorecard_figures._period_dates(i, s, e, typed) for i, (s, e) in enumerate(periods)]
    assert len(scorecard_figures._mask_chunks(dates)) == 4
    pd.testing.assert_frame_equal(scorecard.period_figures(book, MARCH, periods, settings), whole)


def test_a_period_longer_than_the_month_mask(book, settings):
    # 2014-01-01 .. 2025-03-19: more months than the customer bit mask holds; the same orders count
    figures = scorecard.period_figures(
        book, MARCH, ((date(2014, 1, 1), date(2025, 3, 19)),), settings
    ).set_index("manager_id")
    assert figures.loc["M1", "sales"] == 100 + 10 + 40 + 30 + 100  # a's Mar 20 is after the end
    assert figures.loc["M1", "active_customers"] == 3  # a, b, c
    assert figures.loc["M2", "sales"] == 450


def lost_per_manager(con, filters, settings) -> dict:
    """lost_customers, checked against the same count in warnings.warning_counts."""
    from analytics.warnings import warning_counts

    lost = (
        scorecard.lost_customers(con, filters, settings).set_index("manager_id")["lost_customers"].to_dict()
    )
    counted = warning_counts(con, filters, filters.end, settings).set_index("manager_id")["lost_customers"]
    assert counted[counted > 0].to_dict() == {m: n for m, n in lost.items() if n > 0}
    return lost


def test_lost_customers_around_a_mid_month_cutoff(con, settings):
    insert(con, "managers", [{"manager_id": "M1"}])
    insert(con, "customers", [{"customer_id": c, "manager_id": "M1"} for c in ("x", "y", "z", "n")])
    insert(
        con,
        "orders",
        [
            {"customer_id": "x", "order_date": date(2024, 12, 20), "amount": 1.0},  # the cutoff day
            {"customer_id": "y", "order_date": date(2024, 12, 19), "amount": 1.0},  # the day before
            {"customer_id": "z", "order_date": date(2024, 11, 1), "amount": 1.0},
            {"customer_id": "z", "order_date": date(2025, 3, 19), "amount": 1.0},  # the end day
            {"customer_id": "n", "order_date": date(2025, 3, 20), "amount": 1.0},  # after the end
        ],
    )
    # end Mar 19 2025, 90 days: the cutoff is Dec 20 2024; only y is lost (n never ordered before)
    assert lost_per_manager(con, Filters(start=date(2025, 3, 1), end=date(2025, 3, 19)), settings) == {
        "M1": 1
    }


def test_visits_to_unknown_customers_count_without_a_customer_filter(book, settings):
    insert(book, "visits", [visit("zz", "M1", datetime(2025, 3, 4, 9), minutes=50)])
    card = card_of(book, MARCH, settings)
    assert card.loc["M1", "visits"] == 5
    assert card.loc["M1", "duration_compliance"] == pytest.approx(3 / 5)  # 50 min is too long for regular
    core = card_of(book, Filters(start=MARCH.start, end=MARCH.end, classes=("core",)), settings)
    assert core.loc["M1", "visits"] == 3  # a, a, b


def test_lost_customers_with_whole_months_and_a_cutoff_on_the_first(con, settings):
    insert(con, "managers", [{"manager_id": "M1"}])
    insert(con, "customers", [{"customer_id": c, "manager_id": "M1"} for c in ("p", "q", "r", "s")])
    insert(
        con,
        "orders",
        [
            {"customer_id": "p", "order_date": date(2025, 1, 15), "amount": 1.0},
            {"customer_id": "p", "order_date": date(2025, 4, 10), "amount": 1.0},  # a whole month inside
            {"customer_id": "q", "order_date": date(2025, 2, 28), "amount": 1.0},  # the day before the cutoff
            {"customer_id": "r", "order_date": date(2025, 3, 1), "amount": 1.0},  # the cutoff day only
            {"customer_id": "s", "order_date": date(2024, 12, 31), "amount": 1.0},
            {"customer_id": "s", "order_date": date(2025, 5, 30), "amount": 1.0},  # the end day
        ],
    )
    # end May 30 2025, 91 days: the cutoff is Mar 1 (April whole, May partly covered); only q is lost
    lost_days = {**settings, "warnings": {**settings.get("warnings", {}), "lost_after_days": 91}}
    assert lost_per_manager(con, Filters(start=date(2025, 5, 1), end=date(2025, 5, 30)), lost_days) == {
        "M1": 1
    }
    # 1 day up to Mar 1: p, q and s ordered before and not on Mar 1; r never ordered before
    one_day = {**settings, "warnings": {**settings.get("warnings", {}), "lost_after_days": 1}}
    assert lost_per_manager(con, Filters(start=date(2025, 3, 1), end=date(2025, 3, 1)), one_day) == {"M1": 3}


def test_at_risk_and_lost_come_from_one_pass_of_the_warnings(book, settings):
    full = scorecard.scorecard(book, MARCH, settings)
    without = scorecard.scorecard(book, MARCH, settings, at_risk=False)
    assert without["at_risk_customers"].isna().all() and full["at_risk_customers"].sum() >= 1
    # Without the warnings the lost customers are counted on their own: the same figures.
    pd.testing.assert_frame_equal(
        full.drop(columns=["at_risk_customers"]), without.drop(columns=["at_risk_customers"])
    )
    assert full.set_index("manager_id").loc["M1", "lost_customers"] == 2


# ------------------------------------------------------------------ what the page reads


def test_score_matrix_and_shown_figures(book, settings):
    card = scorecard.scorecard(book, MARCH, settings)
    matrix = scorecard.score_matrix(card)
    assert matrix.index.tolist() == card["manager_id"].tolist()
    assert matrix.columns.tolist() == [*scorecard.ITEMS, "score"]
    assert matrix.loc["M2", "sales_growth"] == pytest.approx(80)
    assert scorecard.shown_figures(card, ["visits", "appointment_compliance", "nothing"]) == [
        "visits",
        "appointment_compliance",
    ]
    no_booking = card.assign(appointment_compliance=None)
    assert scorecard.shown_figures(no_booking, ["visits", "appointment_compliance"]) == ["visits"]


def test_length_ranges_in_class_order(book, settings):
    lengths = scorecard.visit_lengths(book, MARCH, "M1", settings)
    ranges = scorecard.length_ranges(lengths)
    assert [(r.position, r.customer_class) for r in ranges] == [(0, "core"), (1, "regular")]
    assert (ranges[0].min_minutes, ranges[0].max_minutes) == (15, 20)


def test_shared_lost_rule(con):
    from analytics import sql

    text = sql._ENV.from_string(
        '{% import "shared/lost.sql" as lost %}'
        "SELECT {{ lost.is_lost('s', 'd') }} FROM (VALUES ('closed', NULL), (NULL, DATE '2025-01-09'),"
        " ('active', DATE '2025-01-10'), ('active', NULL)) t(s, d)"
    ).render()
    lost = [r[0] for r in con.execute(text, {"lost_cutoff": date(2025, 1, 10)}).fetchall()]
    # closed; last order the day before the cutoff; on the cutoff; never ordered
    assert [bool(x) for x in lost] == [True, True, False, False]
    context, values = scorecard.lost_values(date(2025, 5, 30), 91)
    assert context == {"lost_months": True, "lost_parts": 1}
    assert values["lost_cutoff"] == date(2025, 3, 1) and values["lost_months_to"] == date(2025, 4, 1)


# ------------------------------------------------------------------ complaints item


def complaint(cid, customer, received, contacted=None, replied=None):
    return {
        "complaint_id": cid,
        "customer_id": customer,
        "received_at": received,
        "first_contact_at": contacted,
        "replied_at": replied,
    }


@pytest.fixture
def complaints_book(book):
    # M1: x1 received Mon 3 March, contacted Tue 4 (in time), replied Thu 6 (in time);
    # x2 received Wed 5 March, contacted Mon 10 (late: the deadline is Thu 6), replied Wed 12
    # (in time: 7 working days after Wed 5 is Fri 14). Contact 1/2, reply 2/2: score 75.
    insert(
        book,
        "complaints",
        [
            complaint("x1", "a", datetime(2025, 3, 3, 10), datetime(2025, 3, 4, 9), datetime(2025, 3, 6, 9)),
            complaint(
                "x2", "b", datetime(2025, 3, 5, 10), datetime(2025, 3, 10, 9), datetime(2025, 3, 12, 9)
            ),
        ],
    )
    return book


def test_complaints_item_weighs_nothing_by_default(complaints_book, settings):
    assert settings["scorecard"]["weights"]["complaints"] == 0
    card = card_of(complaints_book, MARCH, settings)
    assert card.loc["M1", "complaint_score"] == pytest.approx(75)
    assert card.loc["M1", "score_complaints"] == pytest.approx(75)
    assert pd.isna(card.loc["M2", "score_complaints"])  # no complaint: no data
    without = copy.deepcopy(settings)
    items = scorecard.manager_items(complaints_book, MARCH, "M1", settings).set_index("item")
    assert items.loc["complaints", "value"] == pytest.approx(75) and items.loc["complaints", "weight"] == 0
    assert items["weight"].sum() == pytest.approx(100)
    complaints_book.execute("DELETE FROM complaints")
    assert card_of(complaints_book, MARCH, without)["score"].to_dict() == pytest.approx(
        card["score"].to_dict()
    )


def test_complaints_item_with_a_weight(complaints_book, settings):
    settings["scorecard"]["weights"] = {item: 0 for item in scorecard.ITEMS} | {"complaints": 100}
    card = card_of(complaints_book, MARCH, settings)
    assert card.loc["M1", "score"] == pytest.approx(75)
    assert pd.isna(card.loc["M2", "score"])  # its only weighted item has no data
    trend = scorecard.monthly_scores(complaints_book, MARCH, months=2, settings=settings)
    by_month = trend.set_index(["month", "manager_id"])["score"]
    assert by_month[(pd.Timestamp("2025-03-01"), "M1")] == pytest.approx(75)
    assert pd.isna(by_month[(pd.Timestamp("2025-02-01"), "M1")])  # no complaint in February
    items = scorecard.manager_items(complaints_book, MARCH, "M1", settings).set_index("item")
    assert items.loc["complaints", "weight"] == pytest.approx(100)


def test_a_store_without_the_complaints_table_skips_the_item(book, settings):
    book.execute("DROP TABLE complaints")
    card = card_of(book, MARCH, settings)
    assert card["score_complaints"].isna().all() and card["score"].notna().any()
    assert "complaint_score" not in scorecard.shown_figures(card, ["complaint_score", "coverage"])


def test_overdue_list_keeps_the_filters_and_the_account_scope(book, settings):
    as_of = date(2025, 4, 10)
    core = scorecard.overdue_list(book, "M1", as_of, settings, Filters(classes=("core",)))
    assert core["customer_id"].tolist() == ["b", "a"]
    # The sidebar's manager is replaced by the one opened; the account's scope is kept.
    other_manager = Filters(managers=("M2",))
    assert scorecard.overdue_list(book, "M1", as_of, settings, other_manager)["customer_id"].tolist() == [
        "b",
        "a",
        "c",
    ]
    assert scorecard.overdue_list(book, "M1", as_of, settings, Filters(allowed_teams=("West",))).empty
    scope = scorecard.manager_scope(Filters(allowed_teams=("East",), managers=("M2",)), "M1", as_of)
    assert (scope.managers, scope.allowed_teams, scope.end) == (("M1",), ("East",), as_of)


def test_the_visit_plan_carries_the_guidance_columns(book, settings):
    plan = scorecard.visit_plan(book, "M1", date(2025, 3, 20), days=14, settings=settings)
    assert plan["customer_id"].tolist() == ["b", "a"]
    assert plan["suggested_products"].tolist() == ["", ""]  # no peers, no stock checks
    assert plan["suggested_orders"].tolist() == ["", ""]
    guidance = pd.DataFrame(
        {"customer_id": ["a"], "suggested_products": ["X 50%"], "suggested_orders": ["X 3"]}
    )
    merged = scorecard.with_plan_columns(
        plan.drop(columns=["suggested_products", "suggested_orders"]), guidance
    )
    assert merged.set_index("customer_id")["suggested_orders"].to_dict() == {"b": "", "a": "X 3"}
