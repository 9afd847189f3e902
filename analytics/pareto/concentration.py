"""How concentrated the customers' value is: every buyer ranked, the KPI figures, the figures of
each group of customers and of each calendar month (domain guide §4)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date

import duckdb
import pandas as pd

from analytics import sql
from analytics.customer_value import METRICS, abc_params, check_metric, period, whole_months
from analytics.filters import Filters, add_months, month_start
from analytics.settings import Settings

# Groups for the concentration by group: the customer's attribute (or its manager's team).
GROUPS = ("team", "manager", "region", "market_type", "retail_format", "customer_class")
# What the `pareto` command prints per buyer.
CUSTOMER_COLUMNS = [
    "customer_id",
    "customer_name",
    "manager_id",
    "value",
    "rank",
    "share",
    "cum_share",
    "abc",
]


@dataclass(frozen=True)
class ParetoSummary:
    """The concentration figures of one period and scope (the KPI tiles and `pareto --summary`).

    Ratios are fractions; they are None when there is no buyer. For products, `buyers` counts
    products with positive value and `non_buyers` is None."""

    buyers: int
    total_value: float
    top20_share: float | None
    pct_customers_for_80: float | None
    gini: float | None
    a_count: int
    b_count: int
    c_count: int
    non_buyers: int | None

    def as_frame(self) -> pd.DataFrame:
        """The figures as one row, columns in field order."""
        return pd.DataFrame([asdict(self)], columns=[f.name for f in fields(self)])

    @classmethod
    def of(cls, figures: pd.DataFrame, customers: bool = True) -> ParetoSummary:
        """The summary from the first row of a figures frame (no row: no buyer); `customers`
        False for products, which have no non-buyers."""
        if figures.empty:
            return cls(0, 0.0, None, None, None, 0, 0, 0, 0 if customers else None)
        row = figures.iloc[0]
        return cls(
            buyers=int(row["buyers"]),
            total_value=float(row["total_value"]),
            top20_share=_float(row["top20_share"]),
            pct_customers_for_80=_float(row["pct_customers_for_80"]),
            gini=_float(row["gini"]),
            a_count=int(row["a_count"]),
            b_count=int(row["b_count"]),
            c_count=int(row["c_count"]),
            non_buyers=int(row["non_buyers"]) if customers else None,
        )


def _float(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _range_params(filters: Filters, settings: Settings | dict | None) -> tuple[dict, bool]:
    start, end = period(filters.start, filters.end)
    return {"start": start, "end": end, **abc_params(settings)}, whole_months(start, end)


def customer_values(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    metric: str = "amount",
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """Every buyer of the period ranked by value: rank, customer_id, customer_name, manager_id,
    manager_name, customer_class, value, share, cum_share, abc."""
    check_metric(metric)
    params, months = _range_params(filters, settings)
    return sql.query(con, "pareto/customer_values", params, filters=filters, metric=metric, months=months)


def concentration_by_group(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    group_by: str = "team",
    metric: str = "amount",
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """The 80/20 figures of each group of customers (team, manager, region, market type, retail
    format or customer class), each group ranked on its own: group, group_name, buyers,
    total_value, top20_share, pct_customers_for_80, gini, a_count, b_count, c_count, non_buyers."""
    if group_by not in ("all", *GROUPS):
        raise ValueError(f"unknown group {group_by!r}; choose one of {', '.join(GROUPS)}")
    check_metric(metric)
    params, months = _range_params(filters, settings)
    return sql.query(
        con,
        "pareto/group_concentration",
        params,
        filters=filters,
        group_by=group_by,
        metric=metric,
        months=months,
    )


def pareto_summary(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    metric: str = "amount",
    settings: Settings | dict | None = None,
) -> ParetoSummary:
    """The KPI figures of the period: buyers, total value, top-20% share, share of buyers making
    80% of the value, Gini, A/B/C counts and open customers who bought nothing."""
    frame = concentration_by_group(con, filters, "all", metric, settings)
    return ParetoSummary.of(frame)


def monthly_concentration(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    metric: str = "amount",
    months: int = 12,
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """Top-20% share and Gini of each calendar month: the `months` months ending with the period's
    last month, or the whole period when it is longer. Columns month, buyers, total_value,
    top20_share, pct_customers_for_80, gini (NULL in months without buyers)."""
    check_metric(metric)
    end = filters.end or date.today()
    last = month_start(end)
    span = months
    if filters.start:
        span = max(months, (last.year - filters.start.year) * 12 + last.month - filters.start.month + 1)
    first = add_months(last, -(span - 1))
    params = {"first": first, "end": end, "last_month": last, **abc_params(settings)}
    return sql.query(
        con,
        "pareto/monthly_concentration",
        params,
        filters=filters,
        metric=metric,
        months=whole_months(first, end),
    )


def has_cost(con: duckdb.DuckDBPyConnection) -> bool:
    """True when some order carries a cost, so gross profit can be offered."""
    return bool(sql.scalar(con, "pareto/has_cost"))


def available_metrics(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The value metrics the data supports: amount and quantity, and profit when cost exists."""
    return METRICS if has_cost(con) else METRICS[:2]


def chart_points(values: pd.DataFrame, max_bars: int = 2000) -> pd.DataFrame:
    """The buyers' bars to draw: all of them up to `max_bars`, else every k-th rank (always keeping
    the first and the last), so thousands of buyers stay readable. The cumulative line should be
    drawn from the full table."""
    if len(values) <= max_bars:
        return values
    step = -(-len(values) // max_bars)
    keep = (values["rank"] - 1) % step == 0
    keep.iloc[-1] = True
    return values[keep]


def curve_points(values: pd.DataFrame, max_points: int = 1000) -> pd.DataFrame:
    """The points of the cumulative-share line to draw: every rank up to `max_points`, else every
    k-th rank plus the first, the last, the rank where 20 % of the entities is reached and the two
    ranks either side of the 80 % line, so the line stays exact where the eye reads it."""
    if len(values) <= max_points:
        return values
    step = -(-len(values) // max_points)
    rank = values["rank"].to_numpy()
    keep = (rank - 1) % step == 0
    keep[[0, -1]] = True
    keep[min(-(-len(values) // 5), len(values)) - 1] = True
    reached = int((values["cum_share"].to_numpy() < 0.8).sum())  # rows before the 80 % line
    keep[max(reached - 1, 0) : reached + 1] = True
    return values[keep]
