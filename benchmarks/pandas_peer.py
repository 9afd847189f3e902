"""The pandas peer: the same figures computed the way a typical Streamlit dashboard does it.

Such a dashboard reads whole tables into pandas (``con.execute("SELECT … FROM orders").df()``,
usually under ``st.cache_data``; here only the columns the figures need, see COLUMNS) and then
filters, groups and sorts in pandas on every filter change. The benchmark therefore times two
things separately:

- ``load_tables``: the table reads (paid once per data change, on a cache miss);
- each peer function: the computation on the already loaded frames (paid on every filter change).

The peers reproduce the product's definitions (domain guide §4) on the order *lines*, with all
customers in scope (no sidebar filter). Scorecard and warnings are simplified to the figures
listed in their docstrings; the benchmark compares those figures with the product's.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

TABLES = ("orders", "visits", "customers", "managers", "targets")


@dataclass
class PeerData:
    """The loaded tables and how long each read took (seconds)."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    load_seconds: dict[str, float] = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self.__dict__["frames"][name]
        except KeyError:
            raise AttributeError(name) from None


# The columns the peer's figures use: the careful version of "read the tables into pandas", which
# gives the peer its best chance at province size (tens of millions of order lines).
COLUMNS = {
    "orders": "customer_id, order_date, amount",
    "visits": "customer_id, manager_id, visit_date, method, duration_min",
}


def load_tables(con, tables: tuple[str, ...] = TABLES) -> PeerData:
    """Each table into pandas (the columns in COLUMNS, else all), as a dashboard does on a cache miss."""
    data = PeerData()
    for table in tables:
        began = time.perf_counter()
        columns = COLUMNS.get(table, "*")
        data.frames[table] = con.execute(f"SELECT {columns} FROM {table}").df()  # constant names
        data.load_seconds[table] = time.perf_counter() - began
    return data


def _ts(d: date) -> pd.Timestamp:
    return pd.Timestamp(d)


def _open(customers: pd.DataFrame) -> pd.Series:
    return customers["status"].fillna("active") != "closed"


# ------------------------------------------------------------------ 80/20


def _customer_values(orders: pd.DataFrame, customers: pd.DataFrame, start: date, end: date) -> pd.Series:
    """Amount per customer in [start, end], customers in the customers table only."""
    lines = orders[(orders["order_date"] >= _ts(start)) & (orders["order_date"] <= _ts(end))]
    lines = lines[lines["customer_id"].isin(customers["customer_id"])]
    return lines.groupby("customer_id")["amount"].sum()


def _ranked(values: pd.Series, a_share: float = 0.80, b_share: float = 0.95) -> pd.DataFrame:
    """Buyers ranked by value (ties by id) with share, cumulative share and ABC class."""
    buyers = values[values > 0].rename("value").reset_index()
    buyers = buyers.sort_values(["value", "customer_id"], ascending=[False, True], ignore_index=True)
    total = buyers["value"].sum()
    running = buyers["value"].cumsum()
    before = running - buyers["value"]
    buyers["rank"] = np.arange(1, len(buyers) + 1)
    buyers["share"] = buyers["value"] / total
    buyers["cum_share"] = running / total
    buyers["abc"] = np.select(
        [before < a_share * total - 1e-9 * total, before < b_share * total - 1e-9 * total],
        ["A", "B"],
        default="C",
    )
    return buyers


def pareto_detail(data: PeerData, start: date, end: date) -> pd.DataFrame:
    """Every buyer ranked by value with its name, manager and class (the 80/20 table)."""
    ranked = _ranked(_customer_values(data.orders, data.customers, start, end))
    info = data.customers[["customer_id", "customer_name", "manager_id", "customer_class"]].merge(
        data.managers[["manager_id", "manager_name"]], on="manager_id", how="left"
    )
    return ranked.merge(info, on="customer_id", how="left")


def pareto_summary(data: PeerData, start: date, end: date) -> dict:
    """buyers, total_value, top20_share, pct_customers_for_80, gini, a/b/c counts, non_buyers."""
    ranked = _ranked(_customer_values(data.orders, data.customers, start, end))
    n = len(ranked)
    open_ids = data.customers.loc[_open(data.customers), "customer_id"]
    non_buyers = int((~open_ids.isin(ranked["customer_id"])).sum())
    if n == 0:
        return {"buyers": 0, "total_value": 0.0, "non_buyers": non_buyers}
    values = ranked["value"].to_numpy()
    total = values.sum()
    reach = np.flatnonzero(ranked["cum_share"].to_numpy() >= 0.8 - 1e-9)
    counts = ranked["abc"].value_counts()
    return {
        "buyers": n,
        "total_value": float(total),
        "top20_share": float(values[: math.ceil(0.2 * n)].sum() / total),
        "pct_customers_for_80": float((reach[0] + 1) / n),
        "gini": float(((n + 1 - 2 * np.arange(1, n + 1)) * values).sum() / (n * total)),
        "a_count": int(counts.get("A", 0)),
        "b_count": int(counts.get("B", 0)),
        "c_count": int(counts.get("C", 0)),
        "non_buyers": non_buyers,
    }


def _previous_period(start: date, end: date) -> tuple[date, date]:
    """The same number of calendar months before a whole-month period, else the period of equal
    length ending the day before (the product's Filters.previous_period)."""
    month_end = (pd.Timestamp(end) + pd.offsets.MonthEnd(0)).date()
    if start.day == 1 and end == month_end:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        first = (pd.Timestamp(start) - pd.DateOffset(months=months)).date()
        return first, start - timedelta(days=1)
    prev_end = start - timedelta(days=1)
    return prev_end - (end - start), prev_end


def abc_migration(data: PeerData, start: date, end: date) -> pd.DataFrame:
    """Customers per (previous ABC, current ABC) from the previous period (see _previous_period)."""
    previous = _ranked(_customer_values(data.orders, data.customers, *_previous_period(start, end)))
    current = _ranked(_customer_values(data.orders, data.customers, start, end))
    moves = previous[["customer_id", "abc", "value"]].merge(
        current[["customer_id", "abc", "value"]], on="customer_id", how="outer", suffixes=("_prev", "_cur")
    )
    moves["previous_abc"] = moves["abc_prev"].fillna("none")
    moves["current_abc"] = moves["abc_cur"].fillna("none")
    return (
        moves.groupby(["previous_abc", "current_abc"])
        .agg(
            customers=("customer_id", "size"),
            previous_value=("value_prev", "sum"),
            value=("value_cur", "sum"),
        )
        .reset_index()
    )


# ------------------------------------------------------------------ overview


def _period_figures(data: PeerData, start: date, end: date) -> dict:
    lines = data.orders[(data.orders["order_date"] >= _ts(start)) & (data.orders["order_date"] <= _ts(end))]
    lines = lines[lines["customer_id"].isin(data.customers["customer_id"])]
    visits = data.visits[
        (data.visits["visit_date"] >= _ts(start)) & (data.visits["visit_date"] < _ts(end + timedelta(days=1)))
    ]
    visits = visits[visits["customer_id"].isin(data.customers["customer_id"])]
    open_ids = data.customers.loc[_open(data.customers), "customer_id"]
    return {
        "sales": float(lines["amount"].sum()),
        "active_customers": float(lines["customer_id"].nunique()),
        "orders": float(len(lines[["customer_id", "order_date"]].drop_duplicates())),
        "visits": float(len(visits)),
        "visited_share": float(open_ids.isin(visits["customer_id"]).mean()) if len(open_ids) else None,
    }


def _monthly_figures(data: PeerData, end: date, months: int = 12) -> pd.DataFrame:
    last = _ts(end).to_period("M")
    first = last - (months - 1)
    lines = data.orders[data.orders["customer_id"].isin(data.customers["customer_id"])]
    month = lines["order_date"].dt.to_period("M")
    lines = lines[(month >= first) & (month <= last)].assign(month=month)
    sales = lines.groupby("month").agg(sales=("amount", "sum"), active_customers=("customer_id", "nunique"))
    sales["orders"] = lines[["month", "customer_id", "order_date"]].drop_duplicates().groupby("month").size()
    open_ids = set(data.customers.loc[_open(data.customers), "customer_id"])
    visits = data.visits[data.visits["customer_id"].isin(data.customers["customer_id"])]
    vmonth = visits["visit_date"].dt.to_period("M")
    visits = visits[(vmonth >= first) & (vmonth <= last)].assign(month=vmonth)
    seen = visits.groupby("month").size().rename("visits").to_frame()
    seen["visited"] = visits[visits["customer_id"].isin(open_ids)].groupby("month")["customer_id"].nunique()
    frame = pd.DataFrame(index=pd.period_range(first, last, freq="M")).join(sales).join(seen).fillna(0)
    frame["visited_share"] = frame["visited"] / len(open_ids) if open_ids else np.nan
    return frame


def overview_tiles(data: PeerData, start: date, end: date) -> dict:
    """Each tile's value, previous value (see _previous_period) and 12-month trend."""
    current = _period_figures(data, start, end)
    previous = _period_figures(data, *_previous_period(start, end))
    trend = _monthly_figures(data, end)
    return {name: (current[name], previous[name], tuple(trend[name].tolist())) for name in current}


# ------------------------------------------------------------------ scorecard (simplified)


CLASS_INTERVAL = {"core": 14, "potential": 30, "regular": 60, "assist": 14}
CLASS_MINUTES = {"core": (15, 20), "potential": (15, 20), "regular": (10, 15), "assist": (0, 30)}


def scorecard(data: PeerData, start: date, end: date) -> pd.DataFrame:
    """Per manager: customers (open), visits, coverage, frequency_compliance, duration_compliance,
    field_days_per_week, visits_per_field_day, sales, growth_yoy, active_customers, and a composite
    of those items with the preset weights (renormalised over the items computed here)."""
    customers = data.customers.assign(
        service_class=data.customers["customer_class"].where(
            data.customers["customer_class"].isin(list(CLASS_INTERVAL)), "regular"
        )
    )
    book = customers[_open(customers)]
    days = (end - start).days + 1
    end_next = _ts(end + timedelta(days=1))
    visits = data.visits
    # Frequency: the window is the period, or the class interval ending at the period's end.
    interval = book["service_class"].map(CLASS_INTERVAL)
    w_start = np.where(days >= interval, _ts(start), _ts(end) - pd.to_timedelta(interval - 1, unit="D"))
    expected = np.where(days >= interval, days // interval, 1)
    windows = pd.DataFrame(
        {"customer_id": book["customer_id"].to_numpy(), "w_start": w_start, "expected": expected}
    )
    longest = max(CLASS_INTERVAL.values())
    first_needed = min(_ts(start), _ts(end) - pd.Timedelta(days=longest - 1))
    recent = visits.loc[
        (visits["visit_date"] >= first_needed) & (visits["visit_date"] < end_next),
        ["customer_id", "visit_date"],
    ]
    joined = windows.merge(recent, on="customer_id", how="left")
    joined["in_window"] = joined["visit_date"] >= joined["w_start"]
    actual = joined.groupby("customer_id")["in_window"].sum()
    book = book.assign(compliant=(actual.reindex(book["customer_id"]).to_numpy() >= expected))
    # Coverage: a visit in the two calendar months ending with the period's last month.
    cov_start = (_ts(end).to_period("M") - 1).to_timestamp()
    covered_ids = visits.loc[
        (visits["visit_date"] >= cov_start)
        & (visits["visit_date"] < (_ts(end).to_period("M") + 1).to_timestamp()),
        "customer_id",
    ].unique()
    book = book.assign(covered=book["customer_id"].isin(covered_ids))
    served = book.groupby("manager_id").agg(
        customers=("customer_id", "size"),
        coverage=("covered", "mean"),
        frequency_compliance=("compliant", "mean"),
    )
    # Work: the manager's own visits in the period.
    period = visits[(visits["visit_date"] >= _ts(start)) & (visits["visit_date"] < end_next)]
    period = period.merge(customers[["customer_id", "service_class"]], on="customer_id", how="left")
    period["service_class"] = period["service_class"].fillna("regular")
    low = period["service_class"].map(lambda k: CLASS_MINUTES[k][0])
    high = period["service_class"].map(lambda k: CLASS_MINUTES[k][1])
    period["in_length"] = period["duration_min"].between(low, high)
    period["timed"] = period["duration_min"].notna()
    onsite = period[period["method"] == "onsite"]
    work = period.groupby("manager_id").agg(
        visits=("customer_id", "size"), timed=("timed", "sum"), in_length=("in_length", "sum")
    )
    work["field_dates"] = onsite.groupby("manager_id")["visit_date"].apply(
        lambda s: s.dt.normalize().nunique()
    )
    work["onsite"] = onsite.groupby("manager_id").size()
    work = work.fillna(0)
    work["duration_compliance"] = work["in_length"] / work["timed"].where(work["timed"] > 0)
    work["field_days_per_week"] = work["field_dates"] / (days / 7)
    work["visits_per_field_day"] = (
        work["onsite"] / work["field_dates"].where(work["field_dates"] > 0)
    ).fillna(0)
    # Sales of all the manager's customers (closed ones too), this period and last year.
    owner = customers[["customer_id", "manager_id"]]
    lines = data.orders.merge(owner, on="customer_id")
    this = lines[(lines["order_date"] >= _ts(start)) & (lines["order_date"] <= _ts(end))]
    ly_start, ly_end = _ts(start) - pd.DateOffset(years=1), _ts(end) - pd.DateOffset(years=1)
    last = lines[(lines["order_date"] >= ly_start) & (lines["order_date"] <= ly_end)]
    sales = this.groupby("manager_id").agg(
        sales=("amount", "sum"), active_customers=("customer_id", "nunique")
    )
    sales["sales_last_year"] = last.groupby("manager_id")["amount"].sum()
    card = data.managers[["manager_id", "manager_name", "team"]].set_index("manager_id")
    card = (
        card.join(served)
        .join(work[["visits", "duration_compliance", "field_days_per_week", "visits_per_field_day"]])
        .join(sales)
    )
    card = card[card["customers"].notna() | card["visits"].notna()]
    card[["customers", "visits", "sales", "active_customers"]] = card[
        ["customers", "visits", "sales", "active_customers"]
    ].fillna(0)
    card["visits_per_field_day"] = card["visits_per_field_day"].fillna(0)
    card["field_days_per_week"] = card["field_days_per_week"].fillna(0)
    card["growth_yoy"] = card["sales"] / card["sales_last_year"].where(card["sales_last_year"] > 0) - 1
    scores = pd.DataFrame(
        {
            "coverage": 100 * card["coverage"],
            "frequency_compliance": 100 * card["frequency_compliance"],
            "duration_compliance": 100 * card["duration_compliance"],
            "field_days": 100 * card["field_days_per_week"] / 3,
            "visits_per_field_day": 100 * card["visits_per_field_day"] / 15,
            "sales_growth": np.where(card["growth_yoy"] >= 0, 100.0, 100 * (1 + card["growth_yoy"])),
        }
    ).clip(0, 100)
    weights = pd.Series(
        {
            "coverage": 20,
            "frequency_compliance": 20,
            "duration_compliance": 10,
            "field_days": 10,
            "visits_per_field_day": 10,
            "sales_growth": 10,
        }
    )
    present = scores.notna()
    card["score"] = scores.fillna(0).mul(weights).sum(axis=1) / present.mul(weights).sum(axis=1)
    card = card.reset_index().sort_values(
        ["score", "manager_id"], ascending=[False, True], na_position="last"
    )
    card["rank"] = np.arange(1, len(card) + 1)
    return card.reset_index(drop=True)


# ------------------------------------------------------------------ warnings (cadence and decline)


def warnings_rules(
    data: PeerData,
    as_of: date,
    cadence_min_orders: int = 3,
    cadence_factor: float = 2.0,
    cadence_min_days: int = 14,
    window: int = 90,
    ratio: float = 0.70,
) -> pd.DataFrame:
    """Customers firing the cadence or the decline rule as of `as_of`: customer_id, cadence, decline.

    cadence: ≥ 3 order days in the 365 days up to as_of and days since the last order > factor ×
    the customer's median gap between order days (and > min days); decline: value of the last
    `window` days < ratio × the same window a year earlier, or the window before."""
    day = _ts(as_of)
    orders = data.orders[data.orders["order_date"] <= day]
    year = orders[orders["order_date"] > day - pd.Timedelta(days=365)]
    order_days = (
        year[["customer_id", "order_date"]].drop_duplicates().sort_values(["customer_id", "order_date"])
    )
    gaps = order_days.groupby("customer_id")["order_date"].diff().dt.days
    per_customer = (
        order_days.assign(gap=gaps)
        .groupby("customer_id")
        .agg(orders=("order_date", "size"), last=("order_date", "max"), median_gap=("gap", "median"))
    )
    since = (day - per_customer["last"]).dt.days
    cadence = (
        (per_customer["orders"] >= cadence_min_orders)
        & (since > cadence_factor * per_customer["median_gap"])
        & (since > cadence_min_days)
    )

    def window_value(first: pd.Timestamp, last: pd.Timestamp) -> pd.Series:
        inside = orders[(orders["order_date"] >= first) & (orders["order_date"] <= last)]
        return inside.groupby("customer_id")["amount"].sum()

    recent_start = day - pd.Timedelta(days=window - 1)
    recent = window_value(recent_start, day)
    last_year = window_value(recent_start - pd.DateOffset(years=1), day - pd.DateOffset(years=1))
    before = window_value(recent_start - pd.Timedelta(days=window), recent_start - pd.Timedelta(days=1))
    ids = last_year.index.union(before.index)
    now = recent.reindex(ids).fillna(0)
    decline = (now < ratio * last_year.reindex(ids)).fillna(False) | (
        now < ratio * before.reindex(ids)
    ).fillna(False)
    # Only open customers with an order in the year up to as_of can be warned.
    open_ids = data.customers.loc[_open(data.customers), "customer_id"]
    eligible = per_customer.index[per_customer.index.isin(open_ids)]
    fired = pd.DataFrame({"cadence": cadence, "decline": decline}).reindex(eligible).fillna(False)
    fired = fired[fired["cadence"] | fired["decline"]]
    return fired.rename_axis("customer_id").reset_index()


# ------------------------------------------------------------------ retention (frozen cohort)


def retention_table(
    data: PeerData,
    base_start: date,
    base_end: date,
    as_of: date,
    min_monthly: float = 2000.0,
    floor: float = 500.0,
    floor_months: int = 3,
    lost_after_days: int = 90,
) -> pd.DataFrame:
    """Per team: cohort (average monthly value in the base months ≥ min_monthly), lost (no order in
    the last `lost_after_days` days up to as_of, closed, or below `floor` for `floor_months`
    consecutive months ending with as_of's month) and retention = 1 − lost / cohort."""
    orders = data.orders.assign(month=data.orders["order_date"].dt.to_period("M"))
    first, last = pd.Period(base_start, "M"), pd.Period(base_end, "M")
    months = (last - first).n + 1
    base = orders[(orders["month"] >= first) & (orders["month"] <= last)]
    average = base.groupby("customer_id")["amount"].sum() / months
    cohort = data.customers[data.customers["customer_id"].isin(average[average >= min_monthly].index)]
    day = _ts(as_of)
    recent_ids = orders.loc[
        (orders["order_date"] > day - pd.Timedelta(days=lost_after_days)) & (orders["order_date"] <= day),
        "customer_id",
    ].unique()
    end_month = pd.Period(as_of, "M")
    tail = orders[(orders["month"] > end_month - floor_months) & (orders["month"] <= end_month)]
    monthly = tail.groupby(["customer_id", "month"])["amount"].sum().unstack(fill_value=0)
    monthly = monthly.reindex(
        columns=pd.period_range(end_month - floor_months + 1, end_month, freq="M"), fill_value=0
    )
    low_ids = monthly.index[(monthly < floor).all(axis=1)]
    lost = (
        (~cohort["customer_id"].isin(recent_ids))
        | (cohort["status"] == "closed")
        | cohort["customer_id"].isin(low_ids)
    )
    table = cohort.assign(lost=lost.to_numpy()).merge(
        data.managers[["manager_id", "team"]], on="manager_id", how="left"
    )
    result = table.groupby("team").agg(cohort=("customer_id", "size"), lost=("lost", "sum")).reset_index()
    result["retention"] = 1 - result["lost"] / result["cohort"]
    return result
