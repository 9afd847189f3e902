"""Retention: active/won/lost per month, the loss rate against its ceiling, the frozen cohort,
and the first-order cohort heatmap."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import retention, trends
from analytics.filters import Filters
from analytics.settings import Settings
from ui import charts, drill, format
from ui.common import cached, current_filters, empty_state, page_header, settings, tr
from ui.tables import column_formats, common_columns, show_table

KEY = "retention"


def reason_labels(reasons: pd.Series) -> pd.Series:
    """Labels of a column of loss reasons, translated once per distinct reason ("" when none)."""
    mapping = {r: tr(f"retention.reason_{r}") for r in pd.unique(reasons.dropna()) if isinstance(r, str)}
    labels = reasons.map(mapping)
    return labels.astype(object).where(labels.notna(), "")


def draw_flow(flow: pd.DataFrame, s: Settings, filters: Filters) -> None:
    st.subheader(tr("retention.flow_header"))
    st.caption(tr("retention.flow_help", days=s.warnings.lost_after_days))
    months = retention.month_labels(flow["month"])
    fig = go.Figure()
    fig.add_bar(x=months, y=flow["won"], name=tr("retention.col_won"), marker_color="#2e7d32")
    fig.add_bar(
        x=months,
        y=-flow["lost"],
        name=tr("retention.col_lost"),
        marker_color="#c62828",
        customdata=flow["lost"],
        hovertemplate="%{x}: %{customdata}<extra></extra>",
    )
    fig.add_scatter(
        x=months,
        y=flow["active"],
        name=tr("retention.col_active"),
        mode="lines+markers",
        yaxis="y2",
        line=dict(color="#1565c0"),
    )
    charts.layout(
        fig,
        380,
        barmode="relative",
        xaxis=dict(title=tr("common.month"), type="category"),
        yaxis=dict(
            title=f"{tr('retention.col_won')} / {tr('retention.col_lost')} ({tr('common.unit_customers')})"
        ),
        yaxis2=dict(
            title=f"{tr('retention.col_active')} ({tr('common.unit_customers')})",
            overlaying="y",
            side="right",
            showgrid=False,
            **charts.nice_axis(float(flow["active"].max()) * 1.05),
        ),
        legend=dict(orientation="h", y=1.1),
    )
    st.plotly_chart(fig, width="stretch", key=f"{KEY}-flow-chart")
    table = pd.DataFrame(
        {
            tr("common.month"): months,
            tr("retention.col_active"): flow["active"],
            tr("retention.col_won"): flow["won"],
            tr("retention.col_lost"): flow["lost"],
            tr("retention.col_active_at_start"): flow["active_at_start"],
            tr("retention.col_loss_rate"): flow["loss_rate"],
        }
    )
    show_table(
        table,
        "retention-monthly",
        f"{KEY}-flow",
        filters,
        column_config=column_formats(tr("retention.col_loss_rate")),
    )


def draw_loss_rate(flow: pd.DataFrame, s: Settings) -> None:
    st.subheader(tr("retention.loss_rate_header"))
    st.caption(tr("retention.loss_rate_help", days=s.warnings.lost_after_days))
    ceiling = s.retention.loss_rate_ceiling
    months = retention.month_labels(flow["month"])
    fig = go.Figure()
    fig.add_scatter(
        x=months, y=flow["loss_rate"] * 100, mode="lines+markers", name=tr("retention.col_loss_rate")
    )
    fig.add_scatter(
        x=months,
        y=[ceiling * 100] * len(months),
        mode="lines",
        line=dict(dash="dash", color="#c62828"),
        name=tr("retention.ceiling", value=format.percent(ceiling)),
    )
    charts.layout(
        fig,
        320,
        xaxis=dict(title=tr("common.month"), type="category"),
        yaxis=dict(title=tr("retention.axis_loss_rate"), rangemode="tozero"),
        legend=dict(orientation="h", y=1.15),
    )
    st.plotly_chart(fig, width="stretch", key=f"{KEY}-loss-rate-chart")
    over = retention.months_over_ceiling(flow, s)
    if over:
        st.warning(
            tr("retention.over_ceiling", months=over, ceiling=format.percent(ceiling)),
            icon=":material/warning:",
        )
    else:
        st.success(
            tr("retention.within_ceiling", ceiling=format.percent(ceiling)), icon=":material/check_circle:"
        )


def draw_cohort(filters: Filters, s: Settings) -> None:
    st.subheader(tr("retention.cohort_header"))
    base = (
        st.segmented_control(
            tr("retention.cohort_base"),
            list(retention.BASE_PERIODS),
            default="previous_12_months",
            key=f"{KEY}-base",
            format_func=lambda b: tr(f"retention.base_{b}"),
        )
        or "previous_12_months"
    )
    cohort = cached(retention.frozen_cohort, filters, base)
    if not cohort.cohort:
        empty_state("retention.cohort_empty")
        return
    st.caption(
        tr(
            "retention.cohort_help",
            start=cohort.base_start,
            end=cohort.base_end,
            value=format.money(s.retention.cohort_min_monthly_value),
            as_of=cohort.as_of,
            days=s.warnings.lost_after_days,
            months=s.retention.floor_months,
            floor=format.money(s.retention.floor_monthly_value),
        )
    )
    cells = st.columns(4)
    cells[0].metric(tr("retention.cohort_size"), format.number(cohort.cohort), border=True)
    cells[1].metric(tr("retention.cohort_lost"), format.number(cohort.lost), border=True)
    cells[2].metric(
        tr("retention.cohort_retention"),
        format.percent(cohort.retention),
        delta=format.signed_points(cohort.retention - cohort.base_target),
        border=True,
    )
    cells[3].metric(
        tr("retention.cohort_targets"),
        f"{format.percent(cohort.base_target, 0)} / {format.percent(cohort.challenge_target, 0)}",
        border=True,
    )
    if cohort.meets_challenge:
        st.success(tr("retention.meets_challenge"), icon=":material/check_circle:")
    elif cohort.meets_base:
        st.info(tr("retention.meets_base"), icon=":material/info:")
    else:
        st.warning(tr("retention.below_base"), icon=":material/warning:")
    members = cohort.members
    yes, no = tr("retention.yes"), tr("retention.no")
    table = pd.DataFrame(
        {
            **common_columns(members, "customer_id", "customer_name", "manager", "customer_class"),
            tr("retention.col_base_value"): members["base_monthly_value"].round(0),
            tr("retention.col_last_order"): pd.to_datetime(members["last_order_date"]).dt.date,
            tr("retention.col_lost_flag"): np.where(members["lost"].fillna(False).astype(bool), yes, no),
            tr("retention.col_lost_reason"): reason_labels(members["lost_reason"]),
        }
    )
    drill.row_table(
        table,
        "frozen-cohort",
        f"{KEY}-cohort",
        filters,
        column_config=column_formats(values=(tr("retention.col_base_value"),)),
    )


def draw_cohort_curve(curve: pd.DataFrame) -> None:
    """The share of new customers still ordering N months after their first order: all cohorts
    together, with the band from the lowest to the highest cohort (a grid of cohorts said
    "100" in nearly every cell); a sentence when every cohort still orders."""
    if curve.empty:
        return
    if curve["low"].min() >= 0.995:
        st.success(tr("drill.cohorts_all_ordering"), icon=":material/check_circle:")
        return
    months = curve["months_after"]
    fig = charts.band_figure(months, curve["low"] * 100, curve["high"] * 100, tr("drill.cohort_band"), 0.15)
    fig.add_scatter(
        x=months,
        y=curve["share"] * 100,
        mode="lines+markers",
        line={"color": "#1565c0"},
        name=tr("drill.cohort_all"),
        hovertemplate="+%{x}: %{y:.1f}%<extra></extra>",
    )
    low = float(curve["low"].min()) * 100
    fig.update_yaxes(range=[max(0.0, low - 5), 101], ticksuffix="%")
    fig.update_xaxes(dtick=1)
    charts.layout(
        fig,
        320,
        x_title=tr("retention.axis_months_after"),
        y_title=tr("retention.axis_share"),
        legend={"orientation": "h", "y": 1.12},
    )
    st.plotly_chart(fig, width="stretch", key=f"{KEY}-heatmap")


def draw_heatmap(filters: Filters) -> None:
    st.subheader(tr("retention.heatmap_header"))
    st.caption(tr("retention.heatmap_help"))
    cohorts = cached(retention.first_order_cohorts, filters)
    if cohorts.empty:
        empty_state("retention.heatmap_empty")
        return
    draw_cohort_curve(trends.cohort_curve(cohorts))
    table = pd.DataFrame(
        {
            tr("retention.axis_cohort"): retention.month_labels(cohorts["cohort"]),
            tr("retention.col_cohort_size"): cohorts["cohort_size"],
            tr("retention.axis_months_after"): cohorts["months_after"],
            tr("retention.axis_share"): cohorts["share"],
        }
    )
    show_table(
        table,
        "first-order-cohorts",
        f"{KEY}-heatmap-table",
        filters,
        column_config=column_formats(tr("retention.axis_share")),
    )


filters = current_filters()
page_header("retention.title", "retention.caption")
current = settings()
flow = cached(retention.monthly_flow, retention.trend_filters(filters))
if flow.empty:
    empty_state("common.empty_database")
elif flow["active"].sum() == 0 and flow["lost"].sum() == 0:
    empty_state()
else:
    draw_flow(flow, current, filters)
    draw_loss_rate(flow, current)
    draw_cohort(filters, current)
    draw_heatmap(filters)
