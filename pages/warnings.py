"""Loss warnings: the risk model's backtest, the ranked warning list, follow-ups, counts per manager."""

from datetime import date

import pandas as pd
import plotly.express as px
import streamlit as st

from analytics import risk_model, warnings
from analytics.domain import FOLLOWUP_STATUSES, RULES
from analytics.filters import Filters
from ui import charts, format
from ui.common import (
    cached,
    cached_on_data,
    connection,
    current_filters,
    empty_state,
    lang,
    page_header,
    show_table,
    tr,
)

KEY = "warnings"


def status_label(status: object) -> str:
    return (
        tr(f"warnings.status_{status}") if isinstance(status, str) and status else tr("warnings.status_new")
    )


def draw_backtest(risk: risk_model.RiskAssessment) -> None:
    st.subheader(tr("warnings.model_header"))
    if not risk.trained:
        empty_state("warnings.model_no_data" if risk.reason == "no_data" else "warnings.model_thin")
        return
    cells = st.columns(4)
    figures = (
        ("warnings.model_auc", risk.auc, "warnings.model_help_auc", False),
        ("warnings.model_top", risk.top_precision, "warnings.model_help_top", True),
        ("warnings.baseline_auc", risk.baseline_auc, "warnings.model_help_auc", False),
        ("warnings.baseline_top", risk.baseline_top_precision, "warnings.model_help_top", True),
    )
    for cell, (label, value, help_key, percent) in zip(cells, figures, strict=True):
        shown = "—" if value is None else (format.percent(value) if percent else format.number(value, 3))
        cell.metric(tr(label), shown, help=tr(help_key), border=True)
    st.caption(
        tr(
            "warnings.model_explain",
            days=risk.horizon_days,
            snapshot=risk.test_snapshot,
            rows=risk.test_rows,
            share=format.percent(risk.test_positive_share or 0),
        )
    )
    if risk.beats_baseline:
        st.success(tr("warnings.model_beats"), icon=":material/check_circle:")
    else:
        st.warning(tr("warnings.model_not_better"), icon=":material/info:")


def pick_rules() -> tuple[list[str], bool]:
    left, right = st.columns([3, 2])
    rules = left.multiselect(
        tr("warnings.rule_filter"),
        list(RULES),
        key=f"{KEY}-rules",
        format_func=lambda r: tr(f"warnings.rule_{r}"),
        placeholder=tr("common.all"),
    )
    right.write("")
    include_closed = right.checkbox(tr("warnings.show_closed"), key=f"{KEY}-closed")
    return rules, include_closed


def draw_tiles(view: warnings.WarningView) -> None:
    cells = st.columns(3)
    cells[0].metric(tr("warnings.tiles_warned"), format.number(view.warned), border=True)
    cells[1].metric(tr("warnings.tiles_open"), format.number(view.open), border=True)
    cells[2].metric(
        tr("warnings.tiles_revenue"),
        format.money(view.revenue_at_risk),
        help=tr("warnings.tiles_help_revenue"),
        border=True,
    )


def warning_table(listed: pd.DataFrame) -> pd.DataFrame:
    """The list as shown and exported, with labels in the current language."""
    reasons = warnings.explain(listed, lang())
    return pd.DataFrame(
        {
            tr("common.customer_id"): listed["customer_id"],
            tr("common.customer_name"): listed["customer_name"],
            tr("common.manager"): listed["manager_name"].fillna(listed["manager_id"]),
            tr("common.customer_class"): format.labels(listed["customer_class"], "class"),
            tr("warnings.col_risk"): listed["risk_score"],
            tr("warnings.col_reasons"): reasons,
            tr("warnings.col_revenue_at_risk"): listed["revenue_at_risk"].round(0),
            tr("warnings.col_last_order"): pd.to_datetime(listed["last_order_date"]).dt.date,
            tr("warnings.col_last_visit"): pd.to_datetime(listed["last_visit_date"]).dt.date,
            tr("warnings.col_days_since_order"): listed["days_since_last_order"],
            tr("warnings.col_status"): listed["followup_status"].map(status_label),
            tr("warnings.col_rules"): listed["rules"],
        }
    )


def draw_list(listed: pd.DataFrame, filters: Filters) -> str | None:
    st.subheader(tr("warnings.list_header"))
    st.caption(tr("warnings.list_sorted"))
    table = warning_table(listed)
    row = show_table(
        table,
        "loss-warnings",
        f"{KEY}-list",
        filters,
        selectable=True,
        column_config={
            tr("warnings.col_risk"): st.column_config.ProgressColumn(
                format="percent", min_value=0.0, max_value=1.0
            ),
            tr("warnings.col_revenue_at_risk"): st.column_config.NumberColumn(format="%.0f"),
        },
    )
    return None if row is None else row[tr("common.customer_id")]


def draw_followup(listed: pd.DataFrame, selected: str | None, as_of: date) -> None:
    names = dict(zip(listed["customer_id"], listed["customer_name"].fillna(""), strict=True))
    options = list(names)
    picker = f"{KEY}-fu-customer"
    if selected is not None and selected != st.session_state.get(f"{KEY}-fu-last-selected"):
        st.session_state[f"{KEY}-fu-last-selected"] = selected
        st.session_state[picker] = selected
    if st.session_state.get(picker) not in options:
        st.session_state.pop(picker, None)
    default = {} if picker in st.session_state else {"index": None}
    customer = st.selectbox(
        tr("common.customer"),
        options,
        key=picker,
        **default,
        format_func=lambda c: format.name_with_id(names.get(c, ""), c),
        placeholder=tr("warnings.followup_pick"),
    )
    if customer is None:
        st.caption(tr("warnings.followup_pick"))
        return
    label = format.name_with_id(names.get(customer, ""), customer)
    st.subheader(tr("warnings.followup_header", customer=label))
    with st.form(f"{KEY}-fu-form", clear_on_submit=True):
        status = st.selectbox(
            tr("warnings.followup_status"),
            list(FOLLOWUP_STATUSES),
            key=f"{KEY}-fu-status",
            format_func=status_label,
        )
        note = st.text_area(tr("warnings.followup_note"), key=f"{KEY}-fu-note", max_chars=500)
        if st.form_submit_button(tr("warnings.followup_save"), type="primary"):
            warnings.record_followup(connection(), customer, status, note, as_of)
            st.session_state[f"{KEY}-saved"] = tr(
                "warnings.followup_saved", customer=label, status=status_label(status)
            )
            st.rerun()
    history = cached(warnings.followups, (customer,), None, True)
    st.markdown(f"**{tr('warnings.followup_history')}**")
    if history.empty:
        st.caption(tr("warnings.followup_none"))
        return
    shown = pd.DataFrame(
        {
            tr("warnings.col_followed_up_at"): pd.to_datetime(history["updated_at"]).dt.strftime(
                "%Y-%m-%d %H:%M"
            ),
            tr("warnings.col_status"): history["recorded_status"].map(status_label),
            tr("warnings.col_note"): history["note"],
            tr("warnings.col_warned_on"): pd.to_datetime(history["warned_on"]).dt.date,
        }
    )
    show_table(shown, "warning-followups", f"{KEY}-history")


def draw_counts(counts: pd.DataFrame, filters: Filters) -> None:
    st.subheader(tr("warnings.by_manager_header"))
    if counts.empty:
        empty_state()
        return
    by_manager, by_team = st.tabs([tr("warnings.tab_managers"), tr("warnings.tab_teams")])
    with by_manager:
        top = warnings.top_open_managers(counts)
        if not top.empty:
            fig = px.bar(
                top,
                x="manager",
                y="open_warnings",
                color="team",
                labels={
                    "manager": tr("common.manager"),
                    "open_warnings": tr("warnings.axis_open"),
                    "team": tr("common.team"),
                },
            )
            charts.layout(fig, 340, legend_title=tr("common.team"))
            st.plotly_chart(fig, width="stretch", key=f"{KEY}-by-manager-chart")
        show_table(
            pd.DataFrame(
                {
                    tr("common.manager_id"): counts["manager_id"],
                    tr("common.manager_name"): counts["manager_name"],
                    tr("common.team"): counts["team"],
                    tr("warnings.col_customers"): counts["customers"],
                    tr("warnings.col_warned"): counts["warned"],
                    tr("warnings.col_open"): counts["open_warnings"],
                }
            ),
            "open-warnings-by-manager",
            f"{KEY}-by-manager",
            filters,
        )
    with by_team:
        teams = warnings.open_warnings_by_team(counts)
        show_table(
            pd.DataFrame(
                {
                    tr("common.team"): teams["team"],
                    tr("warnings.col_managers"): teams["managers"],
                    tr("warnings.col_warned"): teams["warned"],
                    tr("warnings.col_open"): teams["open_warnings"],
                }
            ),
            "open-warnings-by-team",
            f"{KEY}-by-team",
            filters,
        )


filters = current_filters()
page_header("warnings.title", "warnings.caption")
as_of = cached(warnings.as_of_date, filters)
if as_of is None:
    empty_state("common.empty_database")
else:
    st.caption(tr("warnings.as_of", date=as_of))
    saved = st.session_state.pop(f"{KEY}-saved", None)
    if saved:
        st.toast(saved, icon=":material/check:")
    with st.spinner(tr("warnings.training")):  # seconds on a large store, once per data version
        risk = cached_on_data(risk_model.assess, as_of)
    draw_backtest(risk)
    facts = cached(warnings.warning_facts, filters, as_of)
    rules, include_closed = pick_rules()
    view = warnings.warning_view(facts, risk.scores, rules, include_closed)
    if view.rows.empty:
        empty_state("warnings.no_warnings")
    else:
        draw_tiles(view)
        selected = draw_list(view.rows, filters)
        draw_followup(view.rows, selected, as_of)
    draw_counts(warnings.count_by_manager(facts), filters)
