"""The Pareto line drawn from about 1,000 points stays exact where it is read."""

import numpy as np
import pandas as pd

from analytics import pareto


def ranked(count: int) -> pd.DataFrame:
    value = np.linspace(1000.0, 1.0, count)
    cum = value.cumsum() / value.sum()
    return pd.DataFrame({"rank": np.arange(1, count + 1), "value": value, "cum_share": cum})


def test_curve_keeps_ends_the_20_percent_rank_and_the_80_percent_crossing():
    values = ranked(43_669)
    points = pareto.curve_points(values, max_points=1000)
    assert len(points) <= 1006
    ranks = set(points["rank"])
    assert {1, 43_669, -(-43_669 // 5)} <= ranks
    crossing = int(values.loc[values["cum_share"] >= 0.8, "rank"].iloc[0])
    assert {crossing - 1, crossing} <= ranks
    # the kept points are the full table's own figures
    merged = points.merge(values, on="rank", suffixes=("", "_full"))
    assert (merged["cum_share"] == merged["cum_share_full"]).all()


def test_small_curves_are_drawn_whole():
    values = ranked(800)
    assert len(pareto.curve_points(values, max_points=1000)) == 800
