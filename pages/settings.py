"""Service standards: class standards, workload, scorecard weights and status bands, with validation.
Admin only once accounts exist; every saved change is in the audit log with its old and new value."""

from typing import Any

import streamlit as st

from analytics import audit, standards
from ui import settings_engine
from ui.common import clear_caches, labeler, lang, page_header, record, require_role, tr

FORM_KEY = "std"
FLASH = "std-flash"
WEEKDAYS = list(range(7))


def widget_key(*parts: str) -> str:
    return "-".join((FORM_KEY, *parts))


def number(
    label: str, value: float, key: str, container: Any, integer: bool = False, fraction: bool = False
) -> float:
    """A number input without limits: the validation explains what is wrong instead."""
    if integer:
        return container.number_input(label, value=int(value), step=1, key=key)
    step, fmt = (0.01, "%.2f") if fraction else (1.0, "%.1f")
    return container.number_input(label, value=float(value), step=step, format=fmt, key=key)


def class_field(name: str, field: str, value: float, container: Any) -> float:
    """One class standard: shares typed as percentages, the appointment lead in days or "no
    appointment needed" (stored as -1)."""
    key = widget_key(name, field)
    if field.startswith("share"):
        label = (
            tr(f"standards.field_{field}") + "（%）"
            if lang() == "zh"
            else tr(f"standards.field_{field}") + " (%)"
        )
        percent = container.number_input(
            label, value=round(float(value) * 100, 1), step=1.0, format="%.1f", key=key
        )
        return None if percent is None else percent / 100
    if field == "appointment_lead_days":
        none_needed = container.checkbox(tr("standards.no_appointment"), value=value == -1, key=f"{key}-none")
        days = container.number_input(
            tr(f"standards.field_{field}"), value=max(int(value), 0), step=1, key=key, disabled=none_needed
        )
        return -1 if none_needed else days
    return number(
        tr(f"standards.field_{field}"), value, key, container, integer=field in standards.INTEGER_FIELDS
    )


def class_inputs(current: dict) -> dict:
    st.subheader(tr("standards.section_classes"))
    st.caption(tr("standards.section_classes_help"))
    edited = {}
    for name in standards.CLASSES:
        spec = current["classes"][name]
        columns = st.columns([1.2, 1, 1, 1, 1, 1, 1])
        columns[0].markdown(f"**{tr(f'common.class_{name}')}**")
        edited[name] = {
            field: class_field(name, field, spec[field], column)
            for field, column in zip(standards.CLASS_FIELDS, columns[1:], strict=True)
        }
    return edited


def workload_inputs(current: dict) -> dict:
    st.subheader(tr("standards.section_workload"))
    workload = current["workload"]
    left, middle, right, days = st.columns([1, 1, 1, 2])
    return {
        "field_days_per_week": number(
            tr("standards.field_field_days_per_week"),
            workload["field_days_per_week"],
            widget_key("field_days"),
            left,
        ),
        "customers_per_field_day": number(
            tr("standards.field_customers_per_field_day"),
            workload["customers_per_field_day"],
            widget_key("per_day"),
            middle,
        ),
        "coverage_window_months": number(
            tr("standards.field_coverage_window_months"),
            workload["coverage_window_months"],
            widget_key("coverage"),
            right,
            integer=True,
        ),
        "suggested_weekdays": days.multiselect(
            tr("standards.field_suggested_weekdays"),
            WEEKDAYS,
            default=list(workload["suggested_weekdays"]),
            format_func=labeler("standards.weekday_"),
            key=widget_key("weekdays"),
            placeholder=tr("common.widget_choose"),
        ),
    }


def scorecard_inputs(current: dict) -> dict:
    st.subheader(tr("standards.section_weights"))
    weights = current["scorecard"]["weights"]
    columns = st.columns(4)
    edited_weights = {
        item: number(
            tr(f"standards.weight_{item}"), weights[item], widget_key("weight", item), columns[i % 4]
        )
        for i, item in enumerate(standards.WEIGHT_ITEMS)
    }
    st.caption(tr("standards.weights_total", total=f"{standards.weights_total(weights):g}"))
    st.subheader(tr("standards.section_status"))
    left, right, _ = st.columns([1, 1, 2])
    status = current["scorecard"]["status"]
    return {
        "weights": edited_weights,
        "status": {
            "on_track": number(
                tr("standards.field_on_track"), status["on_track"], widget_key("on_track"), left
            ),
            "at_risk": number(tr("standards.field_at_risk"), status["at_risk"], widget_key("at_risk"), right),
        },
    }


def setting_changes(old: Any, new: Any, path: str = "") -> dict[str, list]:
    """Every setting whose value differs, as {"classes.core.interval_days": [old, new]}."""
    if isinstance(old, dict) and isinstance(new, dict):
        changes: dict[str, list] = {}
        for key in sorted(set(old) | set(new), key=str):
            changes.update(setting_changes(old.get(key), new.get(key), f"{path}.{key}" if path else str(key)))
        return changes
    if isinstance(old, tuple | list) and isinstance(new, tuple | list) and list(old) == list(new):
        return {}
    return {} if old == new else {path: [old, new]}


def record_changes(before: dict, after: dict, change: str) -> None:
    changes = setting_changes(before, after)
    if changes:
        record(audit.AuditAction.SETTING_CHANGED, {"change": change, "settings": changes})


def forget_widgets() -> None:
    for key in [k for k in st.session_state if str(k).startswith(f"{FORM_KEY}-")]:
        del st.session_state[key]


def show_flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(tr(message), icon=":material/check_circle:")


require_role("can_edit_settings")
page_header("standards.title", "standards.caption", show_period=False)
show_flash()
current = standards.current_standards()
is_preset = current == standards.preset_standards()
st.info(
    tr(
        "standards.preset_note", state=tr("standards.state_preset" if is_preset else "standards.state_custom")
    ),
    icon=":material/tune:",
)

with st.form("standards-form"):
    edited = {
        "classes": class_inputs(current),
        "workload": workload_inputs(current),
        "scorecard": scorecard_inputs(current),
    }
    submitted = st.form_submit_button(tr("standards.save"), type="primary", key=widget_key("save"))

if submitted:
    problems = standards.save_standards(edited)
    if problems:
        st.error(
            "\n".join([tr("standards.rejected"), *[f"- {p.text(lang())}" for p in problems]]),
            icon=":material/error:",
        )
    else:
        record_changes(current, standards.current_standards(), "saved")
        clear_caches()
        st.session_state[FLASH] = "standards.saved"
        st.rerun()

if st.button(tr("standards.reset"), key="standards-reset", icon=":material/restart_alt:", disabled=is_preset):
    standards.reset_standards()
    record_changes(current, standards.current_standards(), "reset")
    clear_caches()
    forget_widgets()
    st.session_state[FLASH] = "standards.reset_done"
    st.rerun()

settings_engine.draw()  # [engine]: where the metrics are read (ui/settings_engine.py)
