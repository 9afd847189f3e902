"""The parts of the Manager page (pages/manager.py), moved from the scorecards page: the scorecard
items with their monthly trend, visits by weekday and by length, the overdue list and visit plan
(a row opens its customer), and the cultivation of the newest products."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from analytics import products, scorecard
from analytics.filters import Filters
from ui import charts, drill, format
from ui.common import cached, empty_state, settings, tr
from ui.tables import common_columns, common_headings, export_control


def draw_items(filters: Filters, manager_id: str, trend: pd.DataFrame) -> None:
    """The items against the standard, each with its monthly score of the last 12 months
    (`trend`: scorecard.monthly_scores of this manager)."""
    st.markdown(f"**{tr('scorecard.items_title')}**")
    items = cached(scorecard.manager_items, filters, manager_id)
    items = items[items["score"].notna()].reset_index(drop=True)  # items without data weigh nothing
    months = trend.sort_values("month")
    percent = {
        "coverage",
        "frequency_compliance",
        "duration_compliance",
        "sales_growth",
        "target_attainment",
        "retention",
    }

    def shown(item: str, value: float) -> str:
        return format.percent(value, 1) if item in percent else format.number(value, 1)

    table = pd.DataFrame(
        {
            tr("scorecard.col_item"): [tr(f"scorecard.item_{i}") for i in items["item"]],
            tr("scorecard.col_value"): [
                shown(i, v) for i, v in zip(items["item"], items["value"], strict=True)
            ],
            tr("scorecard.col_standard"): [
                tr("scorecard.standard_growth") if i == "sales_growth" else shown(i, v)
                for i, v in zip(items["item"], items["standard"], strict=True)
            ],
            tr("scorecard.col_item_score"): items["score"].round(1),
            tr("scorecard.col_weight"): items["weight"].round(1),
            tr("drill.item_trend"): [
                [None if pd.isna(v) else round(float(v), 1) for v in months[f"score_{i}"]]
                if f"score_{i}" in months
                else []
                for i in items["item"]
            ],
        }
    )
    drill.sparkline_table(
        table,
        tr("drill.item_trend"),
        [pd.Timestamp(m).strftime("%Y-%m") for m in months["month"]],
        f"scorecard-{manager_id}",
        "scorecard-items",
        filters,
        phone=[tr("scorecard.col_item"), tr("scorecard.col_item_score"), tr("drill.item_trend")],
    )


def draw_weekdays(filters: Filters, manager_id: str) -> None:
    days = cached(scorecard.weekday_pattern, filters, manager_id)
    if days.empty or not days["visits"].sum():
        st.markdown(f"**{tr('scorecard.weekdays_title')}**")
        st.caption(tr("drill.weekdays_empty"))
        return
    days = days.assign(
        weekday_name=days["weekday"].map(lambda d: tr(f"standards.weekday_{d}")),
        kind=days["suggested"].map(lambda s: tr("scorecard.suggested") if s else tr("scorecard.other_day")),
    )
    fig = px.bar(
        days,
        x="weekday_name",
        category_orders={"weekday_name": [tr(f"standards.weekday_{d}") for d in range(7)]},
        y="visits",
        color="kind",
        color_discrete_map={tr("scorecard.suggested"): "#1565c0", tr("scorecard.other_day"): "#90caf9"},
        labels={
            "weekday_name": tr("scorecard.axis_weekday"),
            "visits": tr("scorecard.axis_visits"),
            "kind": "",
        },
    )
    charts.layout(fig, 320, title=tr("scorecard.weekdays_title"), top=30)
    st.plotly_chart(fig, width="stretch", key="scorecard-weekdays")


def draw_lengths(filters: Filters, manager_id: str) -> None:
    lengths = cached(scorecard.visit_lengths, filters, manager_id)
    if lengths.empty:
        empty_state("scorecard.lengths_empty")
        return
    ranges = scorecard.length_ranges(lengths)
    lengths = lengths.assign(class_label=format.labels(lengths["customer_class"], "class"))
    labels = [format.label("class", r.customer_class) for r in ranges]
    fig = px.box(
        lengths,
        x="class_label",
        y="duration_min",
        category_orders={"class_label": labels},
        labels={"class_label": tr("scorecard.axis_class"), "duration_min": tr("scorecard.axis_minutes")},
    )
    for r in ranges:
        for bound in (r.min_minutes, r.max_minutes):
            fig.add_shape(
                type="line",
                xref="x",
                yref="y",
                x0=r.position - 0.4,
                x1=r.position + 0.4,
                y0=bound,
                y1=bound,
                line=dict(dash="dash", color="#c62828", width=1.5),
            )
    charts.layout(fig, 320, title=tr("scorecard.lengths_title"), top=30)
    st.plotly_chart(fig, width="stretch", key="scorecard-lengths")


def overdue_table(frame: pd.DataFrame) -> pd.DataFrame:
    return common_headings(frame, "customer_id", "customer_name", "customer_class").rename(
        columns={
            "interval_days": tr("scorecard.col_interval_days"),
            "last_visit": tr("scorecard.col_last_visit"),
            "due_date": tr("scorecard.col_due_date"),
            "days_overdue": tr("scorecard.col_days_overdue"),
            "sales": tr("scorecard.col_sales_12m"),
            "open_warnings": tr("scorecard.col_open_warnings"),
            "suggested_products": tr("standard.col_suggested_products"),
            "suggested_orders": tr("standard.col_suggested_orders"),
        }
    )


def draw_overdue(filters: Filters, manager_id: str) -> None:
    as_of = filters.end
    st.markdown(f"**{tr('scorecard.overdue_title')}**")
    st.caption(tr("scorecard.overdue_help", as_of=as_of))
    overdue = cached(scorecard.overdue_list, manager_id, as_of, None, filters)
    guidance = cached(scorecard.plan_columns, manager_id, as_of, None, filters)
    overdue = scorecard.with_plan_columns(overdue, guidance)
    dates = {
        tr("scorecard.col_last_visit"): st.column_config.DateColumn(format="YYYY-MM-DD"),
        tr("scorecard.col_due_date"): st.column_config.DateColumn(format="YYYY-MM-DD"),
    }
    drill.row_table(
        overdue_table(overdue),
        f"overdue-{manager_id}",
        "scorecard-overdue",
        filters,
        column_config=dates,
    )
    st.markdown(f"**{tr('scorecard.plan_title')}**")
    st.caption(tr("scorecard.plan_help", as_of=as_of))
    plan = scorecard.due_within(overdue, as_of)
    if plan.empty:
        empty_state("scorecard.plan_empty")
    else:
        export_control(overdue_table(plan), f"visit-plan-{manager_id}", "scorecard-plan", filters)


def draw_new_products(filters: Filters, manager_id: str) -> None:
    """The manager's cultivation of a product launched lately: listing and repurchase rate of
    their target customers, and those who have not listed it (the promotion visit list)."""
    st.markdown(f"**{tr('scorecard.new_products_title')}**")
    as_of = filters.end
    launches = cached(products.recent_launches, as_of)
    if launches.empty:
        st.caption(tr("standard.product_none_recent", months=settings().products.launch_window_months))
        return
    product = st.selectbox(
        tr("standard.product_pick"), list(launches["product"]), key="scorecard-new-product"
    )
    view = cached(
        products.cultivation_view, scorecard.manager_scope(filters, manager_id, as_of), product, None, as_of
    )
    if view.uptake.empty:
        st.caption(tr("standard.no_targets"))
        return
    total = products.summarise_with_total(view.uptake).iloc[-1]
    cells = st.columns(3)
    cells[0].metric(
        tr("standard.col_target_customers"), format.number(total["target_customers"]), border=True
    )
    cells[1].metric(tr("standard.col_listing_rate"), format.percent(total["listing_rate"]), border=True)
    cells[2].metric(tr("standard.col_repurchase_rate"), format.percent(total["repurchase_rate"]), border=True)
    promotion = products.promotion_list(view.uptake)
    st.caption(
        tr("scorecard.new_products_promotion", product=product, customers=format.number(len(promotion)))
    )
    if promotion.empty:
        return
    table = pd.DataFrame(
        {
            **common_columns(promotion, "customer_id", "customer_name", "customer_class"),
            tr("standard.col_tier"): promotion["tier"],
            tr("standard.col_format"): promotion["retail_format"],
        }
    )
    drill.row_table(table, f"promotion-{manager_id}", "scorecard-promotion", filters)
