"""The settings as one typed model of ``defaults.toml``.

The model names every setting and its type; the values themselves live only in
``defaults.toml`` (documented line by line there), so no default is written twice. A partial
mapping (a test's ``{"abc": {"a_share": 0.7}}``, a saved settings file) is laid over the
defaults before it is checked: ``config.as_settings``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    create_model,
    field_validator,
    model_validator,
)

from analytics.domain import CLASSES, SCORE_ITEMS, CustomerClass, ScoreItem


class Section(BaseModel):
    """A frozen part of the settings, read by attribute. Keys the model does not know (from a
    settings file of another release) are ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")


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
    action_list_per_manager: int = Field(ge=0)
    action_list_min_loss: float = Field(ge=0)


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


class Products(Section):
    """New-product cultivation and product-mix suggestions (domain guide §4)."""

    launch_window_months: int = Field(ge=1)
    curve_step_days: int = Field(ge=1)
    suggestion_window_days: int = Field(ge=1)
    suggestion_count: int = Field(ge=1)
    tier_bands: list[tuple[int, int]]

    @field_validator("tier_bands", mode="after")
    @classmethod
    def _bands(cls, bands: list[tuple[int, int]]) -> list[tuple[int, int]]:
        if any(low > high for low, high in bands):
            raise ValueError("a tier band's first tier is above its last")
        return bands


class Inventory(Section):
    reasonable_stock_factor: float = Field(gt=0)


class Complaints(Section):
    contact_working_days: int = Field(ge=0)
    reply_working_days: int = Field(ge=0)
    holidays: list[date] = Field(default_factory=list)


class Collections(Section):
    overdue_floor: float = Field(ge=0)


class AccountRules(Section):
    """Sign-in rules of the dashboard's accounts (``[accounts]``, issue 17)."""

    idle_minutes: float = Field(gt=0)
    max_attempts: int = Field(ge=1)
    lock_minutes: float = Field(gt=0)


class BackupRules(Section):
    """Where the automatic copies before a destructive action go and how many stay (``[backup]``)."""

    folder: str = Field(min_length=1)
    keep: int = Field(ge=1)


class ImportBounds(Section):
    """The plausible values an import accepts (``[import]``); outside them a cell is a row error."""

    earliest_date: date
    latest_years_ahead: int = Field(ge=0, le=50)
    max_amount: float = Field(gt=0)
    max_quantity: float = Field(gt=0)
    max_duration_min: float = Field(gt=0)

    def date_window(self, today: date | None = None) -> tuple[date, date]:
        """The first and the last date an import accepts (the last one moves with today)."""
        today = today or date.today()
        try:
            latest = today.replace(year=today.year + self.latest_years_ahead)
        except ValueError:  # 29 February
            latest = today.replace(year=today.year + self.latest_years_ahead, day=28)
        return self.earliest_date, latest


class Engine(Section):
    """Where the dashboard's metric reads run (``[engine]``, issue 20): the DuckDB store, or Spark
    over an exported Parquet folder (``warehouse``) or a catalog's ``catalog.database`` tables,
    locally or through Spark Connect (``spark_remote``)."""

    kind: Literal["duckdb", "spark"]
    warehouse: str = ""
    catalog: str = ""
    database: str = ""
    spark_remote: str = ""

    @field_validator("warehouse", "catalog", "database", "spark_remote", mode="after")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        return value.strip()

    @field_validator("spark_remote", mode="after")
    @classmethod
    def _connect_url(cls, value: str) -> str:
        if value and not value.startswith("sc://"):
            raise ValueError("a Spark Connect address starts with sc://")
        return value

    @field_validator("catalog", "database", mode="after")
    @classmethod
    def _name(cls, value: str) -> str:
        if value and not all(part.replace("_", "").isalnum() for part in value.split(".")):
            raise ValueError("a catalog or database name is letters, digits and _")
        return value

    @property
    def source(self) -> str:
        """What Spark reads: the folder, or the catalog database's qualified name (empty when neither)."""
        if self.warehouse:
            return self.warehouse
        return ".".join(part for part in (self.catalog, self.database) if part)

    @property
    def on_spark(self) -> bool:
        """True when the metrics read through Spark: kind "spark" and a folder or database to read."""
        return self.kind == "spark" and bool(self.warehouse or self.database)


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
    products: Products
    inventory: Inventory
    complaints: Complaints
    collections: Collections
    accounts: AccountRules
    backup: BackupRules
    # `import` is a Python keyword: the attribute is `imports`, the TOML section `[import]`.
    imports: ImportBounds = Field(alias="import")
    engine: Engine

    def interval_days(self) -> dict[str, int]:
        """Visit interval of each class, in days."""
        return {str(name): spec.interval_days for name, spec in self.classes.items()}

    def interval_values(self) -> dict[str, list]:
        """The class intervals as the parameters of ``shared/intervals.sql``."""
        intervals = self.interval_days()
        return {"interval_classes": list(intervals), "interval_days": list(intervals.values())}

    def as_dict(self) -> dict[str, Any]:
        """Plain nested dicts and lists, as written to TOML."""
        return self.model_dump(mode="json", by_alias=True)


# ------------------------------------------------------------------ the service standard, as edited
#
# The settings page edits the classes' standard, the workload and the scorecard; an edit is
# checked against the rules below before it is saved. A rule an edit breaks is reported as a
# `Rule` (a message key of standards.toml and its values), so the page can say what to correct.
# Field types catch what is missing or not a whole number; the rules that involve several
# fields are model validators, so one edit reports every rule it breaks at once.


def _tidy(value: float) -> int | float:
    """A whole number as int (TOML writes 15, not 15.0)."""
    return int(value) if value == int(value) else value


Number = Annotated[float, Field(allow_inf_nan=False), PlainSerializer(_tidy, return_type=int | float)]


@dataclass(frozen=True)
class Rule:
    """One rule of the service standard an edit breaks: message key and its values."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


class BrokenRules(ValueError):
    """The rules a model validator found broken (pydantic reports it as one value_error)."""

    def __init__(self, rules: list[Rule]) -> None:
        super().__init__(", ".join(r.key for r in rules))
        self.rules = rules


class _Edit(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ClassStandardEdit(_Edit):
    """The service standard of one class as edited (domain guide §3): interval ≥ 1 day;
    0 ≤ min ≤ max minutes with max > 0; appointment lead ≥ −1 (−1 = none needed);
    0 ≤ share_min ≤ share_max ≤ 1."""

    interval_days: int
    min_minutes: Number
    max_minutes: Number
    appointment_lead_days: int
    share_min: Number
    share_max: Number

    @model_validator(mode="after")
    def _rules(self) -> ClassStandardEdit:
        broken = []
        if self.interval_days < 1:
            broken.append("interval")
        if self.min_minutes < 0 or self.max_minutes <= 0:
            broken.append("minutes_positive")
        if self.min_minutes > self.max_minutes:
            broken.append("minutes_order")
        if self.appointment_lead_days < -1:
            broken.append("lead")
        if not (0 <= self.share_min <= 1 and 0 <= self.share_max <= 1):
            broken.append("share_range")
        elif self.share_min > self.share_max:
            broken.append("share_order")
        if broken:
            raise BrokenRules([Rule(key) for key in broken])
        return self


class ShareMinimums(_Edit):
    """The classes' minimum shares: at most 100 % together."""

    core: Number
    potential: Number
    regular: Number
    assist: Number

    @model_validator(mode="after")
    def _total(self) -> ShareMinimums:
        if sum(getattr(self, name) for name in CLASSES) > 1 + 1e-9:
            raise BrokenRules([Rule("share_total")])
        return self


class WorkloadEdit(_Edit):
    """A manager's workload: 0 < field days a week ≤ 7; customers a field day > 0; coverage
    window 1–12 whole months; suggested field days Monday (0) to Sunday (6)."""

    field_days_per_week: Annotated[Number, Field(gt=0, le=7)]
    customers_per_field_day: Annotated[Number, Field(gt=0)]
    coverage_window_months: Annotated[int, Field(ge=1, le=12)]
    suggested_weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(default_factory=list)

    @field_validator("suggested_weekdays", mode="after")
    @classmethod
    def _in_order(cls, days: list[int]) -> list[int]:
        return sorted(days)


# Which rule a workload field breaks, whatever is wrong with it.
WORKLOAD_RULES = {
    "field_days_per_week": "field_days",
    "customers_per_field_day": "per_field_day",
    "coverage_window_months": "coverage_months",
    "suggested_weekdays": "weekdays",
}


def _weights_total(self: BaseModel) -> BaseModel:
    total = sum(getattr(self, item) for item in SCORE_ITEMS)
    if abs(total - 100) > 1e-6:
        raise BrokenRules([Rule("weight_sum", {"total": f"{total:g}"})])
    return self


ScoreWeightsEdit = create_model(
    "ScoreWeightsEdit",
    __doc__="The scorecard weights: each ≥ 0, 100 together.",
    __base__=_Edit,
    __validators__={"_total": model_validator(mode="after")(_weights_total)},
    **{item: (Annotated[Number, Field(ge=0)], ...) for item in SCORE_ITEMS},
)


class StatusBandsEdit(_Edit):
    """The scorecard's status bands: 0 ≤ at_risk < on_track ≤ 100."""

    on_track: Number
    at_risk: Number

    @model_validator(mode="after")
    def _order(self) -> StatusBandsEdit:
        if not 0 <= self.at_risk < self.on_track <= 100:
            raise BrokenRules([Rule("status_bands")])
        return self
