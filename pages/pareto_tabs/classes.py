"""The service-classes tab: each class's share of a group's customers against the standard
bands, and the customers whose assigned class differs from the one the rules recommend."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import classes
from analytics.filters import Filters
from pages.pareto_tabs.common import group_labels
from ui import drill, format
from ui.common import cached, empty_state, lang, settings, tr
from ui.tables import column_kinds, common_columns, export_control, screen_frame

_STATUS_COLORS = {
    "within": "background-color: #e3f4e1",
    "below": "background-color: #fde2e1",
    "above": "background-color: #fde2e1",
}


def band_text(low: float | None, high: float | None) -> str:
    """A band as shown: 5% or 15%–35%; — without a band."""
    if format.is_missing(low):
        return format.MISSING
    if low == high:
        return format.percent(low)
    return f"{format.percent(low, 0)}–{format.percent(high, 0)}"


def status_labels(statuses: pd.Series) -> pd.Series:
    """Labels of a column of band statuses (within, below, above; — without a band)."""
    mapping = {status: tr(f"pareto.status_{status}") for status in _STATUS_COLORS}
    return statuses.map(mapping).astype(object).where(statuses.notna(), format.MISSING)


def draw(filters: Filters) -> None:
    """The class shares, then the mismatches."""
    draw_class_shares(filters)
    draw_mismatches(filters)


def draw_class_shares(filters: Filters) -> None:
    st.subheader(tr("pareto.classes_share_title"))
    bands = classes.share_bands(settings())
    st.caption(
        tr(
            "pareto.classes_share_caption",
            core=band_text(*bands["core"]),
            potential=band_text(*bands["potential"]),
            assist=band_text(*bands["assist"]),
        )
    )
    names = {g: tr(f"common.{g}") for g in classes.SHARE_GROUPS}
    group_by = st.selectbox(
        tr("pareto.share_group_by"),
        list(classes.SHARE_GROUPS),
        key="pareto-share-group",
        format_func=names.get,
    )
    frame = cached(classes.class_share_check, filters, group_by)
    if frame.empty:
        empty_state()
        return
    share, status = tr("pareto.col_share"), tr("pareto.col_status")
    table = pd.DataFrame(
        {
            tr("pareto.col_group"): group_labels(group_by, frame["group"], frame["group_name"]),
            tr("pareto.col_group_customers"): frame["group_customers"],
            tr("common.customer_class"): format.labels(frame["customer_class"], "class"),
            tr("common.unit_customers"): frame["customers"],
            share: frame["share"],
            tr("pareto.col_band"): [
                band_text(low, high) for low, high in zip(frame["share_min"], frame["share_max"], strict=True)
            ],
            status: status_labels(frame["status"]),
        }
    )
    colors = frame["status"].map(_STATUS_COLORS).fillna("").tolist()
    styled = table.style.apply(lambda _: colors, subset=[share, status], axis=0)
    config = {share: st.column_config.NumberColumn(format="percent")}
    kinds = column_kinds(table, config)
    _, config = screen_frame(table, kinds, config)
    st.dataframe(styled, hide_index=True, width="stretch", key="pareto-shares-table", column_config=config)
    export_control(table, "class-shares", "pareto-shares", filters, kinds)


def draw_mismatches(filters: Filters) -> None:
    st.subheader(tr("pareto.mismatch_title"))
    as_of = filters.end
    frame = cached(classes.class_mismatches, filters, as_of, lang=lang())
    st.caption(tr("pareto.mismatch_caption", as_of=as_of or format.MISSING, count=len(frame)))
    if frame.empty:
        st.success(tr("pareto.no_mismatches"), icon=":material/check_circle:")
        return
    table = pd.DataFrame(
        {
            **common_columns(frame, "customer_id", "customer_name", "manager_id", "team"),
            tr("pareto.col_assigned"): format.labels(frame["assigned_class"], "class"),
            tr("pareto.col_recommended"): format.labels(frame["recommended_class"], "class"),
            tr("pareto.col_reasons"): frame["reasons"],
        }
    )
    drill.row_table(table, "class-mismatches", "pareto-mismatches", filters)
