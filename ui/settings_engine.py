"""The engine section of the settings page (admins only, like the page): where the metrics are
read (``[engine]`` in the settings, analytics.engine), and a check that Spark opens."""

from __future__ import annotations

import streamlit as st

from analytics import audit, config, engine
from ui.common import clear_caches, labeler, lang, record, tr

KEY = "settings-engine"


def draw() -> None:
    current = config.load_settings().engine
    st.subheader(tr("engine.section"))
    st.caption(tr("engine.section_help"))
    failure = engine.last_failure(current) if current.on_spark else None
    source = current.source if current.on_spark and not failure else "DuckDB"
    st.caption(tr("engine.reading_from", source=source))
    if failure:
        st.warning(tr("engine.check_failed", reason=failure), icon=":material/warning:")
    with st.form(KEY):
        kind = st.radio(
            tr("engine.kind"),
            ("duckdb", "spark"),
            index=("duckdb", "spark").index(current.kind),
            format_func=labeler("engine.kind_"),
            key=f"{KEY}-kind-{lang()}",
            horizontal=True,
        )
        warehouse = st.text_input(
            tr("engine.warehouse"),
            current.warehouse,
            help=tr("engine.warehouse_help"),
            key=f"{KEY}-warehouse",
        )
        left, right = st.columns(2)
        catalog = left.text_input(tr("engine.catalog"), current.catalog, key=f"{KEY}-catalog")
        database = right.text_input(
            tr("engine.database"), current.database, help=tr("engine.database_help"), key=f"{KEY}-database"
        )
        remote = st.text_input(
            tr("engine.spark_remote"),
            current.spark_remote,
            help=tr("engine.spark_remote_help"),
            placeholder="sc://spark:15002",
            key=f"{KEY}-remote",
        )
        submitted = st.form_submit_button(tr("engine.save"), key=f"{KEY}-save")
    if submitted:
        edited = {
            "kind": kind,
            "warehouse": warehouse,
            "catalog": catalog,
            "database": database,
            "spark_remote": remote,
        }
        problems = engine.save(edited)
        if problems:
            st.error(
                "\n".join([tr("engine.rejected"), *[f"- {tr(p)}" for p in problems]]), icon=":material/error:"
            )
        else:
            after = config.load_settings().engine.model_dump()
            changes = {
                f"engine.{name}": [old, after[name]]
                for name, old in current.model_dump().items()
                if old != after[name]
            }
            if changes:
                record(audit.AuditAction.SETTING_CHANGED, {"change": "saved", "settings": changes})
            clear_caches()
            st.success(tr("engine.saved"), icon=":material/check_circle:")
    if current.on_spark and st.button(tr("engine.check"), key=f"{KEY}-check", icon=":material/sync:"):
        ok, detail = engine.check(current)
        clear_caches()
        if ok:
            st.success(tr("engine.check_ok", tables=detail), icon=":material/check_circle:")
        else:
            st.error(tr("engine.check_failed", reason=detail), icon=":material/error:")
