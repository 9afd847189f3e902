"""BG/NBD (analytics/bgnbd.py): the published CDNOW fit, a simulated book, hand-worked cases, odd books."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, special
from sklearn.metrics import roc_auc_score

from analytics import bgnbd
from analytics.bgnbd import BgNbdError, BgNbdParams

CDNOW = Path(__file__).resolve().parent / "fixtures" / "cdnow_customers_summary.csv"
# Fader, Hardie & Lee (2005), CDNOW sample, weeks: r, alpha, a, b and the log-likelihood.
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
# The CDNOW estimates as a fixed parameter set, for the tests that need no fit.
CDNOW_PARAMS = BgNbdParams(0.243, 4.414, 0.793, 2.426, -9582.4, 2357, True)


@pytest.fixture(scope="module")
def cdnow_fit() -> BgNbdParams:
    book = pd.read_csv(CDNOW)
    return bgnbd.fit(book["frequency"], book["recency"], book["T"])


def test_cdnow_fit_reproduces_the_published_estimates(cdnow_fit):
    assert cdnow_fit.n_customers == 2357
    assert cdnow_fit.converged
    for name, published in PUBLISHED.items():
        assert getattr(cdnow_fit, name) == pytest.approx(published, rel=0.02), name
    assert cdnow_fit.log_likelihood == pytest.approx(-9582.4, abs=0.1)


def test_cdnow_conditional_expectation_matches_hardies_worked_example(cdnow_fit):
    # Hardie's spreadsheet for the paper: x = 2, t_x = 30.43, T = 38.86 -> 1.226 purchases in the
    # next 39 weeks.
    assert bgnbd.expected_purchases(cdnow_fit, 39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=1e-3)


def test_likelihood_gradient_matches_finite_differences():
    book = pd.read_csv(CDNOW)
    ux, inv = np.unique(book["frequency"].to_numpy(float), return_inverse=True)
    data = (ux, inv, book["recency"].to_numpy(float), book["T"].to_numpy(float))
    for point in (np.zeros(4), np.log([0.243, 4.414, 0.793, 2.426]), np.array([1.0, -2.0, 3.0, 0.5])):
        _, grad = bgnbd._neg_log_likelihood(point, *data)
        numeric = optimize.approx_fprime(point, lambda p: bgnbd._neg_log_likelihood(p, *data)[0], 1e-6)
        np.testing.assert_allclose(grad, numeric, rtol=1e-3, atol=1e-2)


def _simulate(rng, n, r, alpha, a, b, horizon, holdout, first_within):
    """A book drawn from the model itself, purchase by purchase.

    Each customer: rate lambda ~ Gamma(r, 1/alpha), quitting probability p ~ Beta(a, b), first
    purchase uniform in [0, first_within]; then exponential gaps at rate lambda, and after each
    repeat purchase the customer quits for good with probability p. Returns the calibration
    summary up to `horizon` (x, t_x, T), who is truly still alive at `horizon`, and the purchases
    made in (horizon, horizon + holdout].
    """
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    first = rng.uniform(0.0, first_within, n)
    now = first.copy()
    x, t_x, later = np.zeros(n), np.zeros(n), np.zeros(n)
    alive = np.ones(n, dtype=bool)
    going = np.ones(n, dtype=bool)
    while going.any():
        idx = np.flatnonzero(going)
        now[idx] += rng.exponential(1.0 / lam[idx])
        done = now[idx] > horizon + holdout
        going[idx[done]] = False
        idx = idx[~done]
        in_cal = now[idx] <= horizon
        cal = idx[in_cal]
        x[cal] += 1
        t_x[cal] = now[cal] - first[cal]
        later[idx[~in_cal]] += 1
        quits = rng.random(idx.size) < p[idx]
        alive[idx[quits & in_cal]] = False
        going[idx[quits]] = False
    return x, t_x, horizon - first, alive, later


def test_simulated_book_recovers_its_parameters_and_ranks_the_living_first():
    true = {"r": 0.8, "alpha": 3.0, "a": 1.2, "b": 4.0}
    rng = np.random.default_rng(20250516)
    x, t_x, T, alive, later = _simulate(rng, 20_000, **true, horizon=104.0, holdout=26.0, first_within=52.0)
    params = bgnbd.fit(x, t_x, T)
    assert params.converged
    # Tolerance: over 40 seeds of this very design the relative errors had standard deviations
    # r 1.2 %, alpha 1.6 %, a 2.6 %, b 3.4 % (largest seen 3.5, 3.9, 6.2, 8.5 %). a and b are
    # strongly correlated (their ratio, the mean quitting probability, is much better known), so
    # 10 % for r and alpha and 15 % for a and b is >= 4 standard deviations: a wrong likelihood
    # or gradient fails it, sampling noise does not.
    for name, tol in {"r": 0.10, "alpha": 0.10, "a": 0.15, "b": 0.15}.items():
        assert getattr(params, name) == pytest.approx(true[name], rel=tol), name
    assert params.a / (params.a + params.b) == pytest.approx(1.2 / 5.2, rel=0.05)

    p_alive = bgnbd.probability_alive(params, x, t_x, T)
    assert roc_auc_score(alive, p_alive) > 0.9
    repeat = x > 0  # the customers without a repeat purchase are alive by construction
    assert roc_auc_score(alive[repeat], p_alive[repeat]) > 0.85
    # Eq. 10 summed over the book against what the simulated customers really bought next (the
    # book total's sampling error is about 2 %).
    predicted = bgnbd.expected_purchases(params, 26.0, x, t_x, T).sum()
    assert predicted == pytest.approx(later.sum(), rel=0.08)


# ---------------------------------------------------------------- hand-worked cases


def test_no_repeat_purchase_means_alive_by_the_model():
    T = np.array([0.0, 1.0, 39.0, 500.0])
    np.testing.assert_array_equal(bgnbd.probability_alive(CDNOW_PARAMS, np.zeros(4), np.zeros(4), T), 1.0)


def test_probability_alive_falls_as_the_silence_grows():
    T = np.array([10.0, 12.0, 20.0, 40.0, 80.0, 300.0])
    p = bgnbd.probability_alive(CDNOW_PARAMS, 3, 10.0, T)
    assert np.all(np.diff(p) < 0)
    # Just after the last purchase (T = t_x) only the chance of quitting on it remains:
    # 1 / (1 + a / (b + x - 1)) = 1 / (1 + 0.793 / 4.426).
    assert p[0] == pytest.approx(1.0 / (1.0 + 0.793 / 4.426))
    # A regular buyer who falls silent is more suspicious than an occasional one.
    assert bgnbd.probability_alive(CDNOW_PARAMS, 20, 10.0, 40.0) < bgnbd.probability_alive(
        CDNOW_PARAMS, 2, 10.0, 40.0
    )


def test_expected_purchases_grow_with_the_horizon():
    t = np.array([0.0, 1.0, 5.0, 10.0, 52.0, 200.0, 2000.0])
    e = bgnbd.expected_purchases(CDNOW_PARAMS, t, 4, 30.0, 39.0)
    assert e[0] == 0.0
    assert np.all(np.diff(e) > 0)


def _paper_eq10(p: BgNbdParams, t, x, t_x, T):
    """Eq. 10 exactly as printed (overflows for a large x; fine for these moderate values)."""
    z = t / (p.alpha + T + t)
    hyp = special.hyp2f1(p.r + x, p.b + x, p.a + p.b + x - 1, z)
    numerator = (p.a + p.b + x - 1) / (p.a - 1) * (1 - ((p.alpha + T) / (p.alpha + T + t)) ** (p.r + x) * hyp)
    odds = (x > 0) * p.a / (p.b + np.maximum(x, 1) - 1) * ((p.alpha + T) / (p.alpha + t_x)) ** (p.r + x)
    return numerator / (1 + odds)


@pytest.mark.parametrize(
    "params",
    [
        CDNOW_PARAMS,
        BgNbdParams(0.8, 3.0, 1.2, 4.0, 0.0, 0, True),
        BgNbdParams(2.0, 10.0, 3.5, 0.6, 0.0, 0, True),
    ],
)
def test_expected_purchases_equal_the_printed_formula(params):
    t = np.array([1.0, 13.0, 39.0, 104.0])
    x = np.array([0.0, 1.0, 5.0, 12.0])
    t_x = np.array([0.0, 3.0, 20.0, 35.0])
    T = np.array([10.0, 20.0, 30.0, 52.0])
    np.testing.assert_allclose(
        bgnbd.expected_purchases(params, t, x, t_x, T), _paper_eq10(params, t, x, t_x, T), rtol=1e-8
    )


@pytest.mark.parametrize("params", [CDNOW_PARAMS, BgNbdParams(0.8, 3.0, 1.2, 4.0, 0.0, 0, True)])
def test_quadrature_fallback_agrees_with_eq10(params):
    rng = np.random.default_rng(3)
    x = rng.integers(0, 60, 100).astype(float)
    T = rng.uniform(1.0, 300.0, 100)
    t_x = np.where(x > 0, T * rng.random(100), 0.0)
    t = rng.choice([1.0, 13.0, 52.0, 520.0], 100)
    by_quadrature = bgnbd._expected_if_alive(params, t, x, T) * bgnbd.probability_alive(params, x, t_x, T)
    np.testing.assert_allclose(by_quadrature, bgnbd.expected_purchases(params, t, x, t_x, T), rtol=1e-4)


def test_summary_from_orders_hand_built():
    orders = pd.DataFrame(
        [
            ("C1", "2024-01-01"),
            ("C1", "2024-01-15"),
            ("C1", "2024-01-15 14:30"),  # same day again: one order day
            ("C1", "2024-02-12"),
            ("C1", "2024-04-10"),  # after the calibration end: ignored
            ("C2", "2024-03-03"),
            ("C3", "2024-03-10"),
            ("C3", "2024-03-31"),  # on the calibration end: counted
            ("C4", "2024-04-02"),  # first order after the end: not yet a customer
        ],
        columns=["customer_id", "order_date"],
    )
    summary = bgnbd.summary_from_orders(orders, date(2024, 3, 31))
    # C1: first 1 Jan, repeats 15 Jan and 12 Feb (42 days = 6 weeks); 1 Jan -> 31 Mar 2024 is
    # 31 + 29 + 30 = 90 days. C2: one order 28 days before the end. C3: 21 days apart, the last
    # on the end day.
    assert summary["customer_id"].tolist() == ["C1", "C2", "C3"]
    assert summary["x"].tolist() == [2, 0, 1]
    np.testing.assert_allclose(summary["t_x"], [6.0, 0.0, 3.0])
    np.testing.assert_allclose(summary["T"], [90 / 7, 4.0, 3.0])
    in_days = bgnbd.summary_from_orders(orders, date(2024, 3, 31), unit_days=1.0)
    np.testing.assert_allclose(in_days["t_x"], [42.0, 0.0, 21.0])
    np.testing.assert_allclose(in_days["T"], [90.0, 28.0, 21.0])


def test_summary_from_orders_edge_frames():
    empty = bgnbd.summary_from_orders(pd.DataFrame({"customer_id": [], "order_date": []}), date(2024, 1, 1))
    assert empty.empty
    assert list(empty.columns) == ["customer_id", "x", "t_x", "T"]
    with pytest.raises(BgNbdError, match="order_date"):
        bgnbd.summary_from_orders(pd.DataFrame({"customer_id": [1]}), date(2024, 1, 1))
    with pytest.raises(BgNbdError, match="cannot be read"):
        bgnbd.summary_from_orders(
            pd.DataFrame({"customer_id": [1], "order_date": ["soon"]}), date(2024, 1, 1)
        )
    with pytest.raises(BgNbdError, match="blank"):
        bgnbd.summary_from_orders(
            pd.DataFrame({"customer_id": [1, 1], "order_date": ["2023-12-01", None]}), date(2024, 1, 1)
        )
    with pytest.raises(BgNbdError, match="positive"):
        bgnbd.summary_from_orders(
            pd.DataFrame({"customer_id": [1], "order_date": ["2024-01-01"]}), date(2024, 1, 1), 0
        )


# ---------------------------------------------------------------- books that cannot be fitted


def test_too_few_customers():
    with pytest.raises(BgNbdError, match="only 5 customers"):
        bgnbd.fit([1, 2, 0, 3, 1], [2.0, 5.0, 0.0, 9.0, 1.0], [10.0] * 5)


def test_nobody_ever_repeats():
    with pytest.raises(BgNbdError, match="more than once") as caught:
        bgnbd.fit(np.zeros(200), np.zeros(200), np.linspace(1.0, 40.0, 200))
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("x", "t_x", "T"),
    [
        ([1.0, np.nan] * 10, [1.0] * 20, [5.0] * 20),  # a blank
        ([1.0] * 20, [6.0] * 20, [5.0] * 20),  # last purchase after the end
        ([-1.0] * 20, [1.0] * 20, [5.0] * 20),  # negative count
        ([1.0] * 20, [1.0] * 19, [5.0] * 20),  # lengths differ
    ],
)
def test_bad_inputs_raise_the_plain_error(x, t_x, T):
    with pytest.raises(BgNbdError):
        bgnbd.fit(x, t_x, T)


# ---------------------------------------------------------------- odd books and extreme values


def test_extreme_values_stay_finite():
    x = np.array([0.0, 1.0, 500.0, 500.0, 500.0, 50.0, 3.0])
    t_x = np.array([0.0, 0.0, 499.0, 1.0, 500.0, 500.0, 0.5])
    T = np.array([0.0, 500.0, 500.0, 500.0, 500.0, 500.0, 500.0])
    extremes = [
        CDNOW_PARAMS,
        BgNbdParams(1e-3, 1e3, 50.0, 1e4, 0.0, 0, True),
        BgNbdParams(40.0, 1e-3, 1e-3, 1e-3, 0.0, 0, True),
        BgNbdParams(0.5, 2.0, 1.0, 3.0, 0.0, 0, True),  # a = 1: the formula's removable singularity
        BgNbdParams(0.01, 0.01, 0.01, 1e5, 0.0, 0, True),  # scipy's hyp2f1 fails: quadrature
        BgNbdParams(100.0, 1e5, 1e5, 1e-5, 0.0, 0, True),
    ]
    for params in extremes:
        p = bgnbd.probability_alive(params, x, t_x, T)
        assert np.all(np.isfinite(p))
        assert np.all((p >= 0) & (p <= 1))
        for t in (0.0, 1.0, 52.0, 1e4):
            e = bgnbd.expected_purchases(params, t, x, t_x, T)
            assert np.all(np.isfinite(e)), (params, t)
            assert np.all(e >= 0)
    # 500 purchases in 500 weeks, the last one this week: about one a week ahead.
    assert 45 < bgnbd.expected_purchases(CDNOW_PARAMS, 52.0, 500, 499, 500) < 52
    # ... silent for 499 weeks: as good as gone.
    assert bgnbd.probability_alive(CDNOW_PARAMS, 500, 1, 500) < 1e-100
    # Nobody quits (b = 1e5) and rates average r / alpha = 1 a week: 52 purchases in a year, where
    # eq. 10 through scipy's hyp2f1 gives NaN.
    nobody_quits = BgNbdParams(0.01, 0.01, 0.01, 1e5, 0.0, 0, True)
    assert bgnbd.expected_purchases(nobody_quits, 52.0, 0, 0, 0) == pytest.approx(52.0, rel=0.01)
    # a = 1 sits between its neighbours.
    near = [
        bgnbd.expected_purchases(BgNbdParams(0.5, 2.0, a, 3.0, 0.0, 0, True), 52.0, 3, 20, 40)
        for a in (0.999, 1.0, 1.001)
    ]
    assert near[0] > near[1] > near[2] or near[0] < near[1] < near[2]


def test_odd_books_fit_without_a_crash():
    rng = np.random.default_rng(7)
    # Heavy buyers over ten years alongside one-off buyers.
    x = np.concatenate([rng.integers(200, 500, 30), np.zeros(30)])
    T = np.full(60, 500.0)
    t_x = np.where(x > 0, rng.uniform(400.0, 500.0, 60), 0.0)
    params = bgnbd.fit(x, t_x, T)
    assert all(np.isfinite([params.r, params.alpha, params.a, params.b, params.log_likelihood]))
    assert np.all(np.isfinite(bgnbd.expected_purchases(params, 52.0, x, t_x, T)))
    # Nobody ever quits (every customer bought right up to the end): the fitted quitting
    # probability a / (a + b) comes out next to nothing, and nothing breaks.
    x = rng.integers(5, 40, 100).astype(float)
    params = bgnbd.fit(x, np.full(100, 52.0), np.full(100, 52.0))
    assert all(np.isfinite([params.r, params.alpha, params.a, params.b]))
    assert params.a / (params.a + params.b) < 1e-3
    assert np.all(np.isfinite(bgnbd.probability_alive(params, x, np.full(100, 52.0), np.full(100, 52.0))))
    # Ten customers, the minimum.
    params = bgnbd.fit([0, 1, 2, 0, 5, 1, 0, 3, 0, 2], [0, 4, 9, 0, 20, 2, 0, 15, 0, 6], [26.0] * 10)
    assert params.n_customers == 10
