"""Monthly active/won/lost, the loss rate, the frozen cohort and first-order cohorts, by hand."""

from datetime import date

import pandas as pd
import pytest

from analytics import config, retention
from analytics.__main__ import main
from analytics.filters import Filters
from tests.conftest import insert

H1 = Filters(start=date(2025, 1, 1), end=date(2025, 6, 30))


def order(cid, day, amount=1000.0):
    return {"order_id": f"{cid}-{day}", "customer_id": cid, "order_date": day, "amount": amount}


@pytest.fixture
def flow_book(con):
    """Order days (lost_after_days = 90; the data ends 30 June 2025):
    a: 10 Jan, 10 Feb, 5 Mar            -> lost 3 Jun
    b: 15 Oct 2024, 20 Feb, 1 Apr       -> lost 13 Jan (gap of 128 days), again 30 Jun
    c: 15 Mar, 15 Apr                   -> would be lost 14 Jul: after the data, not counted
    d: 30 Jun                           -> won in June
    e (closed): 5 Feb                   -> lost 6 May (closure itself has no date)"""
    insert(con, "managers", [{"manager_id": "M1", "team": "East"}, {"manager_id": "M2", "team": "West"}])
    insert(
        con,
        "customers",
        [
            {
                "customer_id": c,
                "manager_id": "M2" if c == "e" else "M1",
                "status": "closed" if c == "e" else "active",
            }
            for c in "abcde"
        ],
    )
    insert(
        con,
        "orders",
        [
            order("a", date(2025, 1, 10)),
            order("a", date(2025, 2, 10)),
            order("a", date(2025, 3, 5)),
            order("b", date(2024, 10, 15)),
            order("b", date(2025, 2, 20)),
            order("b", date(2025, 4, 1)),
            order("c", date(2025, 3, 15)),
            order("c", date(2025, 4, 15)),
            order("d", date(2025, 6, 30)),
            order("e", date(2025, 2, 5)),
        ],
    )
    return con


def test_monthly_flow_by_hand(flow_book):
    frame = retention.monthly_flow(flow_book, H1, config.defaults())
    assert frame["month"].dt.strftime("%Y-%m").tolist() == [
        "2025-01",
        "2025-02",
        "2025-03",
        "2025-04",
        "2025-05",
        "2025-06",
    ]
    assert frame["active"].tolist() == [1, 3, 2, 2, 0, 1]
    assert frame["won"].tolist() == [1, 1, 1, 0, 0, 1]
    assert frame["lost"].tolist() == [1, 0, 0, 0, 1, 2]
    # Active at the start: an order in the 90 days before the month (Jan: 3 Oct - 31 Dec, …).
    assert frame["active_at_start"].tolist() == [1, 1, 3, 4, 4, 3]
    assert frame["loss_rate"].tolist() == pytest.approx([1.0, 0.0, 0.0, 0.0, 0.25, 2 / 3])


def test_monthly_flow_respects_the_scope_and_the_settings(flow_book):
    west = retention.monthly_flow(
        flow_book, Filters(start=H1.start, end=H1.end, teams=("West",)), config.defaults()
    )
    assert west["active"].tolist() == [0, 1, 0, 0, 0, 0] and west["lost"].tolist() == [0, 0, 0, 0, 1, 0]
    settings = config.defaults()
    settings["warnings"]["lost_after_days"] = 120
    longer = retention.monthly_flow(flow_book, H1, settings)
    # a is lost on 3 Jul now; b's 128-day gap still counts (15 Oct + 120 = 12 Feb); e on 5 Jun.
    assert longer["lost"].tolist() == [0, 1, 0, 0, 0, 1]


def test_monthly_flow_on_an_empty_store(con):
    assert retention.monthly_flow(con, H1, config.defaults()).empty


def test_trend_filters_widen_a_short_period():
    widened = retention.trend_filters(Filters(start=date(2025, 6, 1), end=date(2025, 6, 30)))
    assert (widened.start, widened.end) == (date(2024, 7, 1), date(2025, 6, 30))
    assert retention.trend_filters(H1.with_period(date(2023, 1, 1), H1.end)).start == date(2023, 1, 1)


def test_cli_prints_the_monthly_flow(flow_book, tmp_path, capsys):
    assert (
        main(
            [
                "retention",
                "--db",
                str(tmp_path / "test.duckdb"),
                "--start",
                "2025-05-01",
                "--end",
                "2025-06-30",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip().splitlines() == [
        "month,active,won,lost,loss_rate",
        "2025-05,0,0,1,0.25",
        "2025-06,1,1,2,0.666667",
    ]


@pytest.fixture
def cohort_book(con):
    """Base period (12 months before April 2025) = Apr 2024 - Mar 2025; threshold 2000 a month.
    p: 24,000 in the base (exactly 2,000 a month), 1,000 a month since -> retained
    q: 23,999 -> not in the cohort
    r: 30,000; last order 1 Apr 2025 = 90 days before 30 Jun -> lost (no order)
    r2: 30,000; last order 2 Apr 2025 -> retained
    s: 30,000; 499 in each of Apr, May, Jun -> lost (below the 500 floor)
    t: closed -> lost"""
    insert(con, "managers", [{"manager_id": "M1", "team": "East"}])
    insert(
        con,
        "customers",
        [
            {"customer_id": c, "manager_id": "M1", "status": "closed" if c == "t" else "active"}
            for c in ("p", "q", "r", "r2", "s", "t")
        ],
    )
    insert(
        con,
        "orders",
        [
            order("p", date(2024, 6, 1), 24000),
            *[order("p", date(2025, m, 10), 1000) for m in (4, 5, 6)],
            order("q", date(2024, 6, 1), 23999),
            order("q", date(2025, 6, 1), 100),
            order("r", date(2024, 8, 1), 30000),
            order("r", date(2025, 4, 1), 1000),
            order("r2", date(2024, 8, 1), 30000),
            order("r2", date(2025, 4, 2), 1000),
            order("s", date(2024, 8, 1), 30000),
            *[order("s", date(2025, m, 10), 499) for m in (4, 5, 6)],
            order("t", date(2024, 8, 1), 30000),
            order("t", date(2025, 6, 30), 9000),
        ],
    )
    return con


def test_frozen_cohort_by_hand(cohort_book):
    q2 = Filters(start=date(2025, 4, 1), end=date(2025, 6, 30))
    cohort = retention.frozen_cohort(cohort_book, q2, settings=config.defaults())
    assert (cohort.base_start, cohort.base_end, cohort.as_of) == (
        date(2024, 4, 1),
        date(2025, 3, 31),
        date(2025, 6, 30),
    )
    reasons = dict(zip(cohort.members["customer_id"], cohort.members["lost_reason"], strict=True))
    assert set(reasons) == {"p", "r", "r2", "s", "t"}
    assert {c: r for c, r in reasons.items() if isinstance(r, str)} == {
        "r": "no_order",
        "s": "low_value",
        "t": "closed",
    }
    assert cohort.cohort == 5 and cohort.lost == 3 and cohort.retained == 2
    assert cohort.retention == pytest.approx(0.4)
    assert cohort.meets_base is False and cohort.meets_challenge is False
    assert cohort.members.set_index("customer_id").loc["p", "base_monthly_value"] == pytest.approx(2000)


def test_frozen_cohort_targets_and_base_choices(cohort_book):
    settings = config.defaults()
    settings["retention"]["base_target"] = 0.4
    q2 = Filters(start=date(2025, 4, 1), end=date(2025, 6, 30))
    cohort = retention.frozen_cohort(cohort_book, q2, settings=settings)
    assert cohort.meets_base and not cohort.meets_challenge
    assert retention.base_period(q2, "previous_year") == (date(2024, 1, 1), date(2024, 12, 31))
    by_year = retention.frozen_cohort(cohort_book, q2, "previous_year", settings)
    # 2024: p's 24,000 is still 2,000 a month; the floor months (Apr-Jun 2025) follow the base.
    assert by_year.cohort == 5 and by_year.lost == 3
    with pytest.raises(ValueError):
        retention.base_period(q2, "last_decade")


def test_frozen_cohort_on_an_empty_store(con):
    cohort = retention.frozen_cohort(con, H1, settings=config.defaults())
    assert cohort.cohort == 0 and cohort.retention is None and cohort.meets_base is None


def test_first_order_cohorts_by_hand(flow_book):
    frame = retention.first_order_cohorts(flow_book, H1)
    frame["cohort"] = pd.to_datetime(frame["cohort"]).dt.strftime("%Y-%m")
    shares = {cohort: group["share"].tolist() for cohort, group in frame.groupby("cohort")}
    # b first ordered in October 2024, the data's first month: left out.
    assert shares == {
        "2025-01": [1, 1, 1, 0, 0, 0],
        "2025-02": [1, 0, 0, 0, 0],
        "2025-03": [1, 1, 0, 0],
        "2025-06": [1],
    }
    assert frame.groupby("cohort")["cohort_size"].first().tolist() == [1, 1, 1, 1]


def test_months_over_the_ceiling(flow_book):
    frame = retention.monthly_flow(flow_book, H1, config.defaults())
    # Loss rates 100 %, 0, 0, 0, 25 %, 67 % against the 3 % ceiling.
    assert retention.months_over_ceiling(frame, config.defaults()) == 3
    settings = config.defaults()
    settings["retention"]["loss_rate_ceiling"] = 0.5
    assert retention.months_over_ceiling(frame, settings) == 2
    assert retention.months_over_ceiling(frame.assign(loss_rate=float("nan")), config.defaults()) == 0


def test_cohort_matrix(flow_book):
    matrix = retention.cohort_matrix(retention.first_order_cohorts(flow_book, H1))
    assert matrix.shares.index.tolist() == ["2025-01", "2025-02", "2025-03", "2025-06"]
    assert matrix.shares.loc["2025-01"].tolist() == [1, 1, 1, 0, 0, 0]
    assert pd.isna(matrix.shares.loc["2025-06", 1])
    assert matrix.row_labels == ["2025-01 (1)", "2025-02 (1)", "2025-03 (1)", "2025-06 (1)"]
