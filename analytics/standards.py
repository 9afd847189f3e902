"""The service standard a supervisor can edit: customer classes, manager workload, scorecard
weights and status bands — checked before anything is saved.

The built-in preset ("tobacco retail", domain guide §3) lives in defaults.toml. Saving writes only
these four sections into the settings file (other saved settings are kept); "reset to preset"
removes them again, so the preset's values apply.
"""

from __future__ import annotations

import copy
import math
import tomllib
from dataclasses import dataclass, field
from typing import Any

from analytics import config
from analytics.i18n import t

CLASSES = ("core", "potential", "regular", "assist")
CLASS_FIELDS = (
    "interval_days",
    "min_minutes",
    "max_minutes",
    "appointment_lead_days",
    "share_min",
    "share_max",
)
INTEGER_FIELDS = {"interval_days", "appointment_lead_days", "coverage_window_months"}
WORKLOAD_FIELDS = (
    "field_days_per_week",
    "customers_per_field_day",
    "coverage_window_months",
    "suggested_weekdays",
)
WEIGHT_ITEMS = (
    "coverage",
    "frequency_compliance",
    "duration_compliance",
    "field_days",
    "visits_per_field_day",
    "sales_growth",
    "target_attainment",
    "retention",
)
STATUS_FIELDS = ("on_track", "at_risk")
SECTIONS = ("classes", "workload", "scorecard")


@dataclass(frozen=True)
class Problem:
    """One reason an edit is refused: a message key of standards.toml and its values."""

    key: str
    values: dict = field(default_factory=dict)

    def text(self, lang: str) -> str:
        values = dict(self.values)
        if "class_name" in values:
            values["class_name"] = t(f"common.class_{values['class_name']}", lang)
        if "field" in values:
            values["field"] = t(f"standards.field_{values['field']}", lang)
        return t(f"standards.problem_{self.key}", lang, **values)


def standards_of(settings: dict) -> dict:
    """The editable part of the settings: classes, workload, scorecard weights and status."""
    return {
        "classes": {name: {f: settings["classes"][name][f] for f in CLASS_FIELDS} for name in CLASSES},
        "workload": {f: settings["workload"][f] for f in WORKLOAD_FIELDS},
        "scorecard": {
            "weights": {i: settings["scorecard"]["weights"].get(i, 0) for i in WEIGHT_ITEMS},
            "status": {f: settings["scorecard"]["status"][f] for f in STATUS_FIELDS},
        },
    }


# ------------------------------------------------------------------ validation


def _number(value: Any) -> float | None:
    """The value as a finite number, or None (empty cell, text, NaN)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _check_class(name: str, spec: dict) -> list[Problem]:
    problems = []
    values = {f: _number(spec.get(f)) for f in CLASS_FIELDS}
    for f, v in values.items():
        if v is None:
            problems.append(Problem("missing", {"class_name": name, "field": f}))
        elif f in INTEGER_FIELDS and v != int(v):
            problems.append(Problem("whole_number", {"class_name": name, "field": f}))
    if problems:
        return problems
    if values["interval_days"] < 1:
        problems.append(Problem("interval", {"class_name": name}))
    if values["min_minutes"] < 0 or values["max_minutes"] <= 0:
        problems.append(Problem("minutes_positive", {"class_name": name}))
    if values["min_minutes"] > values["max_minutes"]:
        problems.append(Problem("minutes_order", {"class_name": name}))
    if values["appointment_lead_days"] < -1:
        problems.append(Problem("lead", {"class_name": name}))
    if not (0 <= values["share_min"] <= 1 and 0 <= values["share_max"] <= 1):
        problems.append(Problem("share_range", {"class_name": name}))
    elif values["share_min"] > values["share_max"]:
        problems.append(Problem("share_order", {"class_name": name}))
    return problems


def _check_workload(workload: dict) -> list[Problem]:
    problems = []
    days = _number(workload.get("field_days_per_week"))
    per_day = _number(workload.get("customers_per_field_day"))
    months = _number(workload.get("coverage_window_months"))
    if days is None or not 0 < days <= 7:
        problems.append(Problem("field_days"))
    if per_day is None or per_day <= 0:
        problems.append(Problem("per_field_day"))
    if months is None or months != int(months) or not 1 <= months <= 12:
        problems.append(Problem("coverage_months"))
    weekdays = workload.get("suggested_weekdays", [])
    if not isinstance(weekdays, list | tuple) or any(
        _number(d) is None or d not in range(7) for d in weekdays
    ):
        problems.append(Problem("weekdays"))
    return problems


def _check_scorecard(card: dict) -> list[Problem]:
    problems = []
    weights = {i: _number(card.get("weights", {}).get(i)) for i in WEIGHT_ITEMS}
    if any(w is None or w < 0 for w in weights.values()):
        problems.append(Problem("weight_negative"))
    else:
        total = sum(weights.values())
        if abs(total - 100) > 1e-6:
            problems.append(Problem("weight_sum", {"total": f"{total:g}"}))
    on_track = _number(card.get("status", {}).get("on_track"))
    at_risk = _number(card.get("status", {}).get("at_risk"))
    if on_track is None or at_risk is None or not (0 <= at_risk < on_track <= 100):
        problems.append(Problem("status_bands"))
    return problems


def validate(standards: dict) -> list[Problem]:
    """Every reason the edited standard cannot be saved (empty when it is valid).

    Rules: interval ≥ 1 day; 0 ≤ min ≤ max minutes (max > 0); appointment lead ≥ −1 (−1 = none
    needed); 0 ≤ share_min ≤ share_max ≤ 1 and the classes' minimum shares at most 100 % together;
    0 < field days a week ≤ 7; customers a field day > 0; coverage window 1–12 whole months;
    suggested weekdays 0–6; weights ≥ 0 summing to 100; 0 ≤ at_risk < on_track ≤ 100."""
    problems: list[Problem] = []
    classes = standards.get("classes", {})
    for name in CLASSES:
        problems.extend(_check_class(name, classes.get(name, {})))
    shares = [_number(classes.get(n, {}).get("share_min")) for n in CLASSES]
    if all(s is not None for s in shares) and sum(shares) > 1 + 1e-9:
        problems.append(Problem("share_total"))
    problems.extend(_check_workload(standards.get("workload", {})))
    problems.extend(_check_scorecard(standards.get("scorecard", {})))
    return problems


def _normalised(standards: dict) -> dict:
    """Numbers as TOML-friendly ints/floats (whole-number fields as int)."""
    out = copy.deepcopy(standards)
    for spec in out["classes"].values():
        for f in CLASS_FIELDS:
            spec[f] = int(spec[f]) if f in INTEGER_FIELDS else _tidy(spec[f])
    workload = out["workload"]
    workload["field_days_per_week"] = _tidy(workload["field_days_per_week"])
    workload["customers_per_field_day"] = _tidy(workload["customers_per_field_day"])
    workload["coverage_window_months"] = int(workload["coverage_window_months"])
    workload["suggested_weekdays"] = sorted(int(d) for d in workload["suggested_weekdays"])
    card = out["scorecard"]
    card["weights"] = {i: _tidy(card["weights"][i]) for i in WEIGHT_ITEMS}
    card["status"] = {f: _tidy(card["status"][f]) for f in STATUS_FIELDS}
    return out


def _tidy(value) -> int | float:
    number = float(value)
    return int(number) if number == int(number) else number


# ------------------------------------------------------------------ saving


def _saved_overlay(path=None) -> dict:
    file = config.settings_path(path)
    if not file.exists():
        return {}
    with file.open("rb") as fh:
        return tomllib.load(fh)


def save_standards(standards: dict, path=None) -> list[Problem]:
    """Validate and, when valid, save the standard into the settings file. Returns the problems;
    nothing is written when there is any."""
    problems = validate(standards)
    if problems:
        return problems
    clean = _normalised(standards)
    overlay = _saved_overlay(path)
    overlay["classes"] = clean["classes"]
    overlay["workload"] = {**overlay.get("workload", {}), **clean["workload"]}
    card = overlay.setdefault("scorecard", {})
    card["weights"] = clean["scorecard"]["weights"]
    card["status"] = clean["scorecard"]["status"]
    config.save_settings(overlay, path)
    return []


def reset_standards(path=None) -> None:
    """Back to the preset for classes, workload, weights and status bands (other saved settings stay)."""
    overlay = _saved_overlay(path)
    for section in SECTIONS:
        overlay.pop(section, None)
    if overlay:
        config.save_settings(overlay, path)
    else:
        config.reset_settings(path)


def preset_standards() -> dict:
    """The built-in preset's standard (defaults.toml)."""
    return standards_of(config.defaults())


def current_standards(path=None) -> dict:
    """The standard in force: the preset with the saved changes laid over."""
    return standards_of(config.load_settings(path))
