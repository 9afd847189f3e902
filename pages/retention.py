"""Retention: active/won/lost per month, the loss rate against its ceiling, the frozen cohort,
and the first-order cohort heatmap."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import retention
from ui.common import cached, current_filters, empty_state, enum_label, page_header, settings, show_table, tr

KEY = "retention"


def month_labels(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).dt.strftime("%Y-%m")


def draw_flow(flow: pd.DataFrame, rs: dict, filters) -> None:
    st.subheader(tr("retention.flow_header"))
    st.caption(tr("retention.flow_help", days=rs["lost_after_days"]))
    months = month_labels(flow["month"])
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
    fig.update_layout(
        barmode="relative",
        height=380,
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(title=tr("common.month"), type="category"),
        yaxis=dict(
            title=f"{tr('retention.col_won')} / {tr('retention.col_lost')} ({tr('common.unit_customers')})"
        ),
        yaxis2=dict(
            title=f"{tr('retention.col_active')} ({tr('common.unit_customers')})",
            overlaying="y",
            side="right",
            rangemode="tozero",
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
        column_config={
            tr("retention.col_loss_rate"): st.column_config.NumberColumn(format="percent"),
        },
    )


def draw_loss_rate(flow: pd.DataFrame, rs: dict) -> None:
    st.subheader(tr("retention.loss_rate_header"))
    st.caption(tr("retention.loss_rate_help", days=rs["lost_after_days"]))
    ceiling = float(rs["loss_rate_ceiling"])
    months = month_labels(flow["month"])
    fig = go.Figure()
    fig.add_scatter(
        x=months, y=flow["loss_rate"] * 100, mode="lines+markers", name=tr("retention.col_loss_rate")
    )
    fig.add_scatter(
        x=months,
        y=[ceiling * 100] * len(months),
        mode="lines",
        line=dict(dash="dash", color="#c62828"),
        name=tr("retention.ceiling", value=f"{ceiling:.1%}"),
    )
    fig.update_layout(
        height=320,
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(title=tr("common.month"), type="category"),
        yaxis=dict(title=tr("retention.axis_loss_rate"), rangemode="tozero"),
        legend=dict(orientation="h", y=1.15),
    )
    st.plotly_chart(fig, width="stretch", key=f"{KEY}-loss-rate-chart")
    over = int((flow["loss_rate"] > ceiling).sum())
    if over:
        st.warning(
            tr("retention.over_ceiling", months=over, ceiling=f"{ceiling:.1%}"), icon=":material/warning:"
        )
    else:
        st.success(tr("retention.within_ceiling", ceiling=f"{ceiling:.1%}"), icon=":material/check_circle:")


def draw_cohort(filters, rs: dict) -> None:
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
            value=f"{rs['cohort_min_monthly_value']:,.0f}",
            as_of=cohort.as_of,
            days=rs["lost_after_days"],
            months=rs["floor_months"],
            floor=f"{rs['floor_monthly_value']:,.0f}",
        )
    )
    cells = st.columns(4)
    cells[0].metric(tr("retention.cohort_size"), f"{cohort.cohort:,}", border=True)
    cells[1].metric(tr("retention.cohort_lost"), f"{cohort.lost:,}", border=True)
    cells[2].metric(
        tr("retention.cohort_retention"),
        f"{cohort.retention:.1%}",
        delta=f"{(cohort.retention - cohort.base_target) * 100:+.1f} pp",
        border=True,
    )
    cells[3].metric(
        tr("retention.cohort_targets"),
        f"{cohort.base_target:.0%} / {cohort.challenge_target:.0%}",
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
            tr("common.customer_id"): members["customer_id"],
            tr("common.customer_name"): members["customer_name"],
            tr("common.manager"): members["manager_name"].fillna(members["manager_id"]),
            tr("common.customer_class"): members["customer_class"].map(lambda c: enum_label("class", c)),
            tr("retention.col_base_value"): members["base_monthly_value"].round(0),
            tr("retention.col_last_order"): pd.to_datetime(members["last_order_date"]).dt.date,
            tr("retention.col_lost_flag"): members["lost"].map(lambda lost: yes if lost else no),
            tr("retention.col_lost_reason"): members["lost_reason"].map(
                lambda r: tr(f"retention.reason_{r}") if isinstance(r, str) else ""
            ),
        }
    )
    show_table(
        table,
        "frozen-cohort",
        f"{KEY}-cohort",
        filters,
        column_config={
            tr("retention.col_base_value"): st.column_config.NumberColumn(format="%.0f"),
        },
    )


def draw_heatmap(filters) -> None:
    st.subheader(tr("retention.heatmap_header"))
    st.caption(tr("retention.heatmap_help"))
    cohorts = cached(retention.first_order_cohorts, filters)
    if cohorts.empty:
        empty_state("retention.heatmap_empty")
        return
    cohorts = cohorts.assign(cohort=month_labels(cohorts["cohort"]))
    grid = cohorts.pivot(index="cohort", columns="months_after", values="share")
    sizes = cohorts.groupby("cohort")["cohort_size"].first().reindex(grid.index)
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy() * 100,
            x=[str(c) for c in grid.columns],
            y=[f"{c} ({n})" for c, n in zip(grid.index, sizes, strict=True)],
            colorscale="Blues",
            zmin=0,
            zmax=100,
            colorbar=dict(title="%"),
            hovertemplate="%{y} · +%{x}: %{z:.0f}%<extra></extra>",
            texttemplate="%{z:.0f}",
        )
    )
    fig.update_layout(
        height=max(260, 28 * len(grid) + 120),
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(title=tr("retention.axis_months_after")),
        yaxis=dict(
            title=f"{tr('retention.axis_cohort')} ({tr('retention.col_cohort_size')})", autorange="reversed"
        ),
    )
    st.plotly_chart(fig, width="stretch", key=f"{KEY}-heatmap")
    table = pd.DataFrame(
        {
            tr("retention.axis_cohort"): cohorts["cohort"],
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
        column_config={
            tr("retention.axis_share"): st.column_config.NumberColumn(format="percent"),
        },
    )


filters = current_filters()
page_header("retention.title", "retention.caption")
rs = retention.retention_settings(settings())
flow = cached(retention.monthly_flow, retention.trend_filters(filters))
if flow.empty:
    empty_state("common.empty_database")
elif flow["active"].sum() == 0 and flow["lost"].sum() == 0:
    empty_state()
else:
    draw_flow(flow, rs, filters)
    draw_loss_rate(flow, rs)
    draw_cohort(filters, rs)
    draw_heatmap(filters)
