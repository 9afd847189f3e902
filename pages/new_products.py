"""New products (Customers › New products): listing and repurchase rate of a product since its
launch, per team and manager, and the promotion visit list (target customers not listed yet)."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import products
from analytics.filters import Filters
from ui import charts, drill, format
from ui.common import (
    cached,
    current_filters,
    empty_state,
    labeler,
    main_chart,
    page_header,
    settings,
    show_table,
    tr,
)

KEY = "new-products"
FIGURE_LABELS = {
    "target_customers": "standard.col_target_customers",
    "listed": "standard.col_listed",
    "listing_rate": "standard.col_listing_rate",
    "repurchased": "standard.col_repurchased",
    "repurchase_rate": "standard.col_repurchase_rate",
}
RATES = {
    tr(FIGURE_LABELS[c]): st.column_config.NumberColumn(format="percent")
    for c in ("listing_rate", "repurchase_rate")
}


def pick_product(as_of: date | None) -> tuple[str, date] | None:
    months = settings().products.launch_window_months
    launches = cached(products.product_launches, as_of)
    if launches.empty:
        empty_state("standard.products_need_orders")
        return None
    recent = cached(products.recent_launches, as_of)
    show_all = st.toggle(tr("standard.product_all", months=months), key=f"{KEY}-all", value=recent.empty)
    if recent.empty:
        st.caption(tr("standard.product_none_recent", months=months))
    options = launches if show_all or recent.empty else recent
    left, right = st.columns([2, 1])
    product = left.selectbox(tr("standard.product_pick"), list(options["product"]), key=f"{KEY}-product")
    first = options.loc[options["product"] == product, "launch_date"].iloc[0]
    launch = right.date_input(
        tr("standard.launch_date"),
        value=first,
        help=tr("standard.launch_help"),
        key=f"{KEY}-launch-{product}",
    )
    return product, launch


def figures_table(frame: pd.DataFrame, keys: dict[str, str]) -> pd.DataFrame:
    table = {tr(label): frame[column].fillna("") for column, label in keys.items()}
    first = tr(next(iter(keys.values())))
    if "manager_id" in frame.columns:  # the total row is the one without a manager
        table[first] = table[first].where(frame["manager_id"] != "", tr("standard.total"))
    table.update({tr(label): frame[column] for column, label in FIGURE_LABELS.items()})
    return pd.DataFrame(table)


def draw_tiles(total: pd.Series) -> None:
    cells = st.columns(3)
    cells[0].metric(
        tr("standard.col_target_customers"), format.number(total["target_customers"]), border=True
    )
    cells[1].metric(tr("standard.col_listing_rate"), format.percent(total["listing_rate"]), border=True)
    cells[2].metric(tr("standard.col_repurchase_rate"), format.percent(total["repurchase_rate"]), border=True)


def draw_curve(view: products.Cultivation) -> None:
    st.subheader(tr("standard.curve_header"))
    by = (
        st.segmented_control(
            tr("standard.curve_by"),
            ["all", "team", "manager"],
            default="all",
            key=f"{KEY}-by",
            format_func=labeler("standard.by_"),
        )
        or "all"
    )
    curve = products.curve(view.uptake, *view.window, by=by, step_days=settings().products.curve_step_days)
    fig = go.Figure()
    for group, rows in curve.groupby("group", sort=True):
        prefix = f"{group} · " if group else ""
        for column, dash in (("listing_rate", "solid"), ("repurchase_rate", "dot")):
            fig.add_scatter(
                x=rows["days_since_launch"],
                y=rows[column] * 100,
                mode="lines",
                line=dict(dash=dash),
                name=prefix + tr(FIGURE_LABELS[column]),
            )
    charts.layout(
        fig,
        360,
        xaxis=dict(title=tr("standard.axis_days_since_launch")),
        yaxis=dict(title=tr("standard.axis_rate"), range=[0, 100]),
        legend=dict(orientation="h", y=-0.2),
    )
    st.plotly_chart(fig, width="stretch", key=f"{KEY}-curve")


def draw_groups(view: products.Cultivation, filters: Filters) -> None:
    teams = products.summarise(view.uptake, "team")
    st.subheader(tr("standard.by_team_header"))
    show_table(
        figures_table(teams, {"team": "common.team"}),
        "new-product-teams",
        f"{KEY}-teams",
        filters,
        column_config=RATES,
    )
    managers = products.summarise_with_total(view.uptake)
    st.subheader(tr("standard.by_manager_header"))
    managers["manager_name"] = [
        format.name_with_id(n, i) if i else ""
        for n, i in zip(managers["manager_name"], managers["manager_id"], strict=True)
    ]
    keys = {"manager_name": "common.manager", "team": "common.team"}
    row = show_table(
        figures_table(managers, keys),
        "new-product-managers",
        f"{KEY}-managers",
        filters,
        column_config=RATES,
        selectable=True,
    )
    drill.open_row_of(row, managers["manager_id"], "manager")


def draw_not_listed(view: products.Cultivation, filters: Filters, product: str) -> None:
    st.subheader(tr("standard.not_listed_header"))
    rows = products.promotion_list(view.uptake)
    if rows.empty:
        st.success(tr("standard.not_listed_none"), icon=":material/check_circle:")
        return
    table = pd.DataFrame(
        {
            tr("common.manager"): [
                format.name_with_id(n, i)
                for n, i in zip(rows["manager_name"], rows["manager_id"], strict=True)
            ],
            tr("common.customer_id"): rows["customer_id"],
            tr("common.customer_name"): rows["customer_name"].fillna(""),
            tr("standard.col_format"): format.labels(rows["retail_format"], "format"),
            tr("standard.col_tier"): rows["tier"],
            tr("common.customer_class"): format.labels(rows["customer_class"], "class"),
            tr("standard.col_first_order"): rows["first_order"].map(format.day),
        }
    )
    row = show_table(table, f"not-listed-{product}", f"{KEY}-not-listed", filters, selectable=True)
    drill.open_row_of(row, rows["customer_id"])


filters = current_filters()
page_header("standard.products_title", "standard.products_caption", show_period=False)
picked = pick_product(filters.end)
if picked:
    product, launch = picked
    view = cached(products.cultivation_view, filters, product, launch, filters.end)
    if view.window is None or view.uptake.empty:
        empty_state("standard.no_targets")
    else:
        st.caption(
            tr("standard.window_help", launch=format.day(view.window[0]), as_of=format.day(view.window[1]))
        )
        draw_tiles(products.summarise_with_total(view.uptake).iloc[-1])
        with main_chart():
            draw_curve(view)
        draw_groups(view, filters)
        draw_not_listed(view, filters, product)
