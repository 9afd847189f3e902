"""BG/NBD: how often a customer buys, and whether the customer is still buying at all.

The model of Fader, Hardie & Lee (2005), "Counting your customers the easy way". While a customer
is still "alive" they buy at their own steady rate (a Poisson process with rate lambda); right
after each repeat purchase they may quit for good with their own probability p. Across the book
lambda follows a Gamma(r, alpha) and p a Beta(a, b) distribution. Four numbers (r, alpha, a, b)
describe the whole book; with a customer's own history they give

- probability_alive: the chance the customer has not quietly stopped buying, and
- expected_purchases: how many purchases to expect from the customer in the next t units.

A customer's history is summarised by three numbers, counted in units of `unit_days` (weeks by
default) from the customer's first purchase: x, the repeat purchase days; t_x, the time of the
last purchase; and T, the customer's age at the end of the calibration period.

Why this implementation: the model's likelihood has a closed form (eq. 6 of the paper), so a
maximum likelihood fit is a few lines of numpy with scipy's gammaln / betaln / hyp2f1 and
scipy.optimize, and fits a book of thousands of customers in well under a second.
pymc-marketing's BetaGeoModel would bring PyMC and PyTensor (hundreds of megabytes, and a graph
compilation of tens of seconds on first use) to get the same four numbers by MAP. The `lifetimes`
package, which the paper's formulas are usually taken from, has been unmaintained since 2020 and
breaks on current pandas and numpy. Only its CDNOW sample is used, as a test fixture. Besides
numpy, pandas and scipy the fit uses threadpoolctl (already installed with scikit-learn, and
optional) to keep BLAS on one thread.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize, special

MIN_CUSTOMERS = 10
_LOG_BOUND = 12.0  # the fit keeps every parameter within exp(+-12): 6e-6 .. 1.6e5
_STARTS = ((0.0, 0.0, 0.0, 0.0), (-1.0, 1.5, 0.0, 1.0), (0.5, 2.5, 0.5, 2.0), (-1.5, 0.5, -0.5, 0.5))


class BgNbdError(ValueError):
    """The model cannot be fitted or applied to these data; the message says why in plain words."""


@dataclass(frozen=True)
class BgNbdParams:
    """The four fitted numbers of the book and how the fit went.

    r, alpha: shape and scale of the buying rates (mean rate r / alpha purchases per unit).
    a, b: shape of the quitting probabilities (mean a / (a + b) after each repeat purchase).
    log_likelihood: of the fitted book; n_customers: customers it was fitted on.
    converged: the optimiser reported success and no parameter ended on its bound.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int
    converged: bool


def summary_from_orders(
    order_days: pd.DataFrame, calibration_end: date, unit_days: float = 7.0
) -> pd.DataFrame:
    """Per customer x, t_x and T from the order days up to and including `calibration_end`.

    `order_days` has a row per customer and order day (columns customer_id, order_date; several
    rows on the same day count once). x = order days after the first one; t_x = time from the
    first to the last order day; T = time from the first order day to `calibration_end`; times in
    units of `unit_days` days. Customers whose first order comes after `calibration_end` are left
    out. Returns columns customer_id, x, t_x, T, one row per customer, sorted by customer_id.
    """
    if unit_days <= 0:
        raise BgNbdError("the time unit must be a positive number of days")
    missing = {"customer_id", "order_date"} - set(order_days.columns)
    if missing:
        raise BgNbdError(f"the order days lack the column(s) {', '.join(sorted(missing))}")
    end = pd.Timestamp(calibration_end).tz_localize(None).normalize()
    try:
        days = pd.to_datetime(order_days["order_date"], format="mixed")
    except (ValueError, TypeError) as exc:
        raise BgNbdError("some order dates cannot be read as dates") from exc
    if days.isna().any():
        raise BgNbdError("some order dates are blank")
    if days.dt.tz is not None:
        days = days.dt.tz_localize(None)
    frame = pd.DataFrame(
        {"customer_id": order_days["customer_id"].to_numpy(), "day": days.dt.normalize().to_numpy()}
    )
    frame = frame[frame["day"] <= end].drop_duplicates()
    if frame.empty:
        return pd.DataFrame({"customer_id": [], "x": [], "t_x": [], "T": []}).astype(
            {"x": "int64", "t_x": "float64", "T": "float64"}
        )
    grouped = frame.groupby("customer_id", sort=True)["day"].agg(["min", "max", "count"])
    day = pd.Timedelta(days=1)
    return pd.DataFrame(
        {
            "customer_id": grouped.index.to_numpy(),
            "x": (grouped["count"] - 1).to_numpy(dtype="int64"),
            "t_x": ((grouped["max"] - grouped["min"]) / day).to_numpy(dtype="float64") / unit_days,
            "T": ((end - grouped["min"]) / day).to_numpy(dtype="float64") / unit_days,
        }
    )


def _as_arrays(x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    try:
        arrays = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, t_x, T)))
    except (TypeError, ValueError) as exc:
        raise BgNbdError("x, t_x and T must be numbers of the same length") from exc
    xs, txs, Ts = (np.array(a, dtype=float) for a in arrays)
    if not (np.isfinite(xs).all() and np.isfinite(txs).all() and np.isfinite(Ts).all()):
        raise BgNbdError("x, t_x and T must all be finite numbers (no blanks)")
    if (xs < 0).any() or (txs < 0).any() or (txs > Ts + 1e-9).any():
        raise BgNbdError("need x >= 0 and 0 <= t_x <= T for every customer")
    return xs, txs, Ts


def _neg_log_likelihood(
    log_params: np.ndarray, ux: np.ndarray, inv: np.ndarray, t_x: np.ndarray, T: np.ndarray
):
    """Minus the book's log-likelihood (eq. 6 of the paper) and its gradient in log-parameters.

    Per customer: common + log(exp(A) + exp(B)), A for "still buying at T", B for "quit right
    after the last purchase" (only with a repeat purchase); joined by log-sum-exp, so a large x
    or T never overflows. The gradient uses digamma (the derivative of gammaln and betaln).
    Functions of x alone are evaluated once per distinct x (ux) and spread with `inv`.
    """
    r, alpha, a, b = np.exp(log_params)
    repeat_u = ux > 0
    x1 = np.where(repeat_u, ux, 1.0)
    psi_ab, psi_a = special.digamma(a + b), special.digamma(a)
    psi_abx = special.digamma(a + b + ux)
    # Per distinct x: the common part, the x-only parts of A and B, and their derivatives.
    common = special.gammaln(r + ux) - special.gammaln(r) + r * np.log(alpha) - special.betaln(a, b)
    beta_a = special.betaln(a, b + ux)
    beta_b = np.where(repeat_u, special.betaln(a + 1.0, b + x1 - 1.0), -np.inf)
    d_common = np.stack(
        [
            special.digamma(r + ux) - special.digamma(r) + np.log(alpha),
            np.full_like(ux, r / alpha),
            np.full_like(ux, psi_ab - psi_a),
            np.full_like(ux, psi_ab - special.digamma(b)),
        ]
    )
    d_beta_a = np.stack([psi_a - psi_abx, special.digamma(b + ux) - psi_abx])
    d_beta_b = np.stack([special.digamma(a + 1.0) - psi_abx, special.digamma(b + x1 - 1.0) - psi_abx])
    # Per customer.
    x = ux[inv]
    log_a_t, log_a_tx = np.log(alpha + T), np.log(alpha + t_x)
    big_a = beta_a[inv] - (r + x) * log_a_t
    big_b = beta_b[inv] - (r + x) * log_a_tx
    total = np.logaddexp(big_a, big_b)
    w_a, w_b = np.exp(big_a - total), np.exp(big_b - total)
    n_x = np.bincount(inv, minlength=ux.size).astype(float)
    grad = d_common @ n_x
    grad[0] -= w_a @ log_a_t + w_b @ log_a_tx
    grad[1] -= (r + x) @ (w_a / (alpha + T) + w_b / (alpha + t_x))
    grad[2:] += d_beta_a @ np.bincount(inv, w_a, ux.size) + d_beta_b @ np.bincount(inv, w_b, ux.size)
    value = common @ n_x + total.sum()
    return -float(value), -grad * np.array([r, alpha, a, b])


def fit(
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
    min_customers: int = MIN_CUSTOMERS,
    start: BgNbdParams | None = None,
) -> BgNbdParams:
    """Fit r, alpha, a, b by maximum likelihood to the customers' x, t_x and T.

    Several starting points are tried (L-BFGS-B on log-parameters with the exact gradient) and the
    best fit is kept. `start`: a fit of a similar book (the same customers four weeks earlier)
    tried alone first; the other starting points only when it does not converge.
    Raises BgNbdError when the book cannot carry the model: fewer than `min_customers`
    customers, nobody with a repeat purchase, or no finite fit found.
    """
    xs, txs, Ts = _as_arrays(x, t_x, T)
    n = xs.size
    if n < min_customers:
        raise BgNbdError(f"only {n} customers: at least {min_customers} are needed to fit BG/NBD")
    if not (xs > 0).any():
        raise BgNbdError("no customer bought more than once, so there is no buying pattern to learn")
    ux, inv = np.unique(xs, return_inverse=True)
    data = (ux, inv.ravel(), txs, Ts)

    def objective(log_params: np.ndarray) -> tuple[float, np.ndarray]:
        with np.errstate(all="ignore"):
            value, grad = _neg_log_likelihood(log_params, *data)
        if not (np.isfinite(value) and np.isfinite(grad).all()):
            return 1e300, np.zeros(4)
        return value, grad

    # One BLAS thread: L-BFGS-B's tiny 4 x 4 algebra with threads fighting for the cores of a
    # shared server is many times slower (measured 0.6 s against 0.1 s for 20,000 customers).
    try:
        from threadpoolctl import threadpool_limits  # comes with scikit-learn; imported where used
    except ImportError:  # pragma: no cover - a plain numpy/scipy install: threads as they are
        threadpool_limits = contextlib.nullcontext

    best: optimize.OptimizeResult | None = None
    starts = list(_STARTS)
    if start is not None:
        logs = np.log([start.r, start.alpha, start.a, start.b])
        starts.insert(0, tuple(np.clip(logs, -_LOG_BOUND + 0.5, _LOG_BOUND - 0.5)))
    with threadpool_limits(1):
        for i, point in enumerate(starts):
            if i == 1 and start is not None and best is not None and best.success:
                break
            try:
                result = optimize.minimize(
                    objective,
                    np.array(point),
                    jac=True,
                    method="L-BFGS-B",
                    bounds=[(-_LOG_BOUND, _LOG_BOUND)] * 4,
                )
            except (ValueError, ArithmeticError):
                continue
            if np.isfinite(result.fun) and result.fun < 1e299 and (best is None or result.fun < best.fun):
                best = result
    if best is None:
        raise BgNbdError("the BG/NBD fit found no finite solution for these customers")
    on_bound = bool(np.any(np.abs(best.x) >= _LOG_BOUND - 1e-3))
    r, alpha, a, b = (float(v) for v in np.exp(best.x))
    return BgNbdParams(r, alpha, a, b, -float(best.fun), int(n), bool(best.success) and not on_bound)


def _log_odds_dead(params: BgNbdParams, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """log of a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x): the odds "quit after the last purchase"."""
    x1 = np.maximum(x, 1.0)
    log_odds = (
        np.log(params.a)
        - np.log(params.b + x1 - 1.0)
        + (params.r + x) * (np.log(params.alpha + T) - np.log(params.alpha + t_x))
    )
    return np.where(x > 0, log_odds, -np.inf)


def probability_alive(params: BgNbdParams, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> np.ndarray:
    """The chance that each customer is still buying at age T (Fader, Hardie & Lee's P(alive)).

    A customer with no repeat purchase is alive by the model's assumption (probability 1); the
    longer the silence since the last purchase (T - t_x) and the more regular the customer had
    been (larger x), the lower the chance. Computed on the log-odds scale, so it stays within
    [0, 1] without overflow for any x and T.
    """
    xs, txs, Ts = _as_arrays(x, t_x, T)
    return special.expit(-_log_odds_dead(params, xs, txs, Ts))


def expected_purchases(
    params: BgNbdParams, t: ArrayLike, x: ArrayLike, t_x: ArrayLike, T: ArrayLike
) -> np.ndarray:
    """Expected purchases of each customer in the next t units, given x, t_x and T (eq. 10).

    The paper writes the Gauss hypergeometric term as ((alpha+T)/(alpha+T+t))^(r+x) times
    2F1(r+x, b+x; a+b+x-1; z) with z = t/(alpha+T+t); both factors under/overflow for a large x.
    Euler's transformation gives the same product as (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z),
    whose parameters stay small, so it is evaluated that way. a = 1 exactly (a removable
    singularity of the formula) is nudged by 1e-9. Where scipy's hyp2f1 still fails (parameters
    far outside any real book) the same expectation is integrated numerically. Never negative.
    """
    xs, txs, Ts = _as_arrays(x, t_x, T)
    ts = np.asarray(t, dtype=float)
    if not np.isfinite(ts).all() or (ts < 0).any():
        raise BgNbdError("the horizon t must be a finite number >= 0")
    shape = np.broadcast_shapes(ts.shape, xs.shape)
    ts, xs, txs, Ts = (np.broadcast_to(v, shape).ravel() for v in (ts, xs, txs, Ts))
    r, alpha, b = params.r, params.alpha, params.b
    a = params.a if abs(params.a - 1.0) > 1e-9 else 1.0 + 1e-9
    z = ts / (alpha + Ts + ts)
    c = a + b + xs - 1.0
    alive = special.expit(-_log_odds_dead(params, xs, txs, Ts))
    with np.errstate(all="ignore"):
        transformed = np.exp((a - 1.0) * np.log1p(-z)) * special.hyp2f1(a + b - 1.0 - r, a - 1.0, c, z)
        value = c / (a - 1.0) * (1.0 - transformed) * alive
    bad = ~np.isfinite(value) | (value < 0)
    if bad.any():  # far outside any real book (e.g. b = 1e5): scipy's hyp2f1 gives up there
        value[bad] = alive[bad] * _expected_if_alive(params, ts[bad], xs[bad], Ts[bad])
    return np.clip(np.where(ts > 0, value, 0.0), 0.0, np.finfo(float).max).reshape(shape)


_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(64)


def _expected_if_alive(params: BgNbdParams, t: np.ndarray, x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Expected purchases in the next t units of a customer alive now, by quadrature.

    Given lambda and p an alive customer buys (1 - exp(-lambda p t)) / p times on average; over
    the customer's posterior (lambda ~ Gamma(r+x, alpha+T), p ~ Beta(a, b+x)) lambda integrates in
    closed form and p numerically, on the Beta quantile scale (64 Gauss-Legendre nodes), which
    stays accurate however peaked the Beta is. The fallback where eq. 10 cannot be evaluated.
    """
    u = (_NODES + 1.0) / 2.0
    p = special.betaincinv(params.a, params.b + x[:, None], u)
    scaled_t = (t / (params.alpha + T))[:, None]
    n = params.r + x[:, None]
    with np.errstate(all="ignore"):
        per_p = np.where(p > 0, -np.expm1(-n * np.log1p(p * scaled_t)) / p, n * scaled_t)
    return np.nan_to_num(per_p @ (_WEIGHTS / 2.0), nan=0.0)
