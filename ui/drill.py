"""Drill-down: from a chart's bar, point or cell, or a table's row, to the Customer or Manager page.

The Customer page reads the customer from the link (``?customer=ID``) and the Manager page the
manager (``?manager_id=ID``: ``manager`` is the sidebar's manager filter, which a click must not
change for every other page). A chart names its item in its traces' ``customdata`` (the id first);
``chart(...)`` draws it with selection on and returns the id clicked, ``open_customer`` /
``open_manager`` switch to the page with the id in the link."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

CUSTOMER_PAGE = "pages/customer.py"
MANAGER_PAGE = "pages/manager.py"
CUSTOMER_PARAM = "customer"
MANAGER_PARAM = "manager_id"
# The page whose item each link parameter names (the parameter is kept in the link there only).
PAGE_PARAMS = {CUSTOMER_PARAM: CUSTOMER_PAGE, MANAGER_PARAM: MANAGER_PAGE}


def page_params(url_path: str | None) -> dict[str, list[str]]:
    """The link parameters of the page at `url_path` ("customer", "manager") to keep in the link:
    the item it shows; nothing on any other page."""
    kept = {}
    for param, page in PAGE_PARAMS.items():
        if url_path and page.removeprefix("pages/").removesuffix(".py") == url_path:
            value = st.query_params.get(param)
            if value:
                kept[param] = [value]
    return kept


def linked_id(param: str) -> str | None:
    """The id the link names for this page (`param`), stripped; None when there is none."""
    value = (st.query_params.get(param) or "").strip()
    return value or None


def set_linked_id(param: str, value: str | None) -> None:
    """Put the chosen item in the link (or take it out), so the link opens the same view."""
    if value:
        if st.query_params.get(param) != value:
            st.query_params[param] = value
    elif param in st.query_params:
        del st.query_params[param]


def linked_pick(
    param: str,
    key: str,
    known: str | None,
    options: list[str],
    label: str,
    placeholder: str,
    format_func: Any,
    unknown_key: str,
) -> str | None:
    """A select box (`key`) of `options` whose choice is kept in the link (`param`): a new link (a
    click elsewhere, the browser's back), or the page opened again, picks the link's item `known`
    (None when the account may not see it: then message `unknown_key` says so, naming nothing);
    an item picked is put in the link."""
    from ui.common import tr

    linked = linked_id(param)
    state = st.session_state
    if known and (state.get(f"{key}-linked") != known or key not in state):
        state[f"{key}-linked"] = known
        state[key] = known
    if state.get(key) not in options:
        state.pop(key, None)
    default = {} if key in state else {"index": None}
    chosen = st.selectbox(
        label, options, **default, key=key, format_func=format_func, placeholder=placeholder
    )
    if chosen is not None and chosen != linked:
        set_linked_id(param, chosen)
        state[f"{key}-linked"] = chosen
    if chosen is None and linked and not known:
        st.warning(tr(unknown_key), icon=":material/visibility_off:")
    return chosen


def _switch(page: str, param: str, value: Any) -> None:
    if value is None or (isinstance(value, float) and value != value):
        return
    params = {k: st.query_params.get_all(k) for k in st.query_params if k not in PAGE_PARAMS}
    params[param] = [str(value)]
    st.switch_page(page, query_params=params)


def open_customer(customer_id: Any) -> None:
    """Switch to the Customer page of `customer_id` (nothing when it is None)."""
    _switch(CUSTOMER_PAGE, CUSTOMER_PARAM, customer_id)


def open_manager(manager_id: Any) -> None:
    """Switch to the Manager page of `manager_id` (nothing when it is None)."""
    _switch(MANAGER_PAGE, MANAGER_PARAM, manager_id)


def open_row(row: pd.Series | None, column: str, kind: str = "customer") -> None:
    """Open the page of the item a selected table row names in `column` (kind: customer or
    manager); nothing without a selected row (ui.tables.show_table(selectable=True))."""
    if row is None or column not in row.index:
        return
    (open_customer if kind == "customer" else open_manager)(row[column])


def row_table(
    table: pd.DataFrame, name: str, key: str, filters: Any = None, kind: str = "customer", **options: Any
) -> None:
    """``show_table`` with a row to select: it opens the customer (or manager: `kind`) named in its
    column headed common.customer_id (common.manager_id)."""
    from ui.common import tr
    from ui.tables import show_table

    row = show_table(table, name, key, filters, selectable=True, **options)
    open_row(row, tr(f"common.{kind}_id"), kind)


def _link(param: str, item_id: str, label: str, icon: str, key_help: str | None) -> None:
    st.page_link(PAGE_PARAMS[param], label=label, icon=icon, query_params={param: item_id}, help=key_help)


def customer_link(customer_id: str, label: str, key_help: str | None = None) -> None:
    """A link to the Customer page of `customer_id`."""
    _link(CUSTOMER_PARAM, customer_id, label, ":material/person:", key_help)


def manager_link(manager_id: str, label: str, key_help: str | None = None) -> None:
    """A link to the Manager page of `manager_id`."""
    _link(MANAGER_PARAM, manager_id, label, ":material/badge:", key_help)


# ------------------------------------------------------------------ filters

PENDING_FILTER = "_drill_filter"
# The session state behind each sidebar filter (dashboard.py); the class filter is one widget
# per language, seeded from its canonical key.
FILTER_STATE = {"team": "f_team", "manager": "f_manager", "region": "f_region", "class": "f_class"}


def filter_by(kind: str, value: Any) -> None:
    """Set the sidebar filter `kind` to `value` and run again (nothing when value is None): the
    sidebar's widgets are drawn already, so dashboard.py applies it before drawing them."""
    if value is None or kind not in FILTER_STATE:
        return
    st.session_state[PENDING_FILTER] = (kind, str(value))
    st.rerun()


def apply_pending_filter() -> None:
    """Before the sidebar is drawn: the filter a click asked for (see ``filter_by``)."""
    pending = st.session_state.pop(PENDING_FILTER, None)
    if not pending:
        return
    kind, value = pending
    state = FILTER_STATE[kind]
    st.session_state[state] = [value]
    for key in list(st.session_state):
        if isinstance(key, str) and key.startswith(f"{state}_"):  # the language widgets of f_class
            del st.session_state[key]


# ------------------------------------------------------------------ charts


def picked(event: Any) -> list[Any]:
    """The ids of the points selected in a plotly_chart event (the first customdata value of
    each point; the point's y label for a heat map without customdata), in order, distinct."""
    points = []
    try:
        points = list(event.selection.points) if event is not None else []
    except AttributeError:
        points = []
    found: list[Any] = []
    for point in points:
        data = point.get("customdata")
        if isinstance(data, (list, tuple)):
            data = data[0] if data else None
        if data is None or data == "" or (isinstance(data, float) and data != data):
            continue
        if data not in found:
            found.append(data)
    return found


def chart(fig: go.Figure, key: str, mode: str | Iterable[str] = "points") -> Any:
    """Draw `fig` with clicks on: the id of the item clicked just now (see ``picked``), else None.

    A selection is acted on once: the chart keeps it over the reruns that follow (e.g. after
    the page was filtered by it), which must not act again."""
    event = st.plotly_chart(fig, width="stretch", key=key, on_select="rerun", selection_mode=mode)
    ids = picked(event)
    seen = f"_drill_seen-{key}"
    fresh = ids and ids != st.session_state.get(seen)
    st.session_state[seen] = ids
    return ids[0] if fresh else None


def customer_chart(fig: go.Figure, key: str) -> None:
    """Draw `fig` (customdata: customer ids); a click opens the customer."""
    open_customer(chart(fig, key))


def manager_chart(fig: go.Figure, key: str) -> None:
    """Draw `fig` (customdata: manager ids); a click opens the manager."""
    open_manager(chart(fig, key))


def filter_chart(fig: go.Figure, key: str, kind: str) -> None:
    """Draw `fig` (customdata: the values of a sidebar filter `kind`: team, manager, region,
    class); a click filters every page by the value clicked."""
    filter_by(kind, chart(fig, key))


def with_ids(fig: go.Figure, ids_by_trace: Iterable[Iterable[Any]]) -> go.Figure:
    """Set each trace's customdata to its ids (one list per trace, in the traces' order)."""
    for trace, ids in zip(fig.data, ids_by_trace, strict=False):
        trace.customdata = [[i] for i in ids]
    return fig


def click_hint(key: str = "drill.click_hint") -> None:
    """The line under a chart saying what a click does (message `key`)."""
    from ui.common import tr

    st.caption(tr(key))


# ------------------------------------------------------------------ tables with sparklines


def sparkline_table(
    table: pd.DataFrame,
    spark: str,
    months: list[str],
    name: str,
    key: str,
    filters: Any = None,
    column_config: dict | None = None,
    selectable: bool = False,
    phone: list[str] | None = None,
) -> pd.Series | None:
    """A table whose column `spark` holds each row's monthly values (a sparkline on screen; in
    the export one column per month of `months`); on a phone the columns `phone` only. Returns
    the selected row when `selectable`."""
    from ui.common import phone_columns
    from ui.tables import export_control, table_widget

    config = {
        spark: st.column_config.LineChartColumn(y_min=0, y_max=100, width="medium"),
        **(column_config or {}),
    }
    selected = table_widget(table, config, key, phone_columns(table, phone), selectable)
    values = pd.DataFrame(
        [list(v) + [None] * (len(months) - len(v)) for v in table[spark]], columns=months, index=table.index
    )
    export_control(pd.concat([table.drop(columns=[spark]), values], axis=1), name, key, filters)
    return None if selected is None else table.iloc[selected]


def open_row_of(row: pd.Series | None, ids: pd.Series, kind: str = "customer") -> None:
    """Open the page of the item behind a selected row of a table built row for row from a frame
    whose `ids` (same index) name the items; for tables that show "name (ID)" without an ID column."""
    if row is None or row.name not in ids.index:
        return
    (open_customer if kind == "customer" else open_manager)(ids.loc[row.name] or None)
