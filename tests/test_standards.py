"""Validation, saving and resetting of the service standard."""

import copy
import tomllib

import pytest

from analytics import config, standards


@pytest.fixture
def preset():
    return standards.preset_standards()


def keys(problems):
    return [p.key for p in problems]


def test_preset_is_valid_and_matches_the_domain_table(preset):
    assert standards.validate(preset) == []
    core = preset["classes"]["core"]
    assert (
        core["interval_days"],
        core["min_minutes"],
        core["max_minutes"],
        core["appointment_lead_days"],
    ) == (14, 15, 20, 1)
    assert preset["classes"]["regular"]["interval_days"] == 60
    assert preset["classes"]["regular"]["appointment_lead_days"] == -1
    assert preset["workload"]["field_days_per_week"] == 3
    assert preset["workload"]["customers_per_field_day"] == 15
    assert preset["workload"]["coverage_window_months"] == 2
    assert sum(preset["scorecard"]["weights"].values()) == 100


@pytest.mark.parametrize(
    "path, value, problem",
    [
        (("classes", "core", "interval_days"), 0, "interval"),
        (("classes", "core", "interval_days"), 1.5, "whole_number"),
        (("classes", "core", "min_minutes"), 21, "minutes_order"),
        (("classes", "assist", "max_minutes"), 0, "minutes_positive"),
        (("classes", "potential", "appointment_lead_days"), -2, "lead"),
        (("classes", "potential", "share_min"), 0.5, "share_order"),
        (("classes", "potential", "share_max"), 1.2, "share_range"),
        (("classes", "regular", "share_min"), None, "missing"),
        (("classes", "regular", "share_min"), float("nan"), "missing"),
        (("workload", "field_days_per_week"), 0, "field_days"),
        (("workload", "field_days_per_week"), 8, "field_days"),
        (("workload", "customers_per_field_day"), -1, "per_field_day"),
        (("workload", "coverage_window_months"), 0, "coverage_months"),
        (("workload", "suggested_weekdays"), [0, 7], "weekdays"),
        (("scorecard", "weights", "coverage"), -5, "weight_negative"),
        (("scorecard", "weights", "coverage"), 25, "weight_sum"),
        (("scorecard", "status", "at_risk"), 85, "status_bands"),
        (("scorecard", "status", "on_track"), 101, "status_bands"),
    ],
)
def test_each_rule_refuses_a_bad_value(preset, path, value, problem):
    edited = copy.deepcopy(preset)
    target = edited
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    assert problem in keys(standards.validate(edited))


def test_edges_that_are_allowed(preset):
    edited = copy.deepcopy(preset)
    edited["classes"]["core"]["interval_days"] = 1
    edited["classes"]["core"]["min_minutes"] = edited["classes"]["core"]["max_minutes"] = 20
    edited["classes"]["potential"]["share_min"] = edited["classes"]["potential"]["share_max"] = 0.2
    edited["scorecard"]["status"] = {"on_track": 100, "at_risk": 0}
    # Equal weights over every item (complaints included): 100 / 9 each, a sum of 100 in floats.
    edited["scorecard"]["weights"] = dict.fromkeys(standards.WEIGHT_ITEMS, 100 / len(standards.WEIGHT_ITEMS))
    assert len(standards.WEIGHT_ITEMS) == 9
    assert standards.validate(edited) == []


def test_minimum_shares_cannot_exceed_everyone(preset):
    edited = copy.deepcopy(preset)
    edited["classes"]["regular"]["share_min"] = 0.9
    assert keys(standards.validate(edited)) == ["share_total"]


def test_messages_in_both_languages(preset):
    edited = copy.deepcopy(preset)
    edited["classes"]["core"]["min_minutes"] = 30
    edited["scorecard"]["weights"]["coverage"] = 30
    problems = standards.validate(edited)
    zh = [p.text("zh") for p in problems]
    en = [p.text("en") for p in problems]
    assert zh == ["核心客户：最短时长不能大于最长时长。", "考评权重合计须为 100，当前为 110。"]
    assert en[1] == "Scorecard weights must add up to 100; they add up to 110."
    assert en[0].endswith("the minimum length cannot exceed the maximum.")


def test_invalid_edit_saves_nothing(preset, settings_file):
    edited = copy.deepcopy(preset)
    edited["scorecard"]["weights"]["retention"] = 0
    assert keys(standards.save_standards(edited)) == ["weight_sum"]
    assert not settings_file.exists()


def test_save_then_reset_keeps_other_settings(preset, settings_file):
    settings_file.write_text("[warnings]\nlost_after_days = 60\n", encoding="utf-8")
    edited = copy.deepcopy(preset)
    edited["classes"]["core"]["interval_days"] = 7
    edited["scorecard"]["weights"]["coverage"] = 30
    edited["scorecard"]["weights"]["retention"] = 0
    assert standards.save_standards(edited) == []
    loaded = config.load_settings()
    assert loaded.classes["core"].interval_days == 7
    assert loaded.scorecard.weights["coverage"] == 30
    assert loaded.warnings.lost_after_days == 60
    assert standards.current_standards() != standards.preset_standards()
    standards.reset_standards()
    assert standards.current_standards() == standards.preset_standards()
    with settings_file.open("rb") as fh:
        assert tomllib.load(fh) == {"warnings": {"lost_after_days": 60}}


def test_reset_without_other_settings_removes_the_file(preset, settings_file):
    assert standards.save_standards(copy.deepcopy(preset)) == []
    assert settings_file.exists()
    standards.reset_standards()
    assert not settings_file.exists()


def test_weights_total(preset):
    assert standards.weights_total(preset["scorecard"]["weights"]) == 100
    assert standards.weights_total({"coverage": 30, "retention": "12.5"}) == 42.5


def test_saved_standard_is_written_tidy(preset, settings_file):
    edited = copy.deepcopy(preset)
    edited["workload"]["suggested_weekdays"] = [3, 0, 2]
    edited["classes"]["core"]["min_minutes"] = 15.5
    assert standards.save_standards(edited) == []
    with settings_file.open("rb") as fh:
        saved = tomllib.load(fh)
    assert saved["workload"]["suggested_weekdays"] == [0, 2, 3]
    assert saved["classes"]["core"]["min_minutes"] == 15.5
    assert isinstance(saved["classes"]["core"]["max_minutes"], int)
    assert isinstance(saved["scorecard"]["weights"]["coverage"], int)
