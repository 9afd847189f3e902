"""Customers › 80/20 value: concentration KPIs, the Pareto chart, and tabs for the customer
ranking (with detail), groups, months, ABC migration, products, big customers and service classes.
Each tab is a module of pages/pareto_tabs/."""

import streamlit as st

from analytics import db, pareto
from pages.pareto_tabs import (
    big_customers,
    classes,
    curve,
    customers,
    groups,
    migration,
    over_time,
    products,
)
from pages.pareto_tabs.common import value_axis
from ui import drill
from ui.common import cached, current_filters, empty_state, lazy_tabs, main_chart, page_header, settings, tr


def main() -> None:
    filters = current_filters()
    page_header("pareto.title", "pareto.caption")
    metric = curve.choose_metric()
    summary = cached(pareto.pareto_summary, filters, metric)
    curve.draw_tiles(summary, settings().abc)
    if cached(db.is_empty):
        empty_state("common.empty_database")
        return
    values = cached(pareto.customer_values, filters, metric)
    if values.empty:
        empty_state()
    else:
        with main_chart():
            st.subheader(tr("pareto.chart_title"))
            fig = curve.pareto_figure(
                values, "customer_name", tr("pareto.axis_rank"), value_axis(metric), id_column="customer_id"
            )
            drill.customer_chart(fig, "pareto-chart")
            drill.click_hint("drill.click_customer")

    draws = {
        "customers": lambda: customers.draw(filters, metric, values),
        "groups": lambda: groups.draw(filters, metric),
        "time": lambda: over_time.draw(filters, metric),
        "migration": lambda: migration.draw(filters, metric),
        "products": lambda: products.draw(filters, metric),
        "big": lambda: big_customers.draw(filters),
        "classes": lambda: classes.draw(filters),
    }
    lazy_tabs(draws, lambda name: tr(f"pareto.tab_{name}"), "pareto-tab")


main()
