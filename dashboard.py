"""Entry point: page config, language, first-start demo data, sidebar filters, navigation.

Run with ``streamlit run dashboard.py`` (or ``make run``)."""

from __future__ import annotations

from datetime import date

import duckdb
import streamlit as st

from analytics import db
from analytics.filters import (
    PERIODS,
    Filters,
    filter_options,
    latest_full_month,
    period_dates,
)
from analytics.i18n import LANGUAGES
from ui.common import cached, clear_caches, connection, labeler, lang, tr

st.set_page_config(page_title="客户经理督导看板 · Supervision", page_icon=":bar_chart:", layout="wide")

# Pages by section: (file, title key, icon).
SECTIONS = {
    "common.section_overview": [("pages/overview.py", "overview.title", ":material/dashboard:")],
    "common.section_customers": [
        ("pages/pareto.py", "pareto.title", ":material/leaderboard:"),
        ("pages/warnings.py", "warnings.title", ":material/warning:"),
        ("pages/retention.py", "retention.title", ":material/group:"),
    ],
    "common.section_managers": [
        ("pages/scorecards.py", "scorecard.title", ":material/scoreboard:"),
        ("pages/visits.py", "visits.title", ":material/calendar_month:"),
    ],
    "common.section_data": [
        ("pages/import_data.py", "importer.title", ":material/upload_file:"),
        ("pages/settings.py", "standards.title", ":material/tune:"),
    ],
}


# ------------------------------------------------------------------ query string


def _qp_list(name: str) -> list[str]:
    return [v for v in st.query_params.get_all(name) if v]


def _qp_date(name: str) -> date | None:
    try:
        return date.fromisoformat(st.query_params.get(name, ""))
    except ValueError:
        return None


def _init_state_from_url() -> None:
    """First run of a session: take language and filters from the link."""
    if st.session_state.get("_url_loaded"):
        return
    st.session_state["_url_loaded"] = True
    if st.query_params.get("lang") in LANGUAGES:
        st.session_state["lang"] = st.query_params["lang"]
    if st.query_params.get("period") in PERIODS:
        st.session_state["f_period"] = st.query_params["period"]
    start, end = _qp_date("start"), _qp_date("end")
    if start and end and start <= end:
        st.session_state["f_range"] = (start, end)
    for key in ("team", "manager", "region", "class"):
        if _qp_list(key):
            st.session_state[f"f_{key}"] = _qp_list(key)


def _write_url(filters: Filters, period: str) -> None:
    params = {"lang": [lang()], "period": [period]}
    if period == "custom" and filters.start and filters.end:
        params.update(start=[filters.start.isoformat()], end=[filters.end.isoformat()])
    for key, values in (
        ("team", filters.teams),
        ("manager", filters.managers),
        ("region", filters.regions),
        ("class", filters.classes),
    ):
        if values:
            params[key] = list(values)
    if {key: st.query_params.get_all(key) for key in st.query_params} != params:
        st.query_params.from_dict(params)


# ------------------------------------------------------------------ sidebar


def language_switch() -> None:
    current = lang()
    choice = st.sidebar.segmented_control(
        tr("common.language"),
        options=list(LANGUAGES),
        default=current,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
        key="lang_switch",
    )
    if choice and choice != current:
        st.session_state["lang"] = choice
        st.rerun()


def sidebar_filters(con: duckdb.DuckDBPyConnection) -> Filters:
    """Period, team, manager, region and class, as one Filters value."""
    span = db.data_range(con)
    anchor = span[1] if span else date.today()
    st.sidebar.subheader(tr("common.filters"))
    if "f_period" not in st.session_state:
        st.session_state["f_period"] = "last_month"
    period = st.sidebar.selectbox(
        tr("common.period"),
        PERIODS,
        key="f_period",
        format_func=labeler("common.period_"),
    )
    if period == "custom":
        default = st.session_state.get("f_range") or latest_full_month(anchor)
        picked = st.sidebar.date_input(
            tr("common.period_range"),
            value=default,
            key="f_range_input",
            min_value=span[0] if span else None,
            max_value=anchor,
        )
        start, end = (
            picked if isinstance(picked, (list, tuple)) and len(picked) == 2 else (default[0], default[1])
        )
        st.session_state["f_range"] = (start, end)
    elif period == "last_month":
        start, end = latest_full_month(anchor)
    else:
        start, end = period_dates(period, anchor)
    st.sidebar.caption(tr("common.period_shown", start=start, end=end))

    options = cached(filter_options)
    teams = st.sidebar.multiselect(
        tr("common.team"), options["teams"], key="f_team", placeholder=tr("common.all")
    )
    manager_rows = [m for m in options["managers"] if not teams or m["team"] in teams]
    names = {m["manager_id"]: f"{m['manager_name']} ({m['manager_id']})" for m in options["managers"]}
    if "f_manager" in st.session_state:
        st.session_state["f_manager"] = [m for m in st.session_state["f_manager"] if m in names]
    managers = st.sidebar.multiselect(
        tr("common.manager"),
        [m["manager_id"] for m in manager_rows],
        key="f_manager",
        format_func=lambda m: names.get(m, m),
        placeholder=tr("common.all"),
    )
    regions = st.sidebar.multiselect(
        tr("common.region"), options["regions"], key="f_region", placeholder=tr("common.all")
    )
    classes = st.sidebar.multiselect(
        tr("common.customer_class"),
        options["classes"],
        key="f_class",
        format_func=labeler("common.class_"),
        placeholder=tr("common.all"),
    )
    filters = Filters(
        start=start,
        end=end,
        teams=tuple(teams),
        managers=tuple(managers),
        regions=tuple(regions),
        classes=tuple(classes),
    )
    _write_url(filters, period)
    return filters


# ------------------------------------------------------------------ first start


def first_start(con: duckdb.DuckDBPyConnection) -> None:
    """Empty database: load the demo data once, unless the supervisor cleared it before."""
    if db.is_empty(con) and db.get_meta(con, "demo_declined") is None:
        from analytics.generator import generate_demo

        with st.spinner(tr("common.demo_loading")):
            generate_demo(con)
        clear_caches()


def demo_notice(con: duckdb.DuckDBPyConnection) -> None:
    if db.get_meta(con, "demo") != "1":
        return
    left, right = st.columns([5, 1])
    left.info(tr("common.demo_notice"), icon=":material/science:")
    if right.button(tr("common.demo_clear"), key="demo_clear", type="secondary"):
        db.clear_demo(con)
        clear_caches()
        st.toast(tr("common.demo_cleared"))
        st.rerun()


# ------------------------------------------------------------------ main


def main() -> None:
    _init_state_from_url()
    try:
        con = connection()
    except duckdb.Error as exc:  # e.g. the file is locked by another process
        st.error(tr("common.db_unavailable", error=exc), icon=":material/error:")
        st.stop()
    first_start(con)
    language_switch()
    st.session_state["filters"] = sidebar_filters(con)

    pages = {}
    for section, entries in SECTIONS.items():
        pages[tr(section)] = [
            st.Page(path, title=tr(title), icon=icon, default=(path == "pages/overview.py"))
            for path, title, icon in entries
        ]
    navigation = st.navigation(pages)
    demo_notice(con)
    navigation.run()


main()
