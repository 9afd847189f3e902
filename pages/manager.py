"""Managers › Manager: everything about one customer manager — score, status and rank, the
scorecard items with their trend, the composite score's trend, visits by weekday and length, the
overdue list and visit plan, open loss warnings, new-product cultivation and the customers.

The manager is in the link (``?manager_id=ID``); without one, a select box. The page keeps the
sidebar's period and the signed-in account's scope, not its team, manager, region or class; a
manager outside the scope shows nothing and says so. Rows naming a customer open the Customer page."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import pareto, risk, scorecard, warnings
from analytics.filters import Filters, filter_options
from pages import manager_parts as parts
from ui import charts, drill, format
from ui.common import cached, connection, current_filters, empty_state, lang, page_header, settings, tr
from ui.tables import column_formats, common_columns


def page_filters(filters: Filters) -> Filters:
    """The sidebar's period and the account's scope, without the sidebar's other choices."""
    return replace(filters, teams=(), managers=(), regions=(), classes=())


def visible_managers(filters: Filters) -> dict[str, dict]:
    """The managers the account may see (all without a scope), by id."""
    rows = cached(filter_options)["managers"]
    if filters.allowed_managers is not None:
        rows = [m for m in rows if m["manager_id"] in filters.allowed_managers]
    if filters.allowed_teams is not None:
        rows = [m for m in rows if m["team"] in filters.allowed_teams]
    return {m["manager_id"]: m for m in rows}


def choose_manager(managers: dict[str, dict]) -> str | None:
    """The manager of the link when the account may see them, else the one picked (then put in
    the link). A manager of the link outside the scope is not named on the page."""
    linked = drill.linked_id(drill.MANAGER_PARAM)
    return drill.linked_pick(
        drill.MANAGER_PARAM,
        "manager-pick",
        linked if linked in managers else None,
        list(managers),
        tr("drill.manager_pick"),
        tr("drill.manager_pick"),
        lambda m: format.name_with_id(managers.get(m, {}).get("manager_name"), m),
        "drill.manager_unknown",
    )


def status_label(code: object) -> str:
    return tr(f"scorecard.status_{code}") if isinstance(code, str) and code else format.MISSING


def draw_tiles(card: pd.DataFrame, manager_id: str) -> bool:
    """Score, status and rank among the managers in scope; False when the manager has no row."""
    mine = card[card["manager_id"] == manager_id]
    if mine.empty:
        st.info(tr("drill.manager_no_card"), icon=":material/info:")
        return False
    row = mine.iloc[0]
    cells = st.columns(4)
    cells[0].metric(tr("scorecard.col_score"), format.number(row["score"], 1), border=True)
    cells[1].metric(tr("scorecard.col_status"), status_label(row["status"]), border=True)
    cells[2].metric(tr("scorecard.col_rank"), f"{int(row['rank'])} / {len(card)}", border=True)
    at_risk = row.get("at_risk_customers")
    cells[3].metric(
        tr("scorecard.col_at_risk_customers"),
        format.MISSING if pd.isna(at_risk) else format.number(at_risk),
        border=True,
    )
    return True


def draw_score_trend(trend: pd.DataFrame) -> None:
    """The composite score per month, against 0–100."""
    st.markdown(f"**{tr('drill.score_trend')}**")
    if trend.empty or trend["score"].isna().all():
        st.caption(tr("scorecard.trend_empty"))
        return
    fig = go.Figure(go.Scatter(x=trend["month"], y=trend["score"], mode="lines+markers"))
    fig.update_xaxes(dtick="M1", tickformat="%Y-%m")
    fig.update_yaxes(range=[0, 100])
    charts.layout(fig, 280, x_title=tr("common.month"), y_title=tr("scorecard.axis_score"))
    st.plotly_chart(fig, width="stretch", key="manager-score-trend")


def draw_warnings(filters: Filters, as_of: object) -> None:
    """The manager's open warnings on the action list's order; a row opens its customer."""
    st.subheader(tr("drill.warnings_of_manager"))
    facts = cached(warnings.warning_facts, filters, as_of)
    found = risk.find_stored(connection(), as_of, settings())
    scores = found.scores if found is not None else None
    rows = warnings.warning_view(facts, scores, (), False, True, settings()).rows
    if rows.empty:
        st.caption(tr("drill.warnings_of_manager_none"))
        return
    table = pd.DataFrame(
        {
            **common_columns(rows, "customer_id", "customer_name"),
            tr("warnings.col_expected_loss"): rows["expected_loss"].round(0),
            tr("warnings.col_reasons"): warnings.explain(rows, lang()),
            tr("warnings.col_status"): rows["followup_status"].map(
                lambda s: tr(f"warnings.status_{s}") if isinstance(s, str) else tr("warnings.status_new")
            ),
            tr("warnings.col_revenue_at_risk"): rows["revenue_at_risk"].round(0),
        }
    )
    money = (tr("warnings.col_expected_loss"), tr("warnings.col_revenue_at_risk"))
    drill.row_table(
        table,
        "manager-warnings",
        "manager-warnings",
        filters,
        column_config={
            tr("warnings.col_reasons"): st.column_config.TextColumn(width="large"),
            **column_formats(localized=money),
        },
    )


def draw_customers(filters: Filters) -> None:
    """The manager's customers by value in the period; a row opens the customer."""
    st.subheader(tr("drill.customers_of_manager"))
    values = cached(pareto.customer_values, filters, "amount")
    if values.empty:
        empty_state()
        return
    table = pd.DataFrame(
        {
            tr("pareto.col_rank"): values["rank"],
            **common_columns(values, "customer_id", "customer_name", "customer_class"),
            tr("pareto.col_value"): values["value"],
            tr("pareto.col_share"): values["share"],
            tr("pareto.col_abc"): values["abc"],
        }
    )
    drill.row_table(
        table,
        "manager-customers",
        "manager-customers",
        filters,
        column_config=column_formats(tr("pareto.col_share"), localized=(tr("pareto.col_value"),)),
    )


def draw(scope: Filters, manager_id: str, managers: dict[str, dict]) -> None:
    record = managers[manager_id]
    st.header(format.name_with_id(record["manager_name"], manager_id))
    if record.get("team"):
        st.caption(f"{tr('common.team')}: {record['team']}")
    mine = replace(scope, managers=(manager_id,))
    if scope.start and scope.end:
        with st.spinner(tr("scorecard.computing")):
            card = cached(scorecard.scorecard, scope)
        draw_tiles(card, manager_id)
    trend = cached(scorecard.monthly_scores, mine)
    trend = trend[trend["manager_id"] == manager_id]
    parts.draw_items(mine, manager_id, trend)
    draw_score_trend(trend)
    left, right = st.columns(2)
    with left:
        parts.draw_weekdays(mine, manager_id)
    with right:
        parts.draw_lengths(mine, manager_id)
    parts.draw_overdue(mine, manager_id)
    as_of = cached(warnings.as_of_date, mine)
    if as_of is not None:
        draw_warnings(mine, as_of)
    parts.draw_new_products(mine, manager_id)
    draw_customers(mine)


sidebar = current_filters()
page_header("drill.manager_title", "drill.manager_caption")
scope = page_filters(sidebar)
managers = visible_managers(scope)
chosen = choose_manager(managers)
if chosen is None:
    empty_state("drill.manager_none")
else:
    draw(scope, chosen, managers)
