"""Collections (Managers › Collections): overdue unpaid receivables by days past due, per manager
and per customer."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import collections, db, optional_tables
from ui import charts, drill, format
from ui.common import (
    cached,
    connection,
    current_filters,
    empty_state,
    main_chart,
    page_header,
    settings,
    show_table,
    tr,
)

KEY = "collections"
MONEY = [*collections.BUCKETS, "overdue_total"]


def money_columns(frame: pd.DataFrame) -> dict:
    return {tr(f"standard.col_{c}"): frame[c].round(0) for c in MONEY}


def draw_tiles(customers: pd.DataFrame, floor: float) -> None:
    cells = st.columns(3)
    cells[0].metric(
        tr("standard.overdue_total_tile"), format.money(customers["overdue_total"].sum()), border=True
    )
    cells[1].metric(tr("standard.overdue_customers_tile"), format.number(len(customers)), border=True)
    over = int((customers["overdue_total"] > floor).sum())
    cells[2].metric(tr("standard.over_floor_tile"), format.number(over), border=True)


def draw_managers(managers: pd.DataFrame, filters: object) -> None:
    st.subheader(tr("standard.by_manager_overdue"))
    names = [
        format.name_with_id(n, i)
        for n, i in zip(managers["manager_name"], managers["manager_id"], strict=True)
    ]
    fig = go.Figure()
    for column in collections.BUCKETS:
        fig.add_bar(
            y=names,
            x=managers[column],
            orientation="h",
            name=tr(f"standard.col_{column}"),
            customdata=managers[["manager_id"]],
        )
    charts.layout(
        fig,
        charts.rows_height(len(names)),
        barmode="stack",
        xaxis=dict(title=tr("standard.axis_amount")),
        yaxis=dict(title=tr("common.manager"), autorange="reversed"),
        legend=dict(orientation="h", y=1.1),
    )
    drill.manager_chart(fig, f"{KEY}-managers-chart")
    drill.click_hint("drill.click_manager")
    table = pd.DataFrame(
        {
            tr("common.manager"): names,
            tr("standard.col_customers"): managers["customers"],
            **money_columns(managers),
        }
    )
    row = show_table(table, "overdue-per-manager", f"{KEY}-managers", filters, selectable=True)
    drill.open_row_of(row, managers["manager_id"], "manager")


def draw_customers(customers: pd.DataFrame, filters: object) -> None:
    st.subheader(tr("standard.by_customer_overdue"))
    table = pd.DataFrame(
        {
            tr("common.customer_id"): customers["customer_id"],
            tr("common.customer_name"): customers["customer_name"].fillna(""),
            tr("common.manager"): [
                format.name_with_id(n, i)
                for n, i in zip(customers["manager_name"], customers["manager_id"], strict=True)
            ],
            **money_columns(customers),
            tr("standard.col_oldest_days"): customers["oldest_days"],
        }
    )
    row = show_table(table, "overdue-per-customer", f"{KEY}-customers", filters, selectable=True)
    drill.open_row_of(row, customers["customer_id"])


filters = current_filters()
page_header("standard.collections_title", "standard.collections_caption", show_period=False)
if "receivables" not in cached(optional_tables.present):
    empty_state("standard.collections_import_first")
else:
    as_of = filters.end or db.last_data_date(connection())
    by_customer = cached(collections.overdue_by_customer, filters, as_of)
    if as_of is None or by_customer.empty:
        st.info(tr("standard.collections_none", as_of=format.day(as_of)), icon=":material/info:")
    else:
        floor = settings().collections.overdue_floor
        st.caption(tr("standard.collections_as_of", as_of=format.day(as_of), floor=format.money(floor)))
        draw_tiles(by_customer, floor)
        with main_chart():
            draw_managers(cached(collections.overdue_by_manager, filters, as_of), filters)
        draw_customers(by_customer, filters)
