"""Loss warnings: customers slipping away, the rule that caught each one, and the follow-up.

Everything is computed *as of* a date d and uses only data dated on or before d (orders with
order_date <= d, visits with visit_date on or before d, follow-ups warned on or before d).

Loss signals (cadence, decline_yoy, decline_prev, low_value, tier_drop) open a warning; service
gaps (visit_overdue, class_mismatch) only add reasons to one (``action``). The action list holds
per manager the open warnings with the highest expected_loss = risk x revenue_at_risk.

Who can be warned: open customers (status not closed) with at least one order in the 12 months
up to d. Closed customers are already lost and are never warned; customers with no order for a
whole year have nothing left at risk (they show as lost on the retention page).

The rules (domain guide §4), each with its thresholds in settings [warnings]:

- ``cadence``: >= cadence_min_orders order days in the last 365 days, and the days since the last
  order > cadence_factor x the customer's own median gap between order days in those 365 days
  (and > cadence_min_days). The median gap (column median_gap) is worked out only where the rule
  can fire (those order days, and no order for more than cadence_min_days); it is empty elsewhere
  (about 6 customers in 7 on a typical day, and most of the rule's cost at 300,000 customers).
- ``decline_yoy``: value of the last decline_window_days (90) days < decline_ratio (70%) of the
  same days a year earlier. ``decline_prev``: the same against the 90 days before. Decline is two
  codes rather than one so a supervisor can tell a seasonal slide from a year-on-year one.
- ``low_value``: each of the last low_value_months (3) complete calendar months up to d has a
  value below low_value_floor, and the customer already ordered before those months.
- ``visit_overdue``: days since the last visit > the class's visit interval ([classes.*]); a
  customer never visited is overdue when the store holds any visit up to d.
- ``tier_drop``: ABC (as on the 80/20 page: over the buyers in scope, A when the cumulative value
  share before the customer < a_share, B when < b_share) of the tier_window_days (90) days before
  the last 90 was A, and now it is B, C, or the customer bought nothing.
- ``class_mismatch``: a violation caught within class_rules.assist_violation_months (3) months up
  to d (inclusive), but the class is not assist.

``revenue_at_risk`` = average monthly value of the last 12 months x 3 (the 12-month value / 4).

The parts: ``rules`` (the facts and fired rules, SQL in ``analytics/sql/warnings/``),
``reasons`` (the words), ``followup`` (the supervisor's follow-ups, open or closed),
``ranking`` (the list, ranked with the risk ranking's scores, which the caller passes as a
table), ``action`` (the action list and its backtest), ``effect`` (the follow-up effect),
``schema`` (the tables beyond the base schema) and ``counts`` (per manager and team). The risk
ranking lives in ``analytics.risk``; this
package never imports it.
"""

from analytics.domain import CLOSING_STATUSES, FOLLOWUP_STATUSES, LOSS_SIGNALS, RULES, SERVICE_GAPS
from analytics.filters import shift_years
from analytics.warnings.action import action_list, list_backtest, loss_signalled
from analytics.warnings.counts import (
    count_by_manager,
    open_warnings_by_manager,
    open_warnings_by_team,
    top_open_managers,
    warning_counts,
)
from analytics.warnings.effect import followup_effect
from analytics.warnings.followup import followups, record_followup, warning_facts, with_followups
from analytics.warnings.ranking import WarningView, filter_by_rules, rank, warning_list, warning_view
from analytics.warnings.reasons import explain, reason
from analytics.warnings.rules import (
    _day_month_ranges,
    as_of_date,
    rule_facts,
    rule_parameters,
    shift_months,
)

__all__ = [
    "CLOSING_STATUSES",
    "FOLLOWUP_STATUSES",
    "LOSS_SIGNALS",
    "RULES",
    "SERVICE_GAPS",
    "WarningView",
    "_day_month_ranges",
    "action_list",
    "as_of_date",
    "count_by_manager",
    "explain",
    "filter_by_rules",
    "followup_effect",
    "followups",
    "list_backtest",
    "loss_signalled",
    "open_warnings_by_manager",
    "open_warnings_by_team",
    "rank",
    "reason",
    "record_followup",
    "rule_facts",
    "rule_parameters",
    "shift_months",
    "shift_years",
    "top_open_managers",
    "warning_counts",
    "warning_facts",
    "warning_list",
    "warning_view",
    "with_followups",
]
