"""Customers › 80/20 value: concentration KPIs, the Pareto chart, and tabs for the customer
ranking (with detail), groups, months, ABC migration, products, big customers and service classes."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from analytics import classes, db, pareto
from ui.common import (
    cached,
    current_filters,
    empty_state,
    enum_label,
    export_control,
    lang,
    page_header,
    settings,
    show_table,
    tr,
)

MAX_BARS = 2000
MAX_DETAIL_OPTIONS = 2000
TABS = ("customers", "groups", "time", "migration", "products", "big", "classes")
ABC_COLORS = {"A": "#1f77b4", "B": "#ff7f0e", "C": "#7f7f7f", "none": "#d62728"}


# ------------------------------------------------------------------ formatting


def percent(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.1%}"


def number(value, digits: int = 0) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:,.{digits}f}"


def value_axis(metric: str) -> str:
    return tr(f"pareto.axis_value_{metric}")


def abc_label(code: str) -> str:
    return tr("pareto.abc_none") if code == "none" else code


def group_label(group_by: str, code, name) -> str:
    if code is None or pd.isna(code):
        return tr("pareto.group_unknown")
    kinds = {"market_type": "market", "retail_format": "format", "customer_class": "class"}
    if group_by in kinds:
        return enum_label(kinds[group_by], code)
    if group_by == "manager":
        return f"{name} ({code})" if name and name != code else str(code)
    return str(code)


def margins(fig, height: int = 380):
    # Title at the top left, legend at the top right, so they never overlap.
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=60, b=10),
        title=dict(x=0, xanchor="left", y=0.98, yanchor="top"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=1, xanchor="right"),
    )
    return fig


# ------------------------------------------------------------------ KPI tiles and chart


def draw_tiles(summary: pareto.ParetoSummary, abc_settings: dict) -> None:
    tiles = [
        ("kpi_buyers", number(summary.buyers), {}),
        ("kpi_top20_share", percent(summary.top20_share), {}),
        ("kpi_pct_for_80", percent(summary.pct_customers_for_80), {}),
        ("kpi_gini", number(summary.gini, 2), {}),
        (
            "kpi_abc",
            f"{summary.a_count} / {summary.b_count} / {summary.c_count}",
            {"a": percent(abc_settings.get("a_share", 0.8)), "b": percent(abc_settings.get("b_share", 0.95))},
        ),
        ("kpi_non_buyers", number(summary.non_buyers), {}),
    ]
    columns = [*st.columns(3), *st.columns(3)]
    for column, (key, value, help_values) in zip(columns, tiles, strict=True):
        help_key = "pareto.kpi_help_" + key.removeprefix("kpi_")
        column.metric(tr(f"pareto.{key}"), value, help=tr(help_key, **help_values), border=True)


def pareto_figure(values: pd.DataFrame, label_column: str, x_title: str, y_title: str) -> go.Figure:
    """Bars of value by rank (sampled above MAX_BARS), the exact cumulative line, the 80% line
    and the rank where 20% of the entities is reached."""
    bars = pareto.chart_points(values, MAX_BARS)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_bar(
        x=bars["rank"],
        y=bars["value"],
        name=tr("pareto.legend_value"),
        customdata=bars[[label_column]],
        marker_color="#4C78A8",
        hovertemplate="%{x}. %{customdata[0]}<br>%{y:,.0f}<extra></extra>",
    )
    fig.add_scatter(
        x=values["rank"],
        y=values["cum_share"] * 100,
        name=tr("pareto.legend_cum_share"),
        mode="lines",
        line=dict(color="#E45756", width=2),
        hovertemplate="%{x}: %{y:.1f}%<extra></extra>",
        secondary_y=True,
    )
    fig.add_hline(
        y=80,
        line_dash="dash",
        line_color="#E45756",
        secondary_y=True,
        annotation_text=tr("pareto.line_80"),
        annotation_position="top left",
    )
    top20 = -(-len(values) // 5)
    fig.add_vline(
        x=top20,
        line_dash="dot",
        line_color="#54A24B",
        annotation_text=tr("pareto.marker_20", count=top20),
        annotation_position="top right",
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title, secondary_y=False)
    fig.update_yaxes(
        title_text=tr("pareto.axis_cum_share"),
        range=[0, 105],
        tickmode="linear",
        tick0=0,
        dtick=20,
        ticksuffix="%",
        showgrid=False,
        secondary_y=True,
    )
    if len(bars) < len(values):
        st.caption(tr("pareto.bars_sampled", step=-(-len(values) // MAX_BARS), count=len(values)))
    return margins(fig, 420)


# ------------------------------------------------------------------ customers tab


def customer_table(values: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            tr("pareto.col_rank"): values["rank"],
            tr("common.customer_id"): values["customer_id"],
            tr("common.customer_name"): values["customer_name"],
            tr("common.manager"): values["manager_name"].fillna(values["manager_id"]),
            tr("common.customer_class"): values["customer_class"].map(lambda c: enum_label("class", c)),
            tr("pareto.col_value"): values["value"],
            tr("pareto.col_share"): values["share"],
            tr("pareto.col_cum_share"): values["cum_share"],
            tr("pareto.col_abc"): values["abc"],
        }
    )


def column_formats(*names: str, digits: str = "%.0f", values: tuple[str, ...] = ()) -> dict:
    config = {name: st.column_config.NumberColumn(format="percent") for name in names}
    config.update({name: st.column_config.NumberColumn(format=digits) for name in values})
    return config


def draw_customers(filters, metric: str, values: pd.DataFrame) -> None:
    table = customer_table(values)
    selected = show_table(
        table,
        "customer-value",
        "pareto-customers",
        filters,
        selectable=True,
        column_config=column_formats(
            tr("pareto.col_share"), tr("pareto.col_cum_share"), values=(tr("pareto.col_value"),)
        ),
    )
    names = dict(
        zip(values["customer_id"], values["customer_name"].fillna(values["customer_id"]), strict=True)
    )
    # A newly selected row opens its customer; the selectbox choice stands until the selection changes.
    selected_id = None if selected is None else selected[tr("common.customer_id")]
    if selected_id != st.session_state.get("pareto-detail-row"):
        st.session_state["pareto-detail-row"] = selected_id
        if selected_id is not None:
            st.session_state["pareto-detail"] = selected_id
    options = list(values["customer_id"].head(MAX_DETAIL_OPTIONS))
    chosen = st.session_state.get("pareto-detail")
    if chosen is not None and chosen not in options:
        if chosen in names:
            options.append(chosen)
        else:
            st.session_state["pareto-detail"] = None
    customer_id = st.selectbox(
        tr("pareto.detail_select"),
        options,
        index=None,
        key="pareto-detail",
        format_func=lambda c: f"{names.get(c, c)} ({c})",
        placeholder=tr("pareto.detail_placeholder"),
    )
    if customer_id:
        draw_customer_detail(filters, metric, customer_id)


def draw_customer_detail(filters, metric: str, customer_id: str) -> None:
    profile = cached(pareto.customer_profile, customer_id)
    if profile.empty:
        return
    row = profile.iloc[0]
    st.subheader(tr("pareto.detail_title", name=row["customer_name"] or customer_id))
    st.caption(
        tr(
            "pareto.detail_profile",
            manager=f"{row['manager_name'] or ''} ({row['manager_id']})",
            team=row["team"] or "—",
            region=row["region"] or "—",
            cls=enum_label("class", row["customer_class"]),
            status=enum_label("status", row["status"] or "active"),
        )
    )
    history = cached(pareto.customer_history, filters, customer_id, metric)
    st.markdown(f"**{tr('pareto.detail_monthly')}**")
    fig = go.Figure()
    for code in pareto.ABC_CLASSES:
        part = history[history["abc"] == code]
        if not part.empty:
            fig.add_bar(
                x=part["month"],
                y=part["value"],
                name=abc_label(code),
                marker_color=ABC_COLORS[code],
                hovertemplate="%{x|%Y-%m}: %{y:,.0f}<extra>" + abc_label(code) + "</extra>",
            )
    fig.update_xaxes(title_text=tr("common.month"), dtick="M1", tickformat="%Y-%m")
    fig.update_yaxes(title_text=value_axis(metric))
    st.plotly_chart(margins(fig, 320), width="stretch", key="pareto-detail-chart")
    abc_history = pd.DataFrame(
        {
            tr("common.month"): history["month"].dt.strftime("%Y-%m"),
            tr("pareto.col_value"): history["value"],
            tr("pareto.col_rank"): history["rank"],
            tr("pareto.col_buyers_month"): history["buyers"],
            tr("pareto.col_abc"): history["abc"].map(abc_label),
        }
    )
    st.markdown(f"**{tr('pareto.detail_abc_history')}**")
    show_table(
        abc_history,
        "abc-history",
        "pareto-detail-abc",
        filters,
        column_config=column_formats(values=(tr("pareto.col_value"),)),
    )
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{tr('pareto.detail_orders')}**")
        orders = cached(pareto.customer_orders, filters, customer_id)
        if orders.empty:
            st.caption(tr("pareto.detail_none"))
        else:
            show_table(
                orders.rename(
                    columns={
                        "order_date": tr("common.date"),
                        "order_id": tr("pareto.col_order_id"),
                        "product": tr("pareto.col_product"),
                        "quantity": tr("pareto.col_quantity"),
                        "amount": tr("pareto.col_amount"),
                        "cost": tr("pareto.col_cost"),
                    }
                ),
                "customer-orders",
                "pareto-detail-orders",
                filters,
            )
    with right:
        st.markdown(f"**{tr('pareto.detail_visits')}**")
        visits = cached(pareto.customer_visits, filters, customer_id)
        if visits.empty:
            st.caption(tr("pareto.detail_none"))
        else:
            visits = visits.assign(method=visits["method"].map(lambda m: enum_label("method", m)))
            show_table(
                visits.rename(
                    columns={
                        "visit_date": tr("pareto.col_visit_date"),
                        "manager_id": tr("common.manager_id"),
                        "method": tr("pareto.col_method"),
                        "duration_min": tr("pareto.col_duration"),
                        "notes": tr("pareto.col_notes"),
                    }
                ),
                "customer-visits",
                "pareto-detail-visits",
                filters,
            )


# ------------------------------------------------------------------ groups and months


def draw_groups(filters, metric: str) -> None:
    names = {
        g: tr(f"pareto.group_{g}") if g in ("market_type", "retail_format") else tr(f"common.{g}")
        for g in pareto.GROUPS
    }
    group_by = st.selectbox(
        tr("pareto.group_by"), pareto.GROUPS, key="pareto-group-by", format_func=names.get
    )
    frame = cached(pareto.concentration_by_group, filters, group_by, metric)
    if frame.empty:
        empty_state()
        return
    labels = [
        group_label(group_by, code, name)
        for code, name in zip(frame["group"], frame["group_name"], strict=True)
    ]
    fig = go.Figure()
    fig.add_bar(
        x=labels,
        y=frame["top20_share"] * 100,
        name=tr("pareto.kpi_top20_share"),
        hovertemplate="%{x}: %{y:.1f}%<extra></extra>",
    )
    fig.add_bar(
        x=labels,
        y=frame["pct_customers_for_80"] * 100,
        name=tr("pareto.kpi_pct_for_80"),
        hovertemplate="%{x}: %{y:.1f}%<extra></extra>",
    )
    fig.add_bar(
        x=labels,
        y=frame["gini"] * 100,
        name=tr("pareto.kpi_gini") + " ×100",
        hovertemplate="%{x}: %{y:.1f}<extra></extra>",
    )
    fig.update_layout(barmode="group", title_text=tr("pareto.groups_chart"))
    fig.update_xaxes(title_text=tr("pareto.col_group"))
    fig.update_yaxes(title_text=tr("pareto.axis_ratio"))
    st.plotly_chart(margins(fig), width="stretch", key="pareto-groups-chart")
    table = pd.DataFrame(
        {
            tr("pareto.col_group"): labels,
            tr("pareto.kpi_buyers"): frame["buyers"],
            tr("pareto.col_total_value"): frame["total_value"],
            tr("pareto.kpi_top20_share"): frame["top20_share"],
            tr("pareto.kpi_pct_for_80"): frame["pct_customers_for_80"],
            tr("pareto.kpi_gini"): frame["gini"].round(3),
            tr("pareto.col_a"): frame["a_count"],
            tr("pareto.col_b"): frame["b_count"],
            tr("pareto.col_c"): frame["c_count"],
            tr("pareto.kpi_non_buyers"): frame["non_buyers"],
        }
    )
    show_table(
        table,
        "concentration-by-group",
        "pareto-groups",
        filters,
        column_config=column_formats(
            tr("pareto.kpi_top20_share"), tr("pareto.kpi_pct_for_80"), values=(tr("pareto.col_total_value"),)
        ),
    )


def draw_time(filters, metric: str) -> None:
    frame = cached(pareto.monthly_concentration, filters, metric)
    if frame["buyers"].sum() == 0:
        empty_state()
        return
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_scatter(
        x=frame["month"],
        y=frame["top20_share"] * 100,
        name=tr("pareto.kpi_top20_share"),
        mode="lines+markers",
        hovertemplate="%{x|%Y-%m}: %{y:.1f}%<extra></extra>",
    )
    fig.add_scatter(
        x=frame["month"],
        y=frame["gini"],
        name=tr("pareto.kpi_gini"),
        mode="lines+markers",
        hovertemplate="%{x|%Y-%m}: %{y:.3f}<extra></extra>",
        secondary_y=True,
    )
    fig.update_layout(title_text=tr("pareto.time_chart"))
    fig.update_xaxes(title_text=tr("common.month"), dtick="M1", tickformat="%Y-%m")
    fig.update_yaxes(title_text=tr("pareto.axis_top20_share"), range=[0, 100], secondary_y=False)
    fig.update_yaxes(title_text=tr("pareto.axis_gini"), range=[0, 1], secondary_y=True)
    st.plotly_chart(margins(fig), width="stretch", key="pareto-time-chart")
    table = pd.DataFrame(
        {
            tr("common.month"): frame["month"].dt.strftime("%Y-%m"),
            tr("pareto.kpi_buyers"): frame["buyers"],
            tr("pareto.col_total_value"): frame["total_value"],
            tr("pareto.kpi_top20_share"): frame["top20_share"],
            tr("pareto.kpi_pct_for_80"): frame["pct_customers_for_80"],
            tr("pareto.kpi_gini"): frame["gini"].round(3),
        }
    )
    show_table(
        table,
        "monthly-concentration",
        "pareto-time",
        filters,
        column_config=column_formats(
            tr("pareto.kpi_top20_share"), tr("pareto.kpi_pct_for_80"), values=(tr("pareto.col_total_value"),)
        ),
    )


# ------------------------------------------------------------------ ABC migration


def draw_migration(filters, metric: str) -> None:
    previous = filters.previous_period()
    if filters.start and filters.end:
        st.caption(
            tr(
                "pareto.migration_caption",
                prev_start=previous.start,
                prev_end=previous.end,
                start=filters.start,
                end=filters.end,
            )
        )
    matrix = cached(pareto.abc_migration, filters, metric)
    if matrix.empty:
        st.info(tr("pareto.no_migration"), icon=":material/info:")
        return
    fell = matrix[(matrix["previous_abc"] == "A") & (matrix["current_abc"] != "A")]
    left, right = st.columns(2)
    left.metric(
        tr("pareto.lost_from_a"),
        number(matrix["lost_value"].sum()),
        help=tr("pareto.help_lost_from_a"),
        border=True,
    )
    right.metric(tr("pareto.fell_from_a"), number(fell["customers"].sum()), border=True)
    counts = (
        matrix.pivot(index="previous_abc", columns="current_abc", values="customers")
        .reindex(index=list(pareto.ABC_CLASSES), columns=list(pareto.ABC_CLASSES))
        .fillna(0)
        .astype(int)
    )
    labels = [abc_label(c) for c in pareto.ABC_CLASSES]
    fig = go.Figure(
        go.Heatmap(
            z=counts.values,
            x=labels,
            y=labels,
            text=counts.values,
            texttemplate="%{text}",
            colorscale="Blues",
            hovertemplate="%{y} → %{x}: %{z}<extra></extra>",
            showscale=False,
        )
    )
    fig.update_layout(title_text=tr("pareto.migration_chart"))
    fig.update_xaxes(title_text=tr("pareto.axis_current_abc"), side="bottom")
    fig.update_yaxes(title_text=tr("pareto.axis_previous_abc"), autorange="reversed")
    st.plotly_chart(margins(fig, 360), width="stretch", key="pareto-migration-chart")
    cells = [(row.previous_abc, row.current_abc) for row in matrix.itertuples(index=False)]
    cell_labels = {
        (row.previous_abc, row.current_abc): tr(
            "pareto.cell_label",
            previous=abc_label(row.previous_abc),
            current=abc_label(row.current_abc),
            customers=int(row.customers),
        )
        for row in matrix.itertuples(index=False)
    }
    cell = st.selectbox(
        tr("pareto.cell_select"),
        cells,
        index=None,
        key="pareto-migration-cell",
        format_func=cell_labels.get,
        placeholder=tr("pareto.detail_placeholder"),
    )
    if cell is None:
        return
    moves = cached(pareto.abc_transitions, filters, metric)
    moves = moves[(moves["previous_abc"] == cell[0]) & (moves["current_abc"] == cell[1])]
    table = pd.DataFrame(
        {
            tr("common.customer_id"): moves["customer_id"],
            tr("common.customer_name"): moves["customer_name"],
            tr("common.manager"): moves["manager_name"].fillna(moves["manager_id"]),
            tr("common.customer_class"): moves["customer_class"].map(lambda c: enum_label("class", c)),
            tr("pareto.col_previous_abc"): moves["previous_abc"].map(abc_label),
            tr("pareto.col_current_abc"): moves["current_abc"].map(abc_label),
            tr("pareto.col_previous_value"): moves["previous_value"],
            tr("pareto.col_value"): moves["value"],
            tr("pareto.col_change"): moves["change"],
        }
    )
    show_table(
        table,
        "abc-migration",
        "pareto-migration",
        filters,
        column_config=column_formats(
            values=(tr("pareto.col_previous_value"), tr("pareto.col_value"), tr("pareto.col_change"))
        ),
    )


# ------------------------------------------------------------------ products


def draw_products(filters, metric: str) -> None:
    summary = cached(pareto.product_summary, filters, metric)
    if summary.buyers == 0:
        empty_state()
        return
    tiles = [
        ("kpi_products", number(summary.buyers), "kpi_help_products"),
        ("kpi_products_top20", percent(summary.top20_share), "kpi_help_top20_share"),
        ("kpi_products_for_80", percent(summary.pct_customers_for_80), "kpi_help_pct_for_80"),
        ("kpi_gini", number(summary.gini, 2), "kpi_help_gini"),
    ]
    for column, (key, value, help_key) in zip(st.columns(len(tiles)), tiles, strict=True):
        column.metric(tr(f"pareto.{key}"), value, help=tr(f"pareto.{help_key}"), border=True)
    values = cached(pareto.product_values, filters, metric)
    values = values.assign(product=values["product"].fillna(tr("pareto.product_unknown")))
    fig = pareto_figure(values, "product", tr("pareto.axis_product_rank"), value_axis(metric))
    fig.update_layout(title_text=tr("pareto.products_chart"))
    st.plotly_chart(fig, width="stretch", key="pareto-products-chart")
    table = pd.DataFrame(
        {
            tr("pareto.col_rank"): values["rank"],
            tr("pareto.col_product"): values["product"],
            tr("pareto.col_value"): values["value"],
            tr("pareto.col_share"): values["share"],
            tr("pareto.col_cum_share"): values["cum_share"],
            tr("pareto.col_abc"): values["abc"],
            tr("pareto.col_customers"): values["customers"],
        }
    )
    show_table(
        table,
        "product-value",
        "pareto-products",
        filters,
        column_config=column_formats(
            tr("pareto.col_share"), tr("pareto.col_cum_share"), values=(tr("pareto.col_value"),)
        ),
    )


# ------------------------------------------------------------------ big customers


def draw_big_customers(filters) -> None:
    big = pareto.big_customer_settings(settings())
    unit = tr("pareto.unit_sticks") if big["unit"] == "sticks" else tr("common.unit_cartons")
    threshold = st.number_input(
        tr("pareto.big_threshold", unit=unit),
        min_value=0.0,
        value=big["threshold"],
        step=1000.0 if big["unit"] == "sticks" else 10.0,
        key="pareto-big-threshold",
    )
    year = (filters.end.year if filters.end else pd.Timestamp.today().year) - 1
    st.caption(tr("pareto.big_caption", year=year, sticks=int(big["sticks_per_carton"])))
    frame = cached(pareto.big_customers, filters, float(threshold))
    st.metric(tr("pareto.big_count"), number(len(frame)), border=True, width="content")
    if frame.empty:
        st.info(tr("pareto.no_big_customers"), icon=":material/info:")
        return
    average = tr("pareto.col_monthly_average", unit=unit)
    table = pd.DataFrame(
        {
            tr("common.customer_id"): frame["customer_id"],
            tr("common.customer_name"): frame["customer_name"],
            tr("common.manager"): frame["manager_name"].fillna(frame["manager_id"]),
            tr("common.customer_class"): frame["customer_class"].map(lambda c: enum_label("class", c)),
            tr("pareto.col_year_cartons"): frame["year_cartons"],
            average: frame["monthly_average"],
            tr("pareto.col_months_with_orders"): frame["months_with_orders"],
        }
    )
    show_table(
        table,
        "big-customers",
        "pareto-big",
        filters,
        column_config=column_formats(values=(tr("pareto.col_year_cartons"), average)),
    )


# ------------------------------------------------------------------ service classes


def band_text(low, high) -> str:
    if low is None or pd.isna(low):
        return "—"
    return percent(low) if low == high else f"{low:.0%}–{high:.0%}"


def status_text(status) -> str:
    return "—" if status is None or pd.isna(status) else tr(f"pareto.status_{status}")


def draw_class_shares(filters) -> None:
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
    table = pd.DataFrame(
        {
            tr("pareto.col_group"): [
                group_label(group_by, c, n) for c, n in zip(frame["group"], frame["group_name"], strict=True)
            ],
            tr("pareto.col_group_customers"): frame["group_customers"],
            tr("common.customer_class"): frame["customer_class"].map(lambda c: enum_label("class", c)),
            tr("common.unit_customers"): frame["customers"],
            tr("pareto.col_share"): frame["share"],
            tr("pareto.col_band"): [
                band_text(lo, hi) for lo, hi in zip(frame["share_min"], frame["share_max"], strict=True)
            ],
            tr("pareto.col_status"): frame["status"].map(status_text),
        }
    )
    colors = (
        frame["status"]
        .map(
            {
                "within": "background-color: #e3f4e1",
                "below": "background-color: #fde2e1",
                "above": "background-color: #fde2e1",
            }
        )
        .fillna("")
    )
    styled = table.style.apply(
        lambda _: colors.tolist(), subset=[tr("pareto.col_share"), tr("pareto.col_status")], axis=0
    ).format({tr("pareto.col_share"): "{:.1%}"})
    st.dataframe(styled, hide_index=True, width="stretch", key="pareto-shares-table")
    export_control(table, "class-shares", "pareto-shares", filters)


def draw_mismatches(filters) -> None:
    st.subheader(tr("pareto.mismatch_title"))
    as_of = filters.end
    frame = cached(classes.class_mismatches, filters, as_of, lang=lang())
    st.caption(tr("pareto.mismatch_caption", as_of=as_of or "—", count=len(frame)))
    if frame.empty:
        st.success(tr("pareto.no_mismatches"), icon=":material/check_circle:")
        return
    table = pd.DataFrame(
        {
            tr("common.customer_id"): frame["customer_id"],
            tr("common.customer_name"): frame["customer_name"],
            tr("common.manager_id"): frame["manager_id"],
            tr("common.team"): frame["team"],
            tr("pareto.col_assigned"): frame["assigned_class"].map(lambda c: enum_label("class", c)),
            tr("pareto.col_recommended"): frame["recommended_class"].map(lambda c: enum_label("class", c)),
            tr("pareto.col_reasons"): frame["reasons"],
        }
    )
    show_table(table, "class-mismatches", "pareto-mismatches", filters)


# ------------------------------------------------------------------ page


def choose_metric() -> str:
    metrics = cached(pareto.available_metrics)
    if st.session_state.get("pareto-metric") not in metrics:
        st.session_state.pop("pareto-metric", None)
    labels = {m: tr(f"pareto.metric_{m}") for m in metrics}
    metric = st.radio(
        tr("pareto.metric"), metrics, horizontal=True, key="pareto-metric", format_func=labels.get
    )
    if "profit" not in metrics:
        st.caption(tr("pareto.profit_unavailable"))
    return metric


def main() -> None:
    filters = current_filters()
    page_header("pareto.title", "pareto.caption")
    metric = choose_metric()
    summary = cached(pareto.pareto_summary, filters, metric)
    draw_tiles(summary, settings().get("abc", {}))
    if cached(db.is_empty):
        empty_state("common.empty_database")
        return
    values = cached(pareto.customer_values, filters, metric)
    if values.empty:
        empty_state()
    else:
        st.subheader(tr("pareto.chart_title"))
        fig = pareto_figure(values, "customer_name", tr("pareto.axis_rank"), value_axis(metric))
        st.plotly_chart(fig, width="stretch", key="pareto-chart")

    labels = [tr(f"pareto.tab_{name}") for name in TABS]
    for name, tab in zip(TABS, st.tabs(labels, key="pareto-tab", on_change="rerun"), strict=True):
        if not tab.open:
            continue
        with tab:
            if name == "customers":
                if not values.empty:
                    draw_customers(filters, metric, values)
                else:
                    empty_state()
            elif name == "groups":
                draw_groups(filters, metric)
            elif name == "time":
                draw_time(filters, metric)
            elif name == "migration":
                draw_migration(filters, metric)
            elif name == "products":
                draw_products(filters, metric)
            elif name == "big":
                draw_big_customers(filters)
            else:
                draw_class_shares(filters)
                draw_mismatches(filters)


main()
