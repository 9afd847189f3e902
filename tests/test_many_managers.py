"""What the pages draw when there are many managers: team averages of the monthly
scores, the lowest scores for the comparison, the managers least on site for the method mix."""

import pandas as pd

from analytics import scorecard


def test_team_trend_averages_each_team_per_month():
    trend = pd.DataFrame(
        {
            "month": pd.to_datetime(["2025-01-01"] * 3 + ["2025-02-01"] * 3),
            "manager_id": ["m1", "m2", "m3"] * 2,
            "team": ["East", "East", None] * 2,
            "score": [80.0, 60.0, 50.0, 90.0, None, 40.0],
        }
    )
    teams = scorecard.team_trend(trend)
    east = teams[teams["team"] == "East"].set_index("month")
    assert east["score"].tolist() == [70.0, 90.0]  # a missing score is left out of the average
    assert east["managers"].tolist() == [2, 1]
    assert teams[teams["team"] == ""]["score"].tolist() == [50.0, 40.0]
    assert scorecard.team_trend(trend.head(0)).empty


def test_lowest_scores_worst_first():
    card = pd.DataFrame(
        {"manager_id": ["a", "b", "c", "d"], "score": [90.0, 40.0, 65.0, 40.0], "rank": [1, 3, 2, 4]}
    )
    assert scorecard.lowest_scores(card, 3)["manager_id"].tolist() == ["d", "b", "c"]


def test_least_on_site_keeps_every_row_of_the_chosen_managers():
    from analytics import visits

    mix = pd.DataFrame(
        {
            "manager_id": ["a", "a", "b", "c", "c"],
            "method": ["onsite", "phone", "phone", "onsite", "online"],
            "share": [0.9, 0.1, 1.0, 0.5, 0.5],
        }
    )
    chosen = visits.least_on_site(mix, 2)
    assert chosen["manager_id"].tolist() == ["b", "c", "c"]  # b never on site, then c at 50 %


def test_score_spread_quartiles_per_month():
    trend = pd.DataFrame(
        {
            "month": pd.to_datetime(["2025-01-01"] * 5 + ["2025-02-01"]),
            "score": [10.0, 20.0, 30.0, 40.0, 50.0, 70.0],
        }
    )
    spread = scorecard.score_spread(trend).set_index("month")
    january = spread.loc["2025-01-01"]
    assert (january["p25"], january["median"], january["p75"], january["managers"]) == (20.0, 30.0, 40.0, 5)
    assert spread.loc["2025-02-01", "median"] == 70.0
    assert scorecard.score_spread(trend.head(0)).empty
