"""Trends a person can read: one row per item with its months as a list (a sparkline in a table)
instead of one line per item on a shared chart."""

from __future__ import annotations

import pandas as pd


def score_sparklines(trend: pd.DataFrame) -> pd.DataFrame:
    """Each manager's monthly scores (scorecard.monthly_scores) as one row, ranked by the latest
    month's score (best first; no score last): manager_id, manager_name, team, latest (the last
    month's score), change (against the month before, points), scores (every month, oldest first,
    None where the month has no score); the months (YYYY-MM) in attrs["months"]."""
    columns = ["manager_id", "manager_name", "team", "latest", "change", "scores"]
    if trend.empty:
        return pd.DataFrame(columns=columns)
    frame = trend.sort_values(["manager_id", "month"])
    months = sorted(frame["month"].unique())
    wide = frame.pivot_table(
        index="manager_id", columns="month", values="score", aggfunc="first", dropna=False
    )
    wide = wide.reindex(columns=months)
    names = frame.drop_duplicates("manager_id").set_index("manager_id")
    rows = []
    for manager_id, scores in wide.iterrows():
        values = [None if pd.isna(v) else round(float(v), 1) for v in scores]
        latest = values[-1]
        before = values[-2] if len(values) > 1 else None
        change = None if latest is None or before is None else round(latest - before, 1)
        rows.append(
            {
                "manager_id": manager_id,
                "manager_name": names.loc[manager_id, "manager_name"],
                "team": names.loc[manager_id, "team"],
                "latest": latest,
                "change": change,
                "scores": values,
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    out["latest"] = out["latest"].astype("float64")
    out["change"] = out["change"].astype("float64")
    out = out.sort_values(["latest", "manager_id"], ascending=[False, True], na_position="last")
    out = out.reset_index(drop=True)
    out.attrs["months"] = [pd.Timestamp(m).strftime("%Y-%m") for m in months]
    return out


def cohort_curve(cohorts: pd.DataFrame) -> pd.DataFrame:
    """The first-order cohorts (retention.first_order_cohorts) as one curve: per month after the
    first order, the share still ordering over every cohort that reached it (weighted by cohort
    size: still_ordering / cohort_size summed), the lowest and highest cohort's share and how
    many cohorts it rests on. Columns: months_after, share, low, high, cohorts."""
    columns = ["months_after", "share", "low", "high", "cohorts"]
    frame = cohorts.dropna(subset=["share"])
    if frame.empty:
        return pd.DataFrame(columns=columns)
    grouped = frame.groupby("months_after", sort=True)
    out = pd.DataFrame(
        {
            "share": grouped["still_ordering"].sum() / grouped["cohort_size"].sum(),
            "low": grouped["share"].min(),
            "high": grouped["share"].max(),
            "cohorts": grouped.size(),
        }
    ).reset_index()
    return out[columns].astype({"share": "float64", "low": "float64", "high": "float64"})
