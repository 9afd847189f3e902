"""Order lines of the demo customers: weekly (or fortnightly) orders split by brand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.generator.dates import _season
from analytics.generator.people import _Customers
from analytics.generator.vocabulary import (
    COST_RATIO,
    ORDER_SIZE,
    POPULARITY,
    PRICES,
    PRODUCT_NAMES,
    PRODUCTS,
)


def _fade(
    days: np.ndarray, decline_start: np.ndarray, stop: np.ndarray, floor: np.ndarray, end_day: int
) -> np.ndarray:
    """Value multiplier: 1 before the decline starts, falling linearly to `floor`."""
    finish = np.minimum(stop, end_day + 1)
    length = np.maximum(finish - decline_start, 1)
    progress = np.clip((days - decline_start) / length, 0.0, 1.0)
    return 1.0 - (1.0 - floor) * progress


def _order_lines(
    rng: np.random.Generator, c: _Customers, sl: slice, start_day: int, end_day: int, first_monday: int
) -> pd.DataFrame:
    """Every order line of a batch of customers: weekly (or fortnightly) orders, split by brand."""
    n = sl.stop - sl.start
    n_weeks = (end_day - first_monday) // 7 + 1
    week = np.arange(n_weeks)
    days = first_monday + 7 * week[None, :] + c.weekday[sl, None]
    fade = _fade(days, c.decline_start[sl, None], c.stop_day[sl, None], c.decline_floor[sl, None], end_day)
    skip = c.skip[sl, None] + 0.5 * (1.0 - fade)  # orders thin out while a customer slips away
    ordered = (
        (days >= start_day)
        & (days <= end_day)
        & (days >= c.open_day[sl, None])
        & (days < c.stop_day[sl, None])
        & (rng.random((n, n_weeks)) >= skip)
    )
    ordered &= week[None, :] % c.every[sl, None] == c.parity[sl, None]
    cust, wk = np.nonzero(ordered)
    day = days[cust, wk]
    growth = 1.04 ** ((day - start_day) / 365.0)
    value = (
        c.value[sl][cust]
        * ORDER_SIZE[c.every[sl][cust]]
        * fade[cust, wk]
        * _season(day)
        * growth
        * rng.lognormal(0.0, 0.3, len(cust))
    )

    rank = c.value_rank[sl][cust]
    n_lines = 1 + rng.binomial(5, 0.06 + 0.3 * rank)
    # Distinct brands per order: Gumbel top-k over popularity and the customer's taste.
    taste = POPULARITY[None, :] + c.premium[sl][cust, None] * (np.log(PRICES) - np.log(200.0))[None, :]
    keys = taste - np.log(-np.log(rng.random((len(cust), len(PRODUCTS)))))
    order_rank = np.argsort(-keys, axis=1).astype(np.int8)
    line_order = np.repeat(np.arange(len(cust)), n_lines)
    line_pos = np.arange(len(line_order)) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    product = order_rank[line_order, line_pos]
    share = rng.exponential(1.0, len(line_order))
    share /= np.bincount(line_order, weights=share)[line_order]
    quantity = np.maximum(1.0, np.round(value[line_order] * share / PRICES[product]))
    amount = quantity * PRICES[product]
    return pd.DataFrame(
        {
            "order_no": (cust + sl.start).astype(np.int32)[line_order],
            "customer_code": c.code[sl][cust][line_order],
            "order_date": day[line_order].astype(np.int32),
            "product": pd.Categorical.from_codes(product, PRODUCT_NAMES),
            "quantity": quantity,
            "amount": amount,
            "cost": np.round(amount * COST_RATIO[product], 2),
        }
    )
