"""The service standard a supervisor can edit: customer classes, manager workload, scorecard
weights and status bands — checked before anything is saved.

The built-in preset ("tobacco retail", domain guide §3) lives in defaults.toml. Saving writes only
these four sections into the settings file (other saved settings are kept); "reset to preset"
removes them again, so the preset's values apply.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from analytics import config
from analytics.domain import CLASSES, SCORE_ITEMS
from analytics.i18n import t
from analytics.settings import (
    WORKLOAD_RULES,
    BrokenRules,
    ClassStandardEdit,
    Settings,
    ShareMinimums,
    StatusBandsEdit,
    WorkloadEdit,
)
from analytics.settings import ScoreWeightsEdit as _ScoreWeightsEdit

CLASS_FIELDS = tuple(ClassStandardEdit.model_fields)
INTEGER_FIELDS = {"interval_days", "appointment_lead_days", "coverage_window_months"}
WORKLOAD_FIELDS = tuple(WorkloadEdit.model_fields)
WEIGHT_ITEMS = SCORE_ITEMS
STATUS_FIELDS = tuple(StatusBandsEdit.model_fields)
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


def standards_of(settings: Settings | Mapping[str, Any]) -> dict:
    """The editable part of the settings: classes, workload, scorecard weights and status."""
    s = config.as_settings(settings)
    return {
        "classes": {name: {f: getattr(s.classes[name], f) for f in CLASS_FIELDS} for name in CLASSES},
        "workload": {f: getattr(s.workload, f) for f in WORKLOAD_FIELDS},
        "scorecard": {
            "weights": {i: s.scorecard.weights.get(i, 0) for i in WEIGHT_ITEMS},
            "status": {f: getattr(s.scorecard.status, f) for f in STATUS_FIELDS},
        },
    }


def weights_total(weights: Mapping[str, Any]) -> float:
    """The scorecard weights added up (100 when they are right)."""
    return sum(float(w) for w in weights.values())


# ------------------------------------------------------------------ validation


def _check(model: type[BaseModel], data: Any) -> tuple[BaseModel | None, list[Any]]:
    """The model checked from `data` (None when refused) and pydantic's errors."""
    try:
        return model.model_validate(data if isinstance(data, Mapping) else {}), []
    except ValidationError as error:
        return None, error.errors()


def _broken(errors: list) -> list[Problem]:
    """The rules the model validators found broken, as Problems."""
    return [
        Problem(rule.key, dict(rule.values))
        for e in errors
        if isinstance(e.get("ctx", {}).get("error"), BrokenRules)
        for rule in e["ctx"]["error"].rules
    ]


def _class_problems(name: str, spec: Any) -> list[Problem]:
    """What is missing or not whole in a class's standard; else the rules it breaks."""
    _, errors = _check(ClassStandardEdit, spec)
    typed = [
        Problem(
            "whole_number" if e["type"] == "int_from_float" else "missing",
            {"class_name": name, "field": e["loc"][0]},
        )
        for e in errors
        if e["loc"]
    ]
    if typed:
        return typed
    return [Problem(p.key, {**p.values, "class_name": name}) for p in _broken(errors)]


def _once(keys: list[str]) -> list[Problem]:
    return [Problem(key) for key in dict.fromkeys(keys)]


def validate(standards: Mapping[str, Any]) -> list[Problem]:
    """Every reason the edited standard cannot be saved (empty when it is valid); the rules are
    the models' in analytics.settings (ClassStandardEdit, ShareMinimums, WorkloadEdit,
    ScoreWeightsEdit, StatusBandsEdit)."""
    problems: list[Problem] = []
    classes = standards.get("classes", {})
    for name in CLASSES:
        problems.extend(_class_problems(name, classes.get(name, {})))
    # Only minimum shares that are all numbers are added up.
    _, errors = _check(ShareMinimums, {n: classes.get(n, {}).get("share_min") for n in CLASSES})
    problems.extend(_broken(errors))
    _, errors = _check(WorkloadEdit, standards.get("workload", {}))
    problems.extend(_once([WORKLOAD_RULES[e["loc"][0]] for e in errors]))
    card = standards.get("scorecard", {})
    _, errors = _check(_ScoreWeightsEdit, card.get("weights", {}))
    problems.extend(_once(["weight_negative"]) if any(e["loc"] for e in errors) else _broken(errors))
    _, errors = _check(StatusBandsEdit, card.get("status", {}))
    problems.extend(_once(["status_bands"] if errors else []))
    return problems


def _normalised(standards: Mapping[str, Any]) -> dict:
    """A valid standard as TOML-friendly values (whole numbers as int, weekdays in order)."""
    card = standards["scorecard"]
    return {
        "classes": {
            name: ClassStandardEdit.model_validate(standards["classes"][name]).model_dump()
            for name in CLASSES
        },
        "workload": WorkloadEdit.model_validate(standards["workload"]).model_dump(),
        "scorecard": {
            "weights": _ScoreWeightsEdit.model_validate(card["weights"]).model_dump(),
            "status": StatusBandsEdit.model_validate(card["status"]).model_dump(),
        },
    }


# ------------------------------------------------------------------ saving


def save_standards(standards: Mapping[str, Any], path: str | os.PathLike | None = None) -> list[Problem]:
    """Validate and, when valid, save the standard into the settings file. Returns the problems;
    nothing is written when there is any."""
    problems = validate(standards)
    if problems:
        return problems
    clean = _normalised(standards)
    overlay = config.saved_changes(path)
    overlay["classes"] = clean["classes"]
    overlay["workload"] = {**overlay.get("workload", {}), **clean["workload"]}
    card = overlay.setdefault("scorecard", {})
    card["weights"] = clean["scorecard"]["weights"]
    card["status"] = clean["scorecard"]["status"]
    config.save_settings(overlay, path)
    return []


def reset_standards(path: str | os.PathLike | None = None) -> None:
    """Back to the preset for classes, workload, weights and status bands (other saved settings stay)."""
    overlay = config.saved_changes(path)
    for section in SECTIONS:
        overlay.pop(section, None)
    if overlay:
        config.save_settings(overlay, path)
    else:
        config.reset_settings(path)


def preset_standards() -> dict:
    """The built-in preset's standard (defaults.toml)."""
    return standards_of(config.defaults())


def current_standards(path: str | os.PathLike | None = None) -> dict:
    """The standard in force: the preset with the saved changes laid over."""
    return standards_of(config.load_settings(path))
