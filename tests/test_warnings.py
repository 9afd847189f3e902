"""Loss-warning rules at their thresholds, follow-ups, the as-of bound and the command line,
on small hand-built histories (as of 30 June 2025 unless said otherwise)."""

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from analytics import config, db, warnings
from analytics.__main__ import main
from analytics.filters import Filters
from tests.conftest import insert

D = date(2025, 6, 30)
ALL = Filters()


@pytest.fixture
def settings():
    return config.defaults()


def customer(cid, cls="regular", manager="M1", **extra):
    return {
        "customer_id": cid,
        "customer_name": f"{cid}店",
        "manager_id": manager,
        "customer_class": cls,
        "status": "active",
        **extra,
    }


def order(cid, day, amount=1000.0):
    return {"order_id": f"{cid}-{day}", "customer_id": cid, "order_date": day, "amount": amount}


def book(con, customers, orders, visits=()):
    insert(
        con,
        "managers",
        [
            {"manager_id": "M1", "manager_name": "王", "team": "East"},
            {"manager_id": "M2", "manager_name": "李", "team": "West"},
        ],
    )
    insert(con, "customers", customers)
    insert(con, "orders", orders)
    insert(con, "visits", list(visits))
    return con


def fired(con, settings, as_of=D, filters=ALL):
    facts = warnings.rule_facts(con, filters, as_of, settings).set_index("customer_id")
    return facts


def test_cadence_fires_only_beyond_twice_the_own_gap(con, settings):
    # Weekly on 1, 8, 15 May: median gap 7, so the threshold is max(2 x 7, 14) = 14 days.
    book(con, [customer("w")], [order("w", date(2025, 5, d)) for d in (1, 8, 15)])
    assert not fired(con, settings, date(2025, 5, 29)).loc["w", "cadence"]  # 14 days: not beyond
    facts = fired(con, settings, date(2025, 5, 30))  # 15 days
    assert facts.loc["w", "cadence"]
    assert facts.loc["w", "median_gap"] == 7 and facts.loc["w", "days_since_last_order"] == 15
    settings["warnings"]["cadence_min_orders"] = 4  # only 3 orders
    assert not fired(con, settings, date(2025, 5, 30)).loc["w", "cadence"]


def test_cadence_uses_the_min_days_when_the_gap_is_short(con, settings):
    # Daily orders: 2 x 1 day is tiny, but the rule waits for more than 14 days.
    book(con, [customer("d")], [order("d", date(2025, 5, d)) for d in (1, 2, 3, 4)])
    assert not fired(con, settings, date(2025, 5, 18)).loc["d", "cadence"]  # 14 days
    assert fired(con, settings, date(2025, 5, 19)).loc["d", "cadence"]  # 15 days


def test_decline_against_last_year_and_the_previous_window(con, settings):
    book(
        con,
        [customer(c) for c in ("yoy", "yoy_ok", "prev", "prev_ok")],
        [
            # Last window 2 Apr - 30 Jun 2025; a year earlier 2 Apr - 30 Jun 2024.
            order("yoy", date(2024, 5, 1), 1000),
            order("yoy", date(2025, 5, 1), 699),
            order("yoy_ok", date(2024, 5, 1), 1000),
            order("yoy_ok", date(2025, 5, 1), 700),
            # The 90 days before: 2 Jan - 1 Apr 2025.
            order("prev", date(2025, 3, 1), 1000),
            order("prev", date(2025, 5, 1), 699),
            order("prev_ok", date(2025, 3, 1), 1000),
            order("prev_ok", date(2025, 5, 1), 700),
        ],
    )
    facts = fired(con, settings)
    assert facts.loc["yoy", "decline_yoy"] and not facts.loc["yoy", "decline_prev"]
    assert not facts.loc["yoy_ok", "decline_yoy"]
    assert facts.loc["prev", "decline_prev"] and not facts.loc["prev", "decline_yoy"]
    assert not facts.loc["prev_ok", "decline_prev"]
    assert facts.loc["yoy", "rules"] == "decline_yoy"
    assert (
        warnings.reason(facts.loc["yoy"], "decline_yoy", "en", settings)
        == "last 90 days 30% below the same time last year"
    )


def test_low_value_needs_every_recent_month_below_the_floor(con, settings):
    months = (date(2025, 4, 10), date(2025, 5, 10), date(2025, 6, 10))
    book(
        con,
        [customer(c) for c in ("low", "one_ok", "new")],
        [
            order("low", date(2025, 3, 10), 5000),
            *[order("low", m, 499) for m in months],
            order("one_ok", date(2025, 3, 10), 5000),
            order("one_ok", months[0], 499),
            order("one_ok", months[1], 499),
            order("one_ok", months[2], 500),
            # Started in April: not a customer before the three months, so not judged yet.
            *[order("new", m, 100) for m in months],
        ],
    )
    facts = fired(con, settings)
    assert facts.loc["low", "low_value"]
    assert not facts.loc["one_ok", "low_value"]
    assert not facts.loc["new", "low_value"]
    # As of 29 June, June is not complete: the months are March-May, March is above the floor.
    assert not fired(con, settings, date(2025, 6, 29)).loc["low", "low_value"]


def test_visit_overdue_against_the_class_interval(con, settings):
    book(
        con,
        [
            customer("on_time", "core"),
            customer("late", "core"),
            customer("never", "core"),
            customer("regular", "regular"),
        ],
        [order(c, date(2025, 6, 20)) for c in ("on_time", "late", "never", "regular")],
        [
            {"customer_id": "on_time", "manager_id": "M1", "visit_date": datetime(2025, 6, 16, 9)},  # 14 days
            {"customer_id": "late", "manager_id": "M1", "visit_date": datetime(2025, 6, 15, 18)},  # 15 days
            {"customer_id": "late", "manager_id": "M1", "visit_date": datetime(2025, 7, 1, 9)},  # after D
            {"customer_id": "regular", "manager_id": "M1", "visit_date": datetime(2025, 5, 1, 9)},
        ],
    )  # 60 days
    facts = fired(con, settings)
    assert not facts.loc["on_time", "visit_overdue"]
    assert facts.loc["late", "visit_overdue"] and facts.loc["late", "days_since_last_visit"] == 15
    assert facts.loc["never", "visit_overdue"]
    assert not facts.loc["regular", "visit_overdue"]
    assert (
        warnings.reason(facts.loc["late"], "visit_overdue", "zh", settings)
        == "已 15 天未拜访，标准为每 14 天一次"
    )
    assert warnings.reason(facts.loc["never"], "visit_overdue", "en", settings) == "no visit on record"


def test_class_mismatch_within_three_months_inclusive(con, settings):
    book(
        con,
        [
            customer("edge", violation_date=date(2025, 3, 30)),
            customer("old", violation_date=date(2025, 3, 29)),
            customer("assisted", "assist", violation_date=date(2025, 6, 1)),
            customer("future", violation_date=date(2025, 7, 1)),
        ],
        [order(c, date(2025, 6, 20)) for c in ("edge", "old", "assisted", "future")],
    )
    facts = fired(con, settings)
    assert facts.loc["edge", "class_mismatch"]
    assert not facts.loc["old", "class_mismatch"]
    assert not facts.loc["assisted", "class_mismatch"]
    assert not facts.loc["future", "class_mismatch"]


def test_tier_drop_from_a_to_b(con, settings):
    # Previous 90 days (2 Jan - 1 Apr): x 1000, y 100, z 100 -> x is A (nothing before it).
    # Last 90 days: y 1000, x 100, z 100 -> before x = 1000 / 1200 = 83% -> B.
    book(
        con,
        [customer(c) for c in ("x", "y", "z")],
        [
            order("x", date(2025, 2, 1), 1000),
            order("y", date(2025, 2, 1), 100),
            order("z", date(2025, 2, 1), 100),
            order("x", date(2025, 5, 1), 100),
            order("y", date(2025, 5, 1), 1000),
            order("z", date(2025, 5, 1), 100),
        ],
    )
    facts = fired(con, settings)
    assert facts.loc["x", ["previous_abc", "current_abc"]].tolist() == ["A", "B"]
    assert facts.loc["x", "tier_drop"]
    assert not facts.loc["y", "tier_drop"] and not facts.loc["z", "tier_drop"]
    assert warnings.reason(facts.loc["x"], "tier_drop", "en", settings) == "A customer last period, now B"


def test_tier_drop_does_not_fire_for_a_customer_still_a(con, settings):
    # Last 90 days: y 790, x 210 -> before x = 79% < 80% -> still A.
    book(
        con,
        [customer(c) for c in ("x", "y")],
        [
            order("x", date(2025, 2, 1), 1000),
            order("y", date(2025, 2, 1), 100),
            order("x", date(2025, 5, 1), 210),
            order("y", date(2025, 5, 1), 790),
        ],
    )
    facts = fired(con, settings)
    assert facts.loc["x", "current_abc"] == "A" and not facts.loc["x", "tier_drop"]


def test_closed_and_long_gone_customers_are_not_warned(con, settings):
    book(
        con,
        [
            customer("closed", status="closed", violation_date=date(2025, 6, 1)),
            customer("gone", violation_date=date(2025, 6, 1)),
        ],
        [order("closed", date(2025, 6, 20)), order("gone", date(2024, 6, 30))],
    )
    facts = fired(con, settings)
    assert facts.loc["closed", "rules"] == "" and facts.loc["gone", "rules"] == ""
    assert not facts.loc["gone", "eligible"]


def test_revenue_at_risk_is_three_months_of_the_twelve_month_average(con, settings):
    book(
        con,
        [customer("r")],
        [
            order("r", date(2024, 6, 30), 999),
            order("r", date(2024, 7, 1), 1200),
            order("r", date(2025, 6, 30), 2400),
        ],
    )
    assert fired(con, settings).loc["r", "revenue_at_risk"] == pytest.approx((1200 + 2400) / 12 * 3)


def test_orders_and_visits_after_the_as_of_date_change_nothing(con, settings):
    customers = [customer("a", "core"), customer("b"), customer("c", violation_date=date(2025, 6, 1))]
    orders = [order("a", date(2025, 5, d)) for d in (1, 8, 15)] + [
        order("b", date(2024, 5, 1), 1000),
        order("b", date(2025, 5, 1), 500),
        order("c", date(2025, 6, 1)),
    ]
    visits = [{"customer_id": "a", "manager_id": "M1", "visit_date": datetime(2025, 5, 1, 9)}]
    book(con, customers, orders, visits)
    before = warnings.warning_list(con, ALL, D, settings, include_all=True)
    insert(
        con,
        "orders",
        [
            order("a", date(2025, 7, 1), 9999),
            order("b", date(2025, 7, 2), 5000),
            order("d", date(2025, 7, 3)),
        ],
    )
    insert(con, "visits", [{"customer_id": "a", "manager_id": "M1", "visit_date": datetime(2025, 7, 1, 9)}])
    insert(con, "customers", [customer("d")])
    after = warnings.warning_list(con, ALL, D, settings, include_all=True)
    assert dict(zip(before["customer_id"], before["rules"], strict=True)) == {
        "a": "cadence;visit_overdue",
        "b": "decline_yoy;visit_overdue",
        "c": "visit_overdue;class_mismatch",
    }
    assert before.drop(columns=["followed_up_at"]).equals(after.drop(columns=["followed_up_at"]))


def test_followups_history_and_recovery_by_a_new_order(con, settings):
    book(
        con,
        [customer("a"), customer("b"), customer("c")],
        [order(c, date(2025, 5, d)) for c in ("a", "b", "c") for d in (1, 8, 15)],
    )
    warnings.record_followup(con, "a", "acknowledged", "called the owner", date(2025, 6, 1))
    warnings.record_followup(con, "a", "contacted", " visited ", date(2025, 6, 1))
    warnings.record_followup(con, "b", "lost", None, date(2025, 6, 1))
    with pytest.raises(ValueError):
        warnings.record_followup(con, "a", "forgotten", None, date(2025, 6, 1))
    current = warnings.followups(con).set_index("customer_id")
    assert current.loc["a", "status"] == "contacted" and current.loc["a", "note"] == "visited"
    assert len(warnings.followups(con, ("a",), history=True)) == 2
    counts = warnings.open_warnings_by_manager(con, ALL, date(2025, 6, 10), settings)
    # a, b and c fire cadence on 10 June (26 days > 14); b's warning is closed as lost.
    assert counts.to_dict("records") == [{"manager_id": "M1", "open_warnings": 2}]

    insert(con, "orders", [order("a", date(2025, 6, 5))])
    current = warnings.followups(con, as_of=date(2025, 6, 10)).set_index("customer_id")
    assert current.loc["a", "status"] == "recovered" and current.loc["a", "recovered_by_order"]
    assert current.loc["a", "recorded_status"] == "contacted"
    # Before the new order it was still contacted; follow-ups after the as-of date are ignored.
    assert (
        warnings.followups(con, as_of=date(2025, 6, 4)).set_index("customer_id").loc["a", "status"]
        == "contacted"
    )
    assert warnings.followups(con, as_of=date(2025, 5, 31)).empty
    facts = warnings.warning_facts(con, ALL, date(2025, 6, 30), settings).set_index("customer_id")
    assert facts.loc["a", "cadence"] and not facts.loc["a", "open"]  # recovered: closed for 90 days
    assert facts.loc["c", "open"] and not facts.loc["b", "open"]
    counted = warnings.warning_counts(con, ALL, date(2025, 6, 30), settings)
    assert counted[["customers", "warned", "open_warnings"]].to_dict("records") == [
        {"customers": 3, "warned": 3, "open_warnings": 1}
    ]
    assert counted.drop(columns=["lost_customers"]).equals(warnings.count_by_manager(facts.reset_index()))
    settings["warnings"]["recovered_hold_days"] = 10
    facts = warnings.warning_facts(con, ALL, date(2025, 6, 30), settings).set_index("customer_id")
    assert facts.loc["a", "open"]  # slipped again after recovering
    counted = warnings.warning_counts(con, ALL, date(2025, 6, 30), settings)
    assert counted["open_warnings"].tolist() == [2]
    assert counted.drop(columns=["lost_customers"]).equals(warnings.count_by_manager(facts.reset_index()))


def test_followups_survive_a_new_import(tmp_path, settings):
    path = tmp_path / "keep.duckdb"
    con = db.connect(path)
    book(con, [customer("a")], [order("a", date(2025, 5, 1))])
    warnings.record_followup(con, "a", "contacted", "note", D)
    db.close_all()
    con = db.connect(path)
    insert(con, "orders", [order("a", date(2025, 5, 2))])
    assert warnings.followups(con)["status"].tolist() == ["contacted"]
    db.close_all()


def test_counts_per_manager_cover_every_manager_in_scope(con, settings):
    book(
        con,
        [customer("a"), customer("b", manager="M2")],
        [order("a", date(2025, 5, d)) for d in (1, 8, 15)] + [order("b", date(2025, 6, 29))],
    )
    counts = warnings.warning_counts(con, ALL, D, settings)
    assert counts[["manager_id", "team", "warned", "open_warnings"]].to_dict("records") == [
        {"manager_id": "M1", "team": "East", "warned": 1, "open_warnings": 1},
        {"manager_id": "M2", "team": "West", "warned": 0, "open_warnings": 0},
    ]
    west = warnings.open_warnings_by_manager(con, Filters(teams=("West",)), D, settings)
    assert west.to_dict("records") == [{"manager_id": "M2", "open_warnings": 0}]
    assert warnings.open_warnings_by_team(counts)["open_warnings"].tolist() == [1, 0]


def test_cli_prints_warned_customers_and_all(con, settings, capsys, tmp_path):
    book(
        con,
        [customer("a"), customer("b")],
        [order("a", date(2025, 5, d)) for d in (1, 8, 15)] + [order("b", date(2025, 6, 29))],
    )
    db_file = str(tmp_path / "test.duckdb")  # the `con` fixture's file
    assert main(["warnings", "--db", db_file, "--as-of", "2025-06-30"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == (
        "customer_id,customer_name,manager_id,customer_class,risk_score,expected_loss,rules,revenue_at_risk,"
        "days_since_last_order,last_order_date,last_visit_date"
    )
    # Two customers: no backtest, so days since last order uncalibrated: 46 / (46 + 90).
    assert len(lines) == 2 and lines[1].startswith(f"a,a店,M1,regular,{round(46 / 136, 4)},")
    assert ",cadence," in lines[1]
    assert ",46,2025-05-15," in lines[1]
    assert main(["warnings", "--db", db_file, "--as-of", "2025-06-30", "--open"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()[1:]
    assert [r.split(",")[0] for r in rows] == ["a"]
    assert main(["warnings", "--db", db_file, "--as-of", "2025-06-30", "--all"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()[1:]
    assert sorted(r.split(",")[0] for r in rows) == ["a", "b"]
    assert main(["warnings", "--db", db_file, "--as-of", "2025-05-01", "--all"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()[1:]
    assert [r.split(",")[0] for r in rows] == ["a"]


def test_explain_in_both_languages(con, settings):
    book(con, [customer("w")], [order("w", date(2025, 5, d)) for d in (1, 8, 15)])
    facts = warnings.rule_facts(con, ALL, date(2025, 6, 25), settings)
    assert warnings.explain(facts, "en", settings).tolist() == [
        "no order for 41 days; usually orders every 7"
    ]
    assert warnings.explain(facts, "zh", settings).tolist() == ["已 41 天未订货，平时约每 7 天订一次"]


def test_order_dates_and_gaps_at_the_window_edges(con, settings):
    # As of 30 June 2025 the 365 days start on 1 July 2024: the order of 30 June 2024 is a year
    # earlier (value_ly) but not one of the 365 days, so the gaps are 4, 350 and 10 (median 10;
    # with it they would be 1, 4, 350, 10). Orders long before the windows still give the first
    # and last order dates.
    e_days = (
        date(2024, 1, 10),
        date(2024, 6, 30),
        date(2024, 7, 1),
        date(2024, 7, 5),
        date(2025, 6, 20),
        date(2025, 6, 30),
    )
    book(
        con,
        [customer("e"), customer("o"), customer("s")],
        [order("e", d) for d in e_days]
        + [order("o", date(2023, 5, 2)), order("o", date(2023, 9, 9)), order("s", date(2025, 1, 15))],
    )
    facts = fired(con, settings)
    e, o, s = facts.loc["e"], facts.loc["o"], facts.loc["s"]
    assert (e["first_order_date"], e["last_order_date"]) == (
        pd.Timestamp(2024, 1, 10),
        pd.Timestamp(2025, 6, 30),
    )
    # e ordered on the as-of day: the cadence rule cannot fire, so its median gap is not worked out
    assert e["orders_365"] == 4 and pd.isna(e["median_gap"])
    # cadence_min_days -1 (below what a supervisor may set): every customer is a cadence candidate.
    checked = config.as_settings(settings)
    anytime = checked.model_copy(
        update={"warnings": checked.warnings.model_copy(update={"cadence_min_days": -1})}
    )
    assert fired(con, anytime).loc["e", "median_gap"] == 10
    assert e["value_ly"] == 1000 and e["revenue_at_risk"] == 1000
    assert (o["first_order_date"], o["last_order_date"]) == (
        pd.Timestamp(2023, 5, 2),
        pd.Timestamp(2023, 9, 9),
    )
    assert o["orders_365"] == 0 and pd.isna(o["median_gap"]) and not o["eligible"]
    assert s["orders_365"] == 1 and pd.isna(s["median_gap"]) and s["eligible"]


def test_window_values_agree_with_the_order_days_at_any_as_of_date(con, settings):
    # The windows are summed from whole months of order_months plus the days of the months a
    # window cuts; on random histories every figure must equal a direct count over the days.
    import numpy as np

    rng = np.random.default_rng(7)
    days = pd.date_range("2023-01-01", "2025-12-31").date
    orders = [
        order(f"c{i}", day, float(rng.integers(1, 500)))
        for i in range(6)
        for day in days
        if rng.random() < (0.02, 0.1, 0.3, 0.05, 0.5, 0.01)[i]
    ]
    book(con, [customer(f"c{i}") for i in range(6)], orders)
    lines = pd.DataFrame(orders)

    def value(own, first, last):
        return own.loc[(own["order_date"] >= first) & (own["order_date"] <= last), "amount"].sum()

    for as_of in (
        date(2025, 10, 31),
        date(2025, 10, 30),
        date(2025, 6, 17),
        date(2024, 2, 29),
        date(2025, 3, 1),
    ):
        facts = fired(con, settings, as_of)
        last_from, year_ago = as_of - timedelta(days=89), warnings.shift_years(as_of, -1)
        for cid, own in lines[lines["order_date"] <= as_of].groupby("customer_id"):
            row = facts.loc[cid]
            assert row["first_order_date"].date() == own["order_date"].min()
            assert row["last_order_date"].date() == own["order_date"].max()
            assert row["orders_365"] == (own["order_date"] > as_of - timedelta(days=365)).sum()
            assert row["value_last"] == pytest.approx(value(own, last_from, as_of))
            assert row["value_prev"] == pytest.approx(
                value(own, last_from - timedelta(days=90), last_from - timedelta(days=1))
            )
            assert row["value_ly"] == pytest.approx(value(own, year_ago - timedelta(days=89), year_ago))
            assert row["revenue_at_risk"] == pytest.approx(
                value(own, year_ago + timedelta(days=1), as_of) / 4
            )


def test_months_read_day_by_day_are_those_a_window_cuts():
    as_of = date(2025, 10, 31)
    boundaries = (
        date(2025, 8, 3),
        date(2025, 5, 5),
        date(2024, 8, 3),
        date(2024, 11, 1),
        date(2024, 11, 1),
        date(2025, 5, 5),
        date(2024, 11, 1),
        date(2025, 11, 1),
    )
    assert warnings._day_month_ranges(boundaries, as_of) == [
        (date(2024, 8, 1), date(2024, 8, 31)),
        (date(2025, 5, 1), date(2025, 5, 31)),
        (date(2025, 8, 1), date(2025, 8, 31)),
    ]
    # Consecutive cut months form one range; the as-of month is cut unless it ends there.
    assert warnings._day_month_ranges(
        (date(2025, 1, 15), date(2025, 2, 10), date(2025, 3, 16)), date(2025, 3, 15)
    ) == [(date(2025, 1, 1), date(2025, 3, 31))]


def view_facts() -> pd.DataFrame:
    """Five customers by hand: revenue at risk, the rules that fired, whether still open."""
    rows = [
        ("a", 1000.0, ("cadence",), True),
        ("b", 400.0, ("cadence", "decline_yoy"), True),
        ("c", 3000.0, ("visit_overdue",), False),  # closed by its follow-up
        ("d", 800.0, (), False),  # not warned
        ("e", 700.0, ("decline_yoy",), True),
    ]
    return pd.DataFrame(
        [
            {
                "customer_id": cid,
                "manager_id": "M1",
                "revenue_at_risk": revenue,
                **{rule: rule in fired for rule in warnings.RULES},
                "rules": ";".join(fired),
                "open": still_open,
            }
            for cid, revenue, fired, still_open in rows
        ]
    )


def test_warning_view_ranks_filters_and_sums_the_tiles():
    scores = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "risk_score": [0.5, 0.9, 0.2, 0.99]})
    # Expected losses: a 1000 x 0.5 = 500, b 400 x 0.9 = 360; e (no score: 1 loss signal of 6)
    # 700 / 6; c has only a service gap (visit overdue): no warning; d is not warned.
    view = warnings.warning_view(view_facts(), scores)
    assert view.rows["customer_id"].tolist() == ["a", "b", "e"]
    assert len(warnings.LOSS_SIGNALS) == 6
    assert view.rows["priority"].tolist() == pytest.approx([500, 360, 700 / 6])
    assert view.rows["expected_loss"].iloc[:2].tolist() == pytest.approx([500, 360])
    assert (view.warned, view.open, view.revenue_at_risk) == (3, 3, 1000 + 400 + 700)
    assert view.expected_loss == pytest.approx(860)
    shown = warnings.warning_view(view_facts(), scores, include_closed=True)
    assert shown.rows["customer_id"].tolist() == ["a", "b", "e"]
    cadence = warnings.warning_view(view_facts(), scores, ["cadence"])
    assert cadence.rows["customer_id"].tolist() == ["a", "b"]
    assert (cadence.warned, cadence.open, cadence.revenue_at_risk) == (2, 2, 1400)
    overdue = warnings.warning_view(view_facts(), scores, ("visit_overdue",))
    assert overdue.rows.empty and (overdue.warned, overdue.open, overdue.revenue_at_risk) == (0, 0, 0)
    # Without a ranking: revenue x the share of loss signals fired. a 1000 / 6, b 400 x 2 / 6, e 700 / 6.
    unscored = warnings.warning_view(view_facts(), None, include_closed=True)
    assert unscored.rows["customer_id"].tolist() == ["a", "b", "e"]
    assert unscored.rows["risk_score"].isna().all()
    assert unscored.rows["priority"].tolist() == pytest.approx([1000 / 6, 800 / 6, 700 / 6])
    # The action list with at most 2 per manager: a and b.
    listed = warnings.warning_view(
        view_facts(), scores, show_all=False, settings={"warnings": {"action_list_per_manager": 2}}
    )
    assert listed.rows["customer_id"].tolist() == ["a", "b"] and listed.listed == 2


def test_top_open_managers_names_them_and_keeps_those_with_open_warnings():
    counts = pd.DataFrame(
        {
            "manager_id": ["M3", "M1", "M2", "M4"],
            "manager_name": ["张", None, "李", "赵"],
            "team": ["East", "East", "West", "West"],
            "open_warnings": [5, 3, 1, 0],
        }
    )
    top = warnings.top_open_managers(counts)
    assert top[["manager", "open_warnings"]].to_dict("records") == [
        {"manager": "张", "open_warnings": 5},
        {"manager": "M1", "open_warnings": 3},
        {"manager": "李", "open_warnings": 1},
    ]
    assert warnings.top_open_managers(counts, limit=2)["manager_id"].tolist() == ["M3", "M1"]


def test_the_warnings_and_the_stored_ranking_never_import_the_heavy_libraries():
    """The rules and the stored list load neither scikit-learn nor scipy (a second of start-up
    the `warnings` command does not need when the ranking is stored)."""
    import subprocess
    import sys

    code = (
        "import sys, analytics.warnings, analytics.risk; "
        "print([m for m in ('sklearn', 'scipy') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def receivable(invoice, cid, due, amount, paid=0.0):
    return {
        "invoice_id": invoice,
        "customer_id": cid,
        "invoice_date": due - timedelta(days=30),
        "due_date": due,
        "amount": amount,
        "paid_amount": paid,
    }


def test_overdue_payment_opens_a_warning_with_its_amount(con, settings):
    # Every customer orders every month (no other rule fires); as of 30 June:
    # late owes 6,000 - 1,000 paid + 2,500 = 7,500 overdue; small owes 800 (not above the 1,000
    # floor); not_due's invoice falls due after 30 June; other (team West) owes 9,000.
    book(
        con,
        [customer(c) for c in ("late", "small", "not_due")] + [customer("other", manager="M2")],
        [order(c, date(2025, m, 10)) for c in ("late", "small", "not_due", "other") for m in range(1, 7)],
    )
    before = warnings.warning_counts(con, ALL, D, settings)
    assert before["warned"].sum() == 0
    insert(
        con,
        "receivables",
        [
            receivable("i1", "late", date(2025, 5, 31), 6000, paid=1000),
            receivable("i2", "late", date(2025, 6, 15), 2500),
            receivable("i3", "small", date(2025, 6, 1), 800),
            receivable("i4", "not_due", date(2025, 7, 15), 50000),
            receivable("i5", "other", date(2025, 4, 30), 9000),
        ],
    )
    facts = fired(con, settings)
    assert facts["overdue_payment"].to_dict() == {
        "late": True,
        "not_due": False,
        "other": True,
        "small": False,
    }
    assert facts.loc["late", "overdue_total"] == 7500 and facts.loc["late", "rules"] == "overdue_payment"
    assert warnings.reason(facts.loc["late"], "overdue_payment", "zh", settings) == "回款逾期 7,500 元"
    assert (
        warnings.reason(facts.loc["late"], "overdue_payment", "en", settings) == "7,500 overdue on payments"
    )
    from ui import format

    assert format.money(7500, "zh") == format.money(7500, "en") == "7,500"
    listed = warnings.warning_list(con, ALL, D, settings)
    assert sorted(listed["customer_id"]) == ["late", "other"]
    counts = warnings.warning_counts(con, ALL, D, settings).set_index("manager_id")
    assert counts["warned"].to_dict() == {"M1": 1, "M2": 1}
    # The scope holds: team East's list has no warning of West's customer.
    east = Filters(allowed_teams=("East",))
    assert fired(con, settings, filters=east)["overdue_payment"].sum() == 1
    # Payments arrive: the signal goes.
    con.execute("UPDATE receivables SET paid_amount = amount")
    assert not fired(con, settings)["overdue_payment"].any()


def test_no_receivables_table_means_no_overdue_signal(con, settings):
    book(con, [customer("a")], [order("a", date(2025, 6, 10))])
    con.execute("DROP TABLE receivables")
    facts = fired(con, settings)
    assert not facts.loc["a", "overdue_payment"] and pd.isna(facts.loc["a", "overdue_total"])
    assert warnings.warning_counts(con, ALL, D, settings)["warned"].tolist() == [0]
