"""Overview: KPI tiles with change and trend, monthly sales by team, the top customers."""

import pandas as pd
import streamlit as st

from analytics import overview
from analytics.db import is_empty
from analytics.filters import Filters
from analytics.generator import generate_demo
from ui import charts, drill, format
from ui.common import (
    cached,
    clear_caches,
    connection,
    current_filters,
    empty_state,
    main_chart,
    may,
    page_header,
    short_number,
    tr,
)
from ui.tables import column_formats, common_headings


def tile_value(tile: overview.Tile) -> str:
    if tile.value is None:
        return format.MISSING
    if tile.is_share:
        return format.percent(tile.value)
    return short_number(tile.value)


def tile_delta(tile: overview.Tile) -> str | None:
    """The change against the previous period; a share's in percentage points. Written with an
    ASCII sign: st.metric colours the delta by its leading "-"."""
    if tile.share_change is not None:
        return format.signed_points(tile.share_change)
    return None if tile.change is None else format.signed_percent(tile.change)


def draw_tiles(tiles: list[overview.Tile]) -> None:
    for column, tile in zip(st.columns(len(tiles)), tiles, strict=True):
        column.metric(
            tr(f"overview.tile_{tile.name}"),
            tile_value(tile),
            delta=tile_delta(tile),
            help=tr(f"overview.tile_help_{tile.name}"),
            chart_data=list(tile.trend),
            chart_type="line",
            border=True,
        )


def draw_sales_by_team(frame: pd.DataFrame) -> None:
    """Stacked monthly sales of the largest teams, the other teams as one grey bar (a click on a
    team's bar filters every page by it)."""
    st.subheader(tr("overview.sales_by_team"))
    fig = charts.bars_by_group(
        overview.fold_small_teams(frame),
        "team",
        "month",
        "sales",
        name=lambda team, rows: (
            tr("overview.other_teams", n=int(rows["teams"].iloc[0])) if pd.isna(team) else team
        ),
        ids=lambda team, rows: [[None if pd.isna(team) else team]] * len(rows),
        value_format=",.0f",
        x_hover="%{x|%Y-%m}",
        grey_missing=True,
    )
    fig.update_layout(barmode="stack", showlegend=True)
    fig.update_xaxes(dtick="M1", tickformat="%Y-%m")
    charts.layout(
        fig,
        380,
        x_title=tr("common.month"),
        y_title=tr("overview.axis_sales"),
        legend_title=tr("common.team"),
    )
    drill.filter_chart(fig, "overview-sales-by-team", "team")
    drill.click_hint("drill.click_filter_team")


def draw_top_customers(frame: pd.DataFrame, filters: Filters) -> None:
    st.subheader(tr("overview.top_customers"))
    who = ("customer_id", "customer_name", "manager_id", "manager_name", "customer_class")
    table = common_headings(frame, *who).rename(
        columns={
            "rank": tr("overview.col_rank"),
            "sales": tr("overview.axis_sales"),
            "share": tr("overview.col_share"),
            "orders": tr("overview.col_orders"),
            "last_order": tr("overview.col_last_order"),
        }
    )
    drill.row_table(
        table,
        "top-customers",
        "overview-top",
        filters,
        column_config=column_formats(tr("overview.col_share"), values=(tr("overview.axis_sales"),)),
    )


filters = current_filters()
page_header("overview.title", "overview.caption")
tiles = cached(overview.overview_tiles, filters)
if all(tile.value is None or tile.value == 0 for tile in tiles):
    if cached(is_empty):
        empty_state("common.empty_database")
        if may("can_clear_data") and st.button(
            tr("common.demo_load"), key="overview-load-demo", icon=":material/science:"
        ):
            with st.spinner(tr("common.demo_loading")):
                generate_demo(connection())
            clear_caches()
            st.rerun()
    else:
        empty_state("common.no_data")
else:
    draw_tiles(tiles)
    by_team = cached(overview.monthly_sales_by_team, filters)
    if not by_team.empty:
        with main_chart():
            draw_sales_by_team(by_team)
    top = cached(overview.top_customers, filters)
    if top.empty:
        empty_state()
    else:
        draw_top_customers(top, filters)
