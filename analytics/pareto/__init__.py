"""80/20 customer value: who carries the business, how concentrated it is, and how it moves.

Definitions (domain guide §4):
- value = amount, quantity or gross profit (amount − cost) of a customer in the period;
- buyers = customers with value > 0 (zero or negative net value, e.g. returns, is not a buyer);
- ranking by value descending, ties by customer_id ascending; cum_share = running value / total;
- top20_share = value share of the top ceil(0.2 × buyers);
- pct_customers_for_80 = smallest share of buyers k/n whose cumulative value reaches 80%;
- ABC: A when the cumulative share *before* the customer is < a_share (0.80), B when < b_share
  (0.95), C otherwise;
- Gini over buyers' values: G = Σ (2i − n − 1)·x_i / (n·Σx), x ascending;
- non_buyers = open customers in scope without positive value in the period.

Scope: customers are taken from the customers table (JOIN), so the team/manager/region/class
filters always apply. Orders of customers missing from the customers table are left out; the
importer creates every unknown customer, so after an import none is missing.

Customer values read the pre-aggregated ``order_days`` (or ``order_months`` when the period is
whole calendar months); only the products view reads the order lines. The SQL is in
``analytics/sql/pareto/``; the ranking in ``pareto/ranking.sql``.

Modules: ``concentration`` (ranking, KPI figures, groups, months), ``migration`` (ABC moves),
``products``, ``big_customers``; the customer drill-down is ``analytics.customer``.
"""

from analytics.customer import customer_history, customer_orders, customer_profile, customer_visits
from analytics.customer_value import METRICS, whole_months
from analytics.domain import ABC_CLASSES
from analytics.pareto.big_customers import big_customer_settings, big_customer_year, big_customers
from analytics.pareto.concentration import (
    CUSTOMER_COLUMNS,
    GROUPS,
    ParetoSummary,
    available_metrics,
    chart_points,
    concentration_by_group,
    curve_points,
    customer_values,
    has_cost,
    monthly_concentration,
    pareto_summary,
)
from analytics.pareto.migration import (
    MigrationOverview,
    abc_migration,
    abc_transitions,
    cell_transitions,
    migration_counts,
    migration_overview,
)
from analytics.pareto.products import product_summary, product_values

__all__ = [
    "ABC_CLASSES",
    "CUSTOMER_COLUMNS",
    "GROUPS",
    "METRICS",
    "MigrationOverview",
    "ParetoSummary",
    "abc_migration",
    "abc_transitions",
    "available_metrics",
    "big_customer_settings",
    "big_customer_year",
    "big_customers",
    "cell_transitions",
    "chart_points",
    "concentration_by_group",
    "curve_points",
    "customer_history",
    "customer_orders",
    "customer_profile",
    "customer_values",
    "customer_visits",
    "has_cost",
    "migration_counts",
    "migration_overview",
    "monthly_concentration",
    "pareto_summary",
    "product_summary",
    "product_values",
    "whole_months",
]
