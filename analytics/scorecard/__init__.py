"""Manager scorecards: each manager's service and sales figures against the written standard.

Per manager and period (domain guide §4):
- customers = the manager's open customers (`customers.manager_id`, status not closed);
- visits = visits the manager made in the period;
- coverage, frequency / duration / appointment compliance: see analytics.visits;
- field days per week = distinct dates with an on-site visit ÷ (period days ÷ 7);
  visits per field day = on-site visits ÷ those dates (0 when none);
- sales = order amount of the manager's customers in the period; growth_yoy = sales ÷ the same
  period last year − 1 (empty when last year had no sales);
- target attainment = sales ÷ the targets of the months overlapping the period, a partly covered
  month counting in proportion of its days (empty without targets);
- active = customers with an order in the period; lost = customers that ordered before but not in
  the `lost_after_days` days up to the period's end, or closed (``sql/shared/lost.sql``);
  at risk = open loss warnings;
- retention = share of the customers that ordered in the 12 calendar months before the period's
  first month who ordered again in the period.

The package by seam: ``figures`` (the figures from SQL), ``scoring`` (items scored 0–100, the
composite, status, rank, the scorecards) and ``manager`` (one manager's detail and visit plan).
manager_items needs only the figures, so it computes no lost customers or warnings; the scorecard
asks the warnings module once per call.
"""

from analytics.scorecard.figures import PeriodDates, lost_customers, lost_values, period_figures
from analytics.scorecard.manager import (
    LengthRange,
    due_within,
    length_ranges,
    manager_items,
    manager_scope,
    overdue_list,
    plan_columns,
    visit_lengths,
    visit_plan,
    weekday_pattern,
    with_plan_columns,
)
from analytics.scorecard.scoring import (
    CLI_COLUMNS,
    ITEMS,
    STATUSES,
    ItemRule,
    composite,
    item_rules,
    item_scores,
    lowest_scores,
    monthly_scores,
    rank,
    score_matrix,
    score_spread,
    scorecard,
    shown_figures,
    status_of,
    team_averages,
    team_scorecard,
    team_trend,
)

__all__ = [
    "CLI_COLUMNS",
    "ITEMS",
    "STATUSES",
    "ItemRule",
    "LengthRange",
    "PeriodDates",
    "composite",
    "due_within",
    "item_rules",
    "item_scores",
    "length_ranges",
    "lost_customers",
    "lost_values",
    "lowest_scores",
    "manager_items",
    "manager_scope",
    "monthly_scores",
    "overdue_list",
    "period_figures",
    "plan_columns",
    "rank",
    "score_matrix",
    "score_spread",
    "scorecard",
    "shown_figures",
    "status_of",
    "team_averages",
    "team_scorecard",
    "team_trend",
    "visit_lengths",
    "visit_plan",
    "weekday_pattern",
    "with_plan_columns",
]
