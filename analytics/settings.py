"""The settings as one typed model of ``defaults.toml``.

The model names every setting and its type; the values themselves live only in
``defaults.toml`` (documented line by line there), so no default is written twice. A partial
mapping (a test's ``{"abc": {"a_share": 0.7}}``, a saved settings file) is laid over the
defaults before it is checked: ``config.as_settings``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from analytics.domain import CustomerClass, ScoreItem


class Section(BaseModel):
    """A frozen part of the settings. Read by attribute; the mapping methods serve code that
    still reads settings as nested dicts (``settings["abc"]["a_share"]``)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)

    def keys(self) -> list[str]:
        return [*type(self).model_fields, *(self.model_extra or {})]

    def items(self) -> list[tuple[str, Any]]:
        return [(key, self[key]) for key in self.keys()]

    def values(self) -> list[Any]:
        return [self[key] for key in self.keys()]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self.keys()

    def __iter__(self) -> Iterator[str]:  # type: ignore[override]
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())


class ClassStandard(Section):
    """Service standard of one customer class (domain guide §3)."""

    interval_days: int = Field(ge=1)
    min_minutes: float = Field(ge=0)
    max_minutes: float = Field(gt=0)
    appointment_lead_days: int = Field(ge=-1)
    share_min: float = Field(ge=0, le=1)
    share_max: float = Field(ge=0, le=1)


class ClassRules(Section):
    assist_violation_months: int = Field(ge=0)
    core_market_types: list[str]
    core_retail_formats: list[str]
    core_tier_min: int
    core_modern_terminal: list[str]
    potential_market_types: list[str]
    potential_retail_formats: list[str]
    potential_tier_min: int
    potential_modern_terminal: list[str]


class Workload(Section):
    field_days_per_week: float = Field(gt=0, le=7)
    customers_per_field_day: float = Field(gt=0)
    suggested_weekdays: list[int]
    coverage_window_months: int = Field(ge=1, le=12)


class Abc(Section):
    a_share: float = Field(gt=0, le=1)
    b_share: float = Field(gt=0, le=1)


class BigCustomer(Section):
    threshold: float = Field(ge=0)
    unit: str
    sticks_per_carton: float = Field(gt=0)


class Warnings(Section):
    lost_after_days: int = Field(ge=1)
    cadence_min_orders: int = Field(ge=1)
    cadence_factor: float = Field(gt=0)
    cadence_min_days: int = Field(ge=0)
    decline_window_days: int = Field(ge=1)
    decline_ratio: float = Field(ge=0)
    low_value_floor: float = Field(ge=0)
    low_value_months: int = Field(ge=1)
    risk_horizon_days: int = Field(ge=1)
    tier_window_days: int = Field(ge=1)
    recovered_hold_days: int = Field(ge=0)


class Retention(Section):
    loss_rate_ceiling: float = Field(ge=0, le=1)
    base_target: float = Field(ge=0, le=1)
    challenge_target: float = Field(ge=0, le=1)
    cohort_min_monthly_value: float = Field(ge=0)
    floor_monthly_value: float = Field(ge=0)
    floor_months: int = Field(ge=1)


class StatusBands(Section):
    on_track: float
    at_risk: float


class Scorecard(Section):
    weights: dict[ScoreItem, float]
    status: StatusBands


class Database(Section):
    memory_limit: str = ""


class Settings(Section):
    """Every setting of the dashboard (``defaults.toml`` overlaid with the saved changes)."""

    preset: str
    classes: dict[CustomerClass, ClassStandard]
    class_rules: ClassRules
    workload: Workload
    abc: Abc
    big_customer: BigCustomer
    warnings: Warnings
    retention: Retention
    scorecard: Scorecard
    database: Database

    def interval_days(self) -> dict[str, int]:
        """Visit interval of each class, in days."""
        return {str(name): spec.interval_days for name, spec in self.classes.items()}

    def as_dict(self) -> dict[str, Any]:
        """Plain nested dicts and lists, as written to TOML."""
        return self.model_dump(mode="json")
