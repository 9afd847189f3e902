"""The risk model on a generated history with planted churners, thin data, and the as-of bound."""

import shutil
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from analytics import config, db, warnings
from analytics import risk as risk_model
from analytics.filters import Filters
from tests.conftest import insert

D = date(2025, 12, 31)
START = date(2024, 1, 1)


def history(
    customers: int, seed: int = 3, churn_share: float = 0.3
) -> tuple[list[dict], pd.DataFrame, pd.DataFrame]:
    """Weekly buyers; churners fade (smaller, rarer orders, fewer visits) for ten weeks and stop;
    others pause for a few weeks without fading first, so recency alone is not enough."""
    rng = np.random.default_rng(seed)
    days = (D - START).days
    classes = np.array(["core", "potential", "regular", "assist"])[rng.integers(0, 4, customers)]
    rows, visits = [], []
    for i in range(customers):
        cid = f"c{i:04d}"
        value = float(np.exp(rng.normal(7, 0.6)))
        offset = int(rng.integers(0, 7))
        churn = rng.random() < churn_share
        stop = int(rng.integers(60, days - 60)) if churn else days + 1
        pause_from = int(rng.integers(0, days)) if not churn and rng.random() < 0.25 else -1
        pause_len = int(rng.integers(35, 56))
        for day in range(offset, min(stop, days + 1), 7):
            fade = min(1.0, max(0.0, (stop - day) / 70)) if churn else 1.0
            if pause_from <= day < pause_from + pause_len or rng.random() < 0.08 + 0.6 * (1 - fade):
                continue
            rows.append(
                (cid, START + timedelta(days=day), value * (0.3 + 0.7 * fade) * rng.lognormal(0, 0.2))
            )
        for day in range(int(rng.integers(0, 14)), min(stop, days + 1), 14):
            fade = min(1.0, max(0.0, (stop - day) / 70)) if churn else 1.0
            if rng.random() < fade:
                visits.append((cid, pd.Timestamp(START + timedelta(days=day)) + pd.Timedelta(hours=10)))
    customers_rows = [
        {
            "customer_id": f"c{i:04d}",
            "customer_name": f"店{i}",
            "manager_id": "M1",
            "customer_class": classes[i],
            "status": "active",
            "tier": 10,
        }
        for i in range(customers)
    ]
    orders = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    orders["order_id"] = orders["customer_id"] + "-" + orders["order_date"].astype(str)
    visit_frame = pd.DataFrame(visits, columns=["customer_id", "visit_date"]).assign(manager_id="M1")
    return customers_rows, orders, visit_frame


def load(con, customers: int, **kwargs) -> None:
    people, orders, visits = history(customers, **kwargs)
    insert(con, "managers", [{"manager_id": "M1", "manager_name": "王", "team": "East"}])
    insert(con, "customers", people)
    insert(con, "orders", orders.to_dict("records"))
    insert(con, "visits", visits.to_dict("records"))


@pytest.fixture(scope="module")
def planted_path(tmp_path_factory):
    """The planted history in a file shared by the tests that only read it."""
    path = tmp_path_factory.mktemp("planted") / "planted.duckdb"
    load(db.connect(path), 600)
    return path


@pytest.fixture(scope="module")
def planted_model(planted_path):
    """The ranking trained once on the planted history as of D, and the progress steps seen."""
    steps = []
    model = risk_model.train(
        db.connect(planted_path),
        D,
        config.defaults(),
        progress=lambda share, step: steps.append((share, step)),
    )
    return model, steps


@pytest.fixture
def planted_con(planted_path):
    yield db.connect(planted_path)
    db.close_all()


def test_model_beats_days_since_last_order_on_planted_churners(planted_con, planted_model):
    planted = planted_con
    risk = risk_model.score(planted, planted_model[0], D, config.defaults())
    assert risk.trained, risk.reason
    assert risk.test_snapshot == D - timedelta(days=90)
    assert risk.test_rows > 300 and 0 < risk.test_positive_share < 0.5
    assert risk.baseline_auc > 0.6
    assert risk.auc >= max(risk.candidate(n).mean_auc or 0 for n in risk_model.CANDIDATES)
    assert risk.auc >= risk.baseline_auc
    assert 0 <= risk.top_precision <= 1 and 0 <= risk.baseline_top_precision <= 1
    scores = risk.scores
    assert scores["risk_score"].between(0, 1).all()
    facts = warnings.rule_facts(planted, Filters(), D, config.defaults())
    recent = facts[pd.to_datetime(facts["last_order_date"]) > pd.Timestamp(D - timedelta(days=365))]
    assert set(scores["customer_id"]) == set(recent["customer_id"])
    # Customers who stopped long ago score higher than those who ordered this week.
    merged = scores.merge(facts, on="customer_id")
    assert (
        merged.loc[merged["days_since_last_order"] > 120, "risk_score"].mean()
        > merged.loc[merged["days_since_last_order"] < 7, "risk_score"].mean()
    )
    table = risk.backtest()
    assert table["candidate"].tolist() == list(risk_model.CANDIDATES)
    assert table["chosen"].sum() == 1 and len(risk.test_dates) == 3


def test_the_future_of_the_as_of_date_changes_nothing(planted_path, planted_model, tmp_path):
    db.close_all()
    shutil.copyfile(planted_path, tmp_path / "later.duckdb")
    planted = db.connect(tmp_path / "later.duckdb")
    before = risk_model.score(planted, planted_model[0], D, config.defaults())
    insert(
        planted,
        "orders",
        [
            {
                "order_id": f"late-{i}",
                "customer_id": f"c{i:04d}",
                "order_date": D + timedelta(days=1 + i % 30),
                "amount": 5000.0,
            }
            for i in range(0, 600, 3)
        ],
    )
    insert(
        planted,
        "visits",
        [{"customer_id": "c0001", "manager_id": "M1", "visit_date": pd.Timestamp(D) + pd.Timedelta(days=2)}],
    )
    after = risk_model.assess(planted, D, config.defaults())
    assert after.auc == before.auc and after.baseline_auc == before.baseline_auc
    pd.testing.assert_frame_equal(before.scores, after.scores)


def test_thin_data_still_gives_a_ranking_and_says_what_could_not_be_fitted(con):
    load(con, 15)
    risk = risk_model.assess(con, D, config.defaults())
    assert risk.trained and risk.chosen != "gbm"
    assert risk.candidate("gbm").reason == "risk_reason_thin" and "risk_reason_thin" in risk.messages
    assert risk.scores["risk_score"].between(0, 1).all() and len(risk.scores) > 0
    ranked = warnings.warning_list(con, Filters(), D, config.defaults(), scores=risk.scores, include_all=True)
    recent = pd.to_datetime(ranked["last_order_date"]) > pd.Timestamp(D - timedelta(days=365))
    assert ranked.loc[recent, "risk_score"].notna().all() and recent.any()


def test_a_single_outcome_falls_back_to_days_since_last_order(con):
    load(con, 250, churn_share=0.0)
    risk = risk_model.assess(con, date(2024, 9, 30), config.defaults())
    assert risk.trained and risk.chosen == "days_since_last_order"
    assert risk.chosen_reason == "risk_chosen_fallback" and "risk_reason_single_class" in risk.messages


def test_empty_store_has_no_model(con):
    risk = risk_model.assess(con, None, config.defaults())
    assert not risk.trained and risk.reason == "no_data"


def test_the_ranking_in_use_is_never_worse_than_the_simple_rules_on_the_demo(demo_db_path):
    """The demo (what a new user sees): every candidate is measured, the one in use has the best
    mean AUC of the backtest, so it ranks at least as well as days since last order and the
    cadence ratio, and the action list's backtest is there beside it."""
    risk = risk_model.assess(db.connect(demo_db_path), None, config.defaults())
    assert risk.trained and len(risk.test_dates) == 3
    measured = {c.name: c.mean_auc for c in risk.candidates}
    assert None not in measured.values(), measured
    assert risk.chosen == max(measured, key=measured.get)
    assert risk.auc >= max(measured["days_since_last_order"], measured["cadence_ratio"]) > 0.6
    figures = risk.list_figures()
    assert len(figures) == 3 and (figures["listed"] > 0).all() and figures["precision"].between(0, 1).all()


def test_features_of_one_customer_worked_out_on_paper(con):
    """Order days at d-400 (100), d-300 (100), d-100 (200), d-60, d-20 (50 each), d-10 (100);
    one visit at d-30 (class core: every 14 days)."""
    settings = config.defaults()
    insert(con, "managers", [{"manager_id": "M1", "manager_name": "王", "team": "East"}])
    insert(
        con,
        "customers",
        [
            {
                "customer_id": "a",
                "customer_name": "店",
                "manager_id": "M1",
                "customer_class": "core",
                "status": "active",
                "tier": 7,
            }
        ],
    )
    days = [(400, 100.0), (300, 100.0), (100, 200.0), (60, 50.0), (20, 50.0), (10, 100.0)]
    insert(
        con,
        "orders",
        [
            {"order_id": f"o{n}", "customer_id": "a", "order_date": D - timedelta(days=n), "amount": amount}
            for n, amount in days
        ],
    )
    insert(
        con,
        "visits",
        [
            {
                "customer_id": "a",
                "manager_id": "M1",
                "visit_date": pd.Timestamp(D - timedelta(days=30)) + pd.Timedelta(hours=9),
            }
        ],
    )
    # One snapshot at d, and one at d - 90 whose label window (d - 90, d] is known.
    frame = risk_model.snapshot_features(con, [D, D - timedelta(days=90)], D, settings)
    now = frame[pd.to_datetime(frame["snapshot"]).dt.date == D].iloc[0]
    mean_gap = (400 - 10) / 5  # d-400 .. d-10: five gaps over the last 365 days
    expected = {
        "days_since_last_order": 10,
        "recency_ratio": 10 / mean_gap,
        "orders_90": 3,
        "orders_365": 5,
        "order_trend": (3 + 1) / (1 + 1),
        "value_trend": 0.0,
        "value_yoy": np.log(300 / 200),
        "basket_trend": np.log((200 / 3) / 200),
        "recent_gap_ratio": ((60 - 10) / 2) / mean_gap,
        "log_value_365": np.log(501),
        "tenure_days": 400,
        "visits_90": 1,
        "visit_trend": 2.0,
        "visit_overdue_ratio": 30 / 14,
        "class_code": 0.0,
        "tier": 7.0,
    }
    for name, value in expected.items():
        assert now[name] == pytest.approx(value), name
    assert pd.isna(now["no_order_after"])
    before = frame[pd.to_datetime(frame["snapshot"]).dt.date == D - timedelta(days=90)].iloc[0]
    # At d - 90: d-400, d-300 and d-100 in the last 365 days, none in the 90 before them, so the
    # mean gap is (400 - 100) / 2; one order day in the last 90 days: no recent gap.
    assert before["days_since_last_order"] == 10 and before["orders_365"] == 3
    assert before["recency_ratio"] == pytest.approx(10 / ((400 - 100) / 2))
    assert before["tenure_days"] == 400 - 90
    assert pd.isna(before["recent_gap_ratio"]) and before["no_order_after"] == False  # noqa: E712


def test_train_then_score_is_assess(planted_con, planted_model):
    planted = planted_con
    model, steps = planted_model
    assert model.trained and model.ranker is not None and steps[-1] == (1.0, "done")
    risk = risk_model.score(planted, model, D, config.defaults())
    same = risk_model.assess(planted, D, config.defaults())
    assert (risk.auc, risk.baseline_auc, risk.train_rows) == (same.auc, same.baseline_auc, same.train_rows)
    pd.testing.assert_frame_equal(risk.scores, same.scores)
    with pytest.raises(ValueError):
        risk_model.score(planted, model, D - timedelta(days=1), config.defaults())


def test_an_untrained_ranking_scores_nobody(con):
    model = risk_model.train(con, D, config.defaults())
    risk = risk_model.score(con, model, None, config.defaults())
    assert not risk.trained and risk.reason == "no_data" and risk.scores.empty
