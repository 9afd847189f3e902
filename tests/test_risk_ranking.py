"""The risk ranking on thin and odd books, the choice of candidate, the stored ranking, the
action list and the follow-up effect, worked out by hand."""

import sys
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from analytics import config, risk, warnings
from analytics.filters import Filters
from analytics.risk.ranking import CandidateResult
from analytics.risk.train import _choose
from tests.conftest import insert

D = date(2025, 12, 31)


def orders_book(con, customers: int, days: int, gap=lambda i: 7 + i % 5, stop=lambda i: None, **extra):
    """Orders only (no managers' visits, no tier): customer i orders every gap(i) days over
    `days` days up to D, until D - stop(i) days when stop(i) is set."""
    insert(con, "managers", [{"manager_id": "M1", "manager_name": "王", "team": "East"}])
    people = [
        {
            "customer_id": f"c{i:03d}",
            "customer_name": f"店{i}",
            "manager_id": "M1",
            "status": "active",
            **extra,
        }
        for i in range(customers)
    ]
    insert(con, "customers", people)
    rows = []
    for i in range(customers):
        last = D - timedelta(days=stop(i) or 0)
        day = D - timedelta(days=days - i % 3)
        while day <= last:
            rows.append(
                {
                    "order_id": f"c{i:03d}-{day}",
                    "customer_id": f"c{i:03d}",
                    "order_date": day,
                    "amount": 900.0,
                }
            )
            day += timedelta(days=gap(i))
    insert(con, "orders", rows)


def ranking_of(con) -> risk.RiskRanking:
    ranking = risk.train(con, D, config.defaults())
    assert ranking.trained and ranking.chosen in risk.CANDIDATES
    assert ranking.scores["risk_score"].between(0, 1).all()
    return ranking


@pytest.mark.parametrize(
    "case",
    ["orders_only", "ten_customers", "short_history", "everyone_churned", "nobody_churned", "one_order_each"],
)
def test_thin_and_odd_books_get_a_ranking_and_a_message(con, case):
    # Orders only, no visits, one class (none), no tier: every case below.
    if case == "orders_only":
        orders_book(con, 300, 500, stop=lambda i: 120 if i % 4 == 0 else None)
    elif case == "ten_customers":
        orders_book(con, 10, 500, stop=lambda i: 100 if i % 3 == 0 else None)
    elif case == "short_history":
        orders_book(con, 60, 200, stop=lambda i: 100 if i % 3 == 0 else None)
    elif case == "everyone_churned":
        orders_book(con, 60, 500, stop=lambda i: 150 + i)  # everyone stops before the test dates
    elif case == "nobody_churned":
        orders_book(con, 60, 500)
    else:
        orders_book(con, 60, 400, gap=lambda i: 10_000)
    ranking = ranking_of(con)
    assert {"risk_note_no_visits", "risk_note_one_class", "risk_note_no_tier"} <= set(ranking.messages)
    if case == "orders_only":
        # Nobody stopped before the last test dates: the model has one outcome to learn from.
        assert all(c.mean_auc is not None for c in ranking.candidates if c.name != "gbm")
        assert ranking.candidate("gbm").reason == "risk_reason_single_class"
    if case == "ten_customers":
        assert ranking.candidate("gbm").reason == "risk_reason_thin"
    if case == "short_history":
        assert "risk_note_short_history" in ranking.messages
    if case in ("everyone_churned", "nobody_churned"):
        assert ranking.chosen == "days_since_last_order" and ranking.chosen_reason == "risk_chosen_fallback"
        assert "risk_reason_single_class" in ranking.messages
    if case == "one_order_each":
        assert ranking.candidate("cadence_ratio").reason == "risk_reason_no_repeat"
        assert ranking.candidate("bgnbd_alive").reason == "risk_reason_no_fit"
        assert ranking.chosen == "days_since_last_order"


def test_the_choice_is_the_best_mean_auc_and_never_worse_than_the_simple_rules():
    """Mean AUCs by hand: days 0.70, cadence (0.8 + 0.7 + 0.75) / 3 = 0.75, BG/NBD alive 0.74,
    expected not measured, model 0.75 (a tie with the simpler cadence ratio: the simpler stays)."""
    results = [
        CandidateResult("days_since_last_order", [0.7, 0.7, 0.7], 0.70),
        CandidateResult("cadence_ratio", [0.8, 0.7, 0.75], 0.75),
        CandidateResult("bgnbd_alive", [0.74, 0.74, 0.74], 0.74),
        CandidateResult("bgnbd_expected", [None, None, None], None, reason="risk_reason_no_fit"),
        CandidateResult("gbm", [0.75, 0.75, 0.75], 0.75),
    ]
    assert _choose(results) == ("cadence_ratio", "risk_chosen_best")
    results[4].mean_auc = 0.76
    assert _choose(results) == ("gbm", "risk_chosen_best")
    none = [CandidateResult(n, reason="risk_reason_single_class") for n in risk.CANDIDATES]
    assert _choose(none) == ("days_since_last_order", "risk_chosen_fallback")


def test_the_chosen_ranking_is_stored_and_read_back_without_training(con, monkeypatch):
    orders_book(con, 60, 400, stop=lambda i: 100 if i % 3 == 0 else None)
    steps = []
    first = risk.stored_ranking(con, D, config.defaults(), progress=lambda share, step: steps.append(step))
    assert not first.stored and steps[-1] == "done"

    def no_training(*args, **kwargs):
        raise AssertionError("trained again")

    monkeypatch.setattr(sys.modules["analytics.risk.train"], "train", no_training)
    again = risk.stored_ranking(con, D, config.defaults())
    assert again.stored and again.chosen == first.chosen and again.test_dates == first.test_dates
    pd.testing.assert_frame_equal(
        again.scores.sort_values("customer_id", ignore_index=True),
        first.scores.sort_values("customer_id", ignore_index=True),
        check_dtype=False,
    )
    assert [c.mean_auc for c in again.candidates] == [c.mean_auc for c in first.candidates]
    # Other settings: another key, trained again.
    with pytest.raises(AssertionError, match="trained again"):
        risk.stored_ranking(con, D, {"warnings": {"action_list_per_manager": 3}})


def dozen() -> pd.DataFrame:
    """Twelve open warnings of two managers: revenue at risk and risk by hand."""
    rows = [
        # customer, manager, revenue, risk -> expected loss
        ("a1", "M1", 1000, 0.9),  # 900
        ("a2", "M1", 5000, 0.1),  # 500
        ("a3", "M1", 2000, 0.5),  # 1000
        ("a4", "M1", 400, 0.5),  # 200
        ("a5", "M1", 3000, 0.2),  # 600
        ("a6", "M1", 100, 1.0),  # 100
        ("a7", "M1", 800, 0.5),  # 400
        ("b1", "M2", 60000, 0.5),  # 30000: above the floor
        ("b2", "M2", 1000, 0.3),  # 300
        ("b3", "M2", 50000, 0.5),  # 25000: above the floor
        ("b4", "M2", 2000, 0.05),  # 100
        ("b5", "M2", 700, 0.0),  # 0
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "manager_id", "revenue_at_risk", "risk_score"])
    frame["expected_loss"] = frame["revenue_at_risk"] * frame["risk_score"]
    return frame.sort_values("expected_loss", ascending=False, ignore_index=True)


def test_action_list_of_a_dozen_by_hand():
    settings = {"warnings": {"action_list_per_manager": 3, "action_list_min_loss": 20000.0}}
    listed = warnings.action_list(dozen(), settings)
    # M1's top 3: a3 1000, a1 900, a5 600; M2's top 3: b1, b3, b2; nothing else above 20,000.
    assert listed["customer_id"].tolist() == ["b1", "b3", "a3", "a1", "a5", "b2"]
    two = warnings.action_list(
        dozen(), {"warnings": {"action_list_per_manager": 1, "action_list_min_loss": 20000.0}}
    )
    # M1: a3; M2: b1, and b3 above the floor.
    assert two["customer_id"].tolist() == ["b1", "b3", "a3"]


def test_action_list_backtest_by_hand():
    facts = dozen()[["customer_id", "manager_id", "revenue_at_risk"]].assign(eligible=True)
    for rule in warnings.RULES:
        facts[rule] = False
    facts["cadence"] = ~facts["customer_id"].isin(["a6", "b5"])  # ten warned; a6, b5 only customers
    scores = dozen()[["customer_id", "risk_score"]]
    lost = {"b1", "a3", "a5", "a6", "b5"}
    outcome = pd.DataFrame(
        {"customer_id": facts["customer_id"], "no_order_after": facts["customer_id"].isin(lost)}
    )
    settings = {"warnings": {"action_list_per_manager": 3, "action_list_min_loss": 20000.0}}
    figures = warnings.list_backtest(facts, scores, outcome, settings)
    # Listed b1 b3 a3 a1 a5 b2: lost b1, a3, a5 -> precision 3 / 6. Lost value: b1 60000 + a3
    # 2000 + a5 3000 + a6 100 + b5 700 = 65800; listed lost 65000.
    assert figures["listed"] == 6
    assert figures["precision"] == pytest.approx(0.5)
    assert figures["value_recall"] == pytest.approx(65000 / 65800)


def test_followup_effect_of_a_dozen_by_hand():
    """Per manager: followed up (contacted/recovered within 90 days of opening) or not, came back
    (an order within 90 days), pending (neither back nor 90 days over)."""
    rows = [
        # manager, followed up, came back, window ended
        ("M1", True, True, True),
        ("M1", True, True, True),
        ("M1", True, False, True),
        ("M1", False, True, True),
        ("M1", False, False, True),
        ("M1", False, False, True),
        ("M1", False, False, False),  # pending
        ("M2", True, False, True),
        ("M2", False, True, True),
        ("M2", False, True, False),  # back before the window ended: known
        ("M2", False, False, True),
        ("M2", True, False, False),  # pending
    ]
    frame = pd.DataFrame(rows, columns=["manager_id", "followed_up", "came_back", "window_ended"])
    frame["manager_name"] = frame["manager_id"].map({"M1": "王", "M2": "李"})
    from analytics.warnings.effect import summarise

    effect = summarise(frame).set_index(pd.Index(["M1", "M2", "all"]))
    assert effect.loc[
        "M1",
        ["opened", "followed_up", "followed_up_back", "not_followed_up", "not_followed_up_back", "pending"],
    ].tolist() == [7, 3, 2, 3, 1, 1]
    assert effect.loc["M1", "back_share_followed_up"] == pytest.approx(2 / 3)
    assert effect.loc["M1", "back_share_not_followed_up"] == pytest.approx(1 / 3)
    assert effect.loc[
        "M2", ["followed_up", "followed_up_back", "not_followed_up", "not_followed_up_back", "pending"]
    ].tolist() == [1, 0, 3, 2, 1]
    assert effect.loc["all", "opened"] == 12 and effect.loc[
        "all", "back_share_not_followed_up"
    ] == pytest.approx(3 / 6)


def test_followup_effect_from_the_database(con):
    """c0 warned (cadence) at D, followed up (contacted) two days later, orders 20 days later:
    followed up and back. c1 warned, not followed up, no order: not back (90 days over by as_of)."""
    insert(con, "managers", [{"manager_id": "M1", "manager_name": "王", "team": "East"}])
    insert(
        con,
        "customers",
        [
            {"customer_id": c, "customer_name": c, "manager_id": "M1", "status": "active"}
            for c in ("c0", "c1")
        ],
    )
    start = date(2025, 1, 1)
    rows = [
        {
            "order_id": f"{c}-{k}",
            "customer_id": c,
            "order_date": start + timedelta(days=7 * k),
            "amount": 1000.0,
        }
        for c in ("c0", "c1")
        for k in range(10)
    ]
    warned_on = start + timedelta(days=63 + 30)
    rows.append(
        {
            "order_id": "c0-back",
            "customer_id": "c0",
            "order_date": warned_on + timedelta(days=20),
            "amount": 1000.0,
        }
    )
    rows.append(
        {"order_id": "c9", "customer_id": "c1", "order_date": warned_on + timedelta(days=200), "amount": 0.0}
    )
    insert(con, "orders", rows)
    insert(
        con,
        "warning_followups",
        [
            {
                "customer_id": "c0",
                "status": "contacted",
                "warned_on": warned_on,
                "updated_at": datetime.combine(warned_on + timedelta(days=2), datetime.min.time()),
            }
        ],
    )
    effect = warnings.followup_effect(
        con, Filters(start=warned_on, end=warned_on), warned_on + timedelta(days=200), config.defaults()
    )
    total = effect.iloc[-1]
    assert (
        total["followed_up"],
        total["followed_up_back"],
        total["not_followed_up"],
        total["not_followed_up_back"],
    ) == (1, 1, 1, 0)
    assert np.isclose(total["back_share_followed_up"], 1.0) and np.isclose(
        total["back_share_not_followed_up"], 0.0
    )


def test_a_large_book_is_sampled_by_whole_managers_and_the_rules_read_the_same_sample(con, monkeypatch):
    """With room for 40 of 120 customers and 12 managers the backtest reads about a third of the
    managers, each with all of their customers, and the rules of the action list's backtest read
    exactly those customers."""
    from analytics.risk import features as feat

    insert(con, "managers", [{"manager_id": f"M{m:02d}", "manager_name": f"王{m}"} for m in range(12)])
    insert(
        con,
        "customers",
        [
            {"customer_id": f"c{i:03d}", "manager_id": f"M{i % 12:02d}", "status": "active"}
            for i in range(120)
        ],
    )
    insert(
        con,
        "orders",
        [
            {"order_id": f"o{i}", "customer_id": f"c{i:03d}", "order_date": D, "amount": 10.0}
            for i in range(120)
        ],
    )
    monkeypatch.setattr(feat, "MAX_TRAIN_CUSTOMERS", 40)
    monkeypatch.setattr(feat, "MIN_SAMPLED_MANAGERS", 3)
    sample = feat.backtest_sample(con)
    assert sample.sampled and sample.by_manager and sample.share == pytest.approx(1 / 3)
    facts = warnings.rule_facts(con, Filters(), D, config.defaults(), sample.values())
    features = feat.snapshot_features(con, [D], D, config.defaults(), sample)
    assert set(features["customer_id"]) == set(facts["customer_id"]) and 0 < len(facts) < 120
    managers = {f"c{i:03d}": f"M{i % 12:02d}" for i in range(120)}
    chosen = {managers[c] for c in facts["customer_id"]}
    assert len(facts) == 10 * len(chosen)  # every chosen manager's ten customers, no one else's
    by_customer = feat.Sample(sample.share, by_manager=False)
    spread = {managers[c] for c in feat.snapshot_features(con, [D], D, None, by_customer)["customer_id"]}
    assert len(spread) > len(chosen)
