"""Customers › Customer: everything about one customer — profile, suggested actions, value and ABC
history, warnings and follow-ups, class check, orders, visits, product-mix suggestions and
inventory guidance.

The customer is in the link (``?customer=ID``); without one, a search box. The page keeps the
sidebar's period and the signed-in account's scope, not its team, manager, region or class (the
customer asked for is shown wherever it sits); a customer outside the scope shows nothing."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from analytics import classes, customer, inventory, optional_tables, pareto, scorecard, suggestions, warnings
from analytics.customer_actions import CustomerFindings, suggested_actions
from analytics.filters import Filters
from pages.pareto_tabs import customer as parts
from ui import drill, followups, format
from ui.common import cached, current_filters, empty_state, lang, page_header, tr
from ui.followups import status_label
from ui.tables import matching_rows

MAX_OPTIONS = 200  # customers the picker offers for a search (the best by value first)


def page_filters(filters: Filters) -> Filters:
    """The sidebar's period and the account's scope, without the sidebar's other choices."""
    return replace(filters, teams=(), managers=(), regions=(), classes=())


def choose_customer(sidebar: Filters, scope: Filters) -> str | None:
    """The customer of the link when it is within the scope, else the one searched and picked
    (then put in the link). A customer of the link outside the scope is not named on the page."""
    linked = drill.linked_id(drill.CUSTOMER_PARAM)
    profile = cached(customer.customer_profile, linked, scope) if linked else None
    known = linked if profile is not None and not profile.empty else None
    query = st.text_input(
        tr("drill.customer_search"), key="customer-search", placeholder=tr("drill.customer_search_help")
    )
    values = cached(pareto.customer_values, sidebar, "amount")
    frame = values[["customer_id", "customer_name"]] if not values.empty else pd.DataFrame()
    if query.strip() and not frame.empty:
        frame = frame[matching_rows(frame, query)]
    options = list(frame["customer_id"].head(MAX_OPTIONS)) if not frame.empty else []
    names = dict(zip(frame["customer_id"], frame["customer_name"], strict=True)) if options else {}
    if known:
        names.setdefault(known, profile.iloc[0]["customer_name"])
        if known not in options:
            options.insert(0, known)
    return drill.linked_pick(
        drill.CUSTOMER_PARAM,
        "customer-pick",
        known,
        options,
        tr("common.customer"),
        tr("drill.customer_pick"),
        lambda c: format.name_with_id(names.get(c), c),
        "drill.customer_unknown",
    )


def draw_actions(found: CustomerFindings) -> None:
    st.subheader(tr("drill.actions_title"))
    st.markdown("\n".join(f"- {line}" for line in suggested_actions(found, lang())))


def warning_row(filters: Filters, customer_id: str, as_of: object) -> pd.DataFrame:
    """The customer's row of the warning facts (empty when it has none)."""
    facts = cached(warnings.warning_facts, filters, as_of)
    return facts[facts["customer_id"] == customer_id]


def draw_warnings(filters: Filters, customer_id: str, row: pd.DataFrame) -> None:
    st.subheader(tr("drill.warnings_title"))
    if row.empty or not bool(row["warned"].iloc[0]):
        st.caption(tr("drill.warnings_none"))
    else:
        status = row["followup_status"].iloc[0]
        state = tr("drill.warning_open") if bool(row["open"].iloc[0]) else tr("drill.warning_closed")
        st.markdown(f"**{state}** · {tr('warnings.col_status')}: {status_label(status)}")
        st.markdown(warnings.explain(row, lang()).iloc[0])
        st.caption(
            tr(
                "drill.warning_figures",
                revenue=format.money(row["revenue_at_risk"].iloc[0]),
                last_order=format.day(row["last_order_date"].iloc[0]),
                last_visit=format.day(row["last_visit_date"].iloc[0]),
            )
        )
    st.page_link("pages/warnings.py", label=tr("drill.to_warnings"), icon=":material/warning:")
    followups.draw_history(customer_id, filters, "customer-followups")


def draw_class_check(check: pd.DataFrame) -> None:
    st.subheader(tr("drill.class_title"))
    if check.empty:
        st.caption(tr("drill.class_none"))
        return
    row = check.iloc[0]
    assigned = format.label("class", row["assigned_class"]) if row["assigned_class"] else ""
    assigned = assigned or tr("drill.class_empty")
    recommended = format.label("class", row["recommended_class"])
    if bool(row["matches"]):
        st.success(tr("drill.class_matches", cls=assigned), icon=":material/check_circle:")
    else:
        differs = tr("drill.class_differs", assigned=assigned, recommended=recommended)
        st.warning(differs, icon=":material/rule:")
    if row["reasons"]:
        st.caption(row["reasons"])


def findings(
    filters: Filters, profile: pd.Series, warning: pd.DataFrame, check: pd.DataFrame, as_of: object
) -> CustomerFindings:
    """What the parts found, for the suggested actions."""
    customer_id = profile["customer_id"]
    reasons = None
    status = None
    if not warning.empty and bool(warning["open"].iloc[0]):
        reasons = warnings.explain(warning, lang()).iloc[0]
        status = warning["followup_status"].iloc[0]
        status = status if isinstance(status, str) else None
    due, overdue_days = None, 0
    if profile["manager_id"]:
        overdue = cached(scorecard.overdue_list, profile["manager_id"], as_of, None, filters)
        mine = overdue[overdue["customer_id"] == customer_id]
        if not mine.empty:
            due = pd.Timestamp(mine["due_date"].iloc[0]).date()
            overdue_days = int(mine["days_overdue"].iloc[0] or 0)
    found = cached(suggestions.suggest, customer_id, filters.end)
    orders: tuple = ()
    if "stock_checks" in cached(optional_tables.present):
        guidance = cached(inventory.customer_guidance, customer_id, filters.end)
        if not guidance.empty:
            orders = tuple(zip(guidance["product"], guidance["suggested_order"], strict=True))
    first = check.iloc[0] if not check.empty else None
    return CustomerFindings(
        warning_reasons=reasons,
        followup_status=status,
        due_date=due,
        days_overdue=overdue_days,
        assigned_class=None if first is None else first["assigned_class"],
        recommended_class=None if first is None else first["recommended_class"],
        products=tuple(found["product"]) if not found.empty else (),
        orders=orders,
    )


def draw(filters: Filters, customer_id: str) -> None:
    """Everything about `customer_id` within `filters`' scope (a sentence when it is outside)."""
    profile = cached(customer.customer_profile, customer_id, filters)
    if profile.empty:
        st.warning(tr("drill.customer_unknown"), icon=":material/visibility_off:")
        return
    row = profile.iloc[0]
    st.header(format.name_with_id(row["customer_name"], customer_id))
    st.caption(parts.profile_line(row))
    if row["manager_id"]:
        name = format.name_with_id(row["manager_name"], row["manager_id"])
        drill.manager_link(row["manager_id"], tr("drill.open_manager", name=name))
    as_of = cached(warnings.as_of_date, filters) or filters.end
    warning = warning_row(filters, customer_id, as_of)
    everyone = cached(classes.recommend_classes, filters, as_of, lang=lang())
    check = everyone[everyone["customer_id"] == customer_id]
    draw_actions(findings(filters, row, warning, check, as_of))
    parts.draw_value(filters, "amount", customer_id)
    left, right = st.columns(2)
    with left:
        draw_warnings(filters, customer_id, warning)
    with right:
        draw_class_check(check)
    parts.draw_lines(filters, customer_id)
    parts.draw_guidance(filters, customer_id)


sidebar = current_filters()
page_header("drill.customer_title", "drill.customer_caption")
scope = page_filters(sidebar)
chosen = choose_customer(sidebar, scope)
if chosen is None:
    empty_state("drill.customer_none")
else:
    draw(scope, chosen)
