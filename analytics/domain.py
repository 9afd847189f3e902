"""The domain's fixed vocabularies, written once (domain guide §2-§4)."""

from __future__ import annotations

from enum import StrEnum


def values(vocabulary: type[StrEnum]) -> tuple[str, ...]:
    """The vocabulary's values in their order (the plain strings tables and settings hold)."""
    return tuple(member.value for member in vocabulary)


class CustomerClass(StrEnum):
    """Service class of a customer (domain guide §3), in the order pages list them."""

    CORE = "core"
    POTENTIAL = "potential"
    REGULAR = "regular"
    ASSIST = "assist"


CLASSES: tuple[str, ...] = values(CustomerClass)


class AbcClass(StrEnum):
    """80/20 class of a customer in a period; NONE = bought nothing in it."""

    A = "A"
    B = "B"
    C = "C"
    NONE = "none"


ABC_CLASSES: tuple[str, ...] = values(AbcClass)


class ScoreItem(StrEnum):
    """The items of a manager's scorecard that carry a weight in the composite score."""

    COVERAGE = "coverage"
    FREQUENCY_COMPLIANCE = "frequency_compliance"
    DURATION_COMPLIANCE = "duration_compliance"
    FIELD_DAYS = "field_days"
    VISITS_PER_FIELD_DAY = "visits_per_field_day"
    SALES_GROWTH = "sales_growth"
    TARGET_ATTAINMENT = "target_attainment"
    RETENTION = "retention"
    COMPLAINTS = "complaints"  # complaints handled in time (optional table; weight 0 by default)


SCORE_ITEMS: tuple[str, ...] = values(ScoreItem)


class VisitMethod(StrEnum):
    ONSITE = "onsite"
    ONLINE = "online"
    PHONE = "phone"


class WarningRule(StrEnum):
    """Loss-warning rules (domain guide §4)."""

    CADENCE = "cadence"
    DECLINE_YOY = "decline_yoy"
    DECLINE_PREV = "decline_prev"
    LOW_VALUE = "low_value"
    VISIT_OVERDUE = "visit_overdue"
    TIER_DROP = "tier_drop"
    CLASS_MISMATCH = "class_mismatch"
    OVERDUE_PAYMENT = "overdue_payment"  # receivables overdue above the floor (optional table)


RULES: tuple[str, ...] = values(WarningRule)
# Loss signals (the customer's own behaviour) open a warning; service gaps (the manager's side)
# only add reasons to one.
LOSS_SIGNALS: tuple[str, ...] = (
    "cadence",
    "decline_yoy",
    "decline_prev",
    "low_value",
    "tier_drop",
    "overdue_payment",
)
SERVICE_GAPS: tuple[str, ...] = ("visit_overdue", "class_mismatch")


class FollowupStatus(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    CONTACTED = "contacted"
    RECOVERED = "recovered"
    LOST = "lost"


FOLLOWUP_STATUSES: tuple[str, ...] = values(FollowupStatus)
CLOSING_STATUSES: tuple[str, ...] = (FollowupStatus.RECOVERED.value, FollowupStatus.LOST.value)


# The store's data tables, in the order the store lists them; and the order files are imported in:
# managers before the customers naming them, customers before the rows of the tables that need a
# known customer (stock checks, complaints, receivables).
DATA_TABLES: tuple[str, ...] = (
    "managers",
    "customers",
    "visits",
    "orders",
    "targets",
    "stock_checks",
    "complaints",
    "receivables",
)
TABLE_ORDER: tuple[str, ...] = (
    "managers",
    "customers",
    "targets",
    "visits",
    "orders",
    "stock_checks",
    "complaints",
    "receivables",
)
# Import modes: strict: any bad row rejects the file; valid-only: bad rows skipped.
IMPORT_MODES: tuple[str, ...] = ("strict", "valid-only")
# A customer's value: what the 80/20 analysis ranks by.
VALUE_METRICS: tuple[str, ...] = ("amount", "quantity", "profit")


# The most teams a chart draws apart (a bar or colour each); with more, the charts fold teams
# together (the Overview's sales, the Visits' compliance): a province's hundreds cannot be told apart.
CHART_TEAMS = 12
