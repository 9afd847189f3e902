"""The Import page's log tab: every import (file names and counts) and its undo, asked first."""

from __future__ import annotations

import streamlit as st

from analytics import audit, importer
from ui import format
from ui.common import (
    auto_backup,
    cached,
    clear_caches,
    confirm_buttons,
    connection,
    current_filters,
    record,
    show_table,
    tr,
)
from ui.import_words import problem_text, table_label


def log_tab() -> None:
    """The import log (every import: file names and counts, no customer data, so a supervisor
    sees it whole) and the undo, asked first."""
    flash = st.session_state.pop("_import_flash", None)
    if flash:
        st.success(flash)
    log = cached(importer.import_log)
    if log.empty:
        st.info(tr("importer.log_empty"), icon=":material/info:")
        return
    modes = {m: tr(f"importer.mode_short_{m.replace('-', '_')}") for m in importer.MODES}
    shown = log.assign(
        table_name=log["table_name"].map(table_label), mode=log["mode"].map(modes).fillna(log["mode"])
    ).rename(
        columns={
            "import_id": tr("importer.col_import_id"),
            "imported_at": tr("importer.col_imported_at"),
            "file_name": tr("importer.col_file"),
            "table_name": tr("importer.col_table"),
            "mode": tr("importer.col_mode"),
            "rows_added": tr("importer.col_added"),
            "rows_updated": tr("importer.col_updated"),
            "rows_unchanged": tr("importer.col_unchanged"),
            "rows_rejected": tr("importer.col_rejected"),
            "rows_created_customers": tr("importer.col_created"),
            "undone_at": tr("importer.col_undone_at"),
            "sha256": tr("importer.col_sha256"),
        }
    )
    show_table(shown, "import-log", "imp-log")
    open_imports = log[log["undone_at"].isna()]
    st.subheader(tr("importer.undo_label"))
    st.caption(tr("importer.undo_help"))
    if open_imports.empty:
        st.caption(tr("importer.undo_none"))
        return
    labels = {
        int(r.import_id): (
            f"#{r.import_id} · {r.file_name} · {table_label(r.table_name)} · {format.moment(r.imported_at)}"
        )
        for r in open_imports.itertuples()
    }
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    chosen = left.selectbox(
        tr("importer.undo_label"),
        list(labels),
        format_func=labels.get,
        key="imp-undo-choice",
        label_visibility="collapsed",
    )
    if right.button(tr("importer.undo_button"), key="imp-undo", icon=":material/undo:"):
        st.session_state["_import_undo"] = chosen
    pending = st.session_state.get("_import_undo")
    if pending in labels:
        row = open_imports[open_imports["import_id"] == pending].iloc[0]
        confirm_undo(int(pending), str(row["file_name"]), str(row["table_name"]))


def confirm_undo(import_id: int, file_name: str, table: str) -> None:
    """Asked first; on confirming: an automatic backup, the undo, the audit log."""
    with st.container(border=True):
        st.warning(tr("accounts.confirm_undo_import", file=file_name), icon=":material/undo:")
        confirmed = confirm_buttons("_import_undo", "imp-undo-confirm", "imp-undo-cancel")
    if not confirmed:
        return
    st.session_state.pop("_import_undo", None)
    con, teams = connection(), current_filters().allowed_teams
    try:
        outside = importer.rows_outside(con, import_id, table, teams)  # refused before any backup
        if outside:
            raise importer.ImportProblem("undo_out_of_scope", import_id=import_id, rows=outside)
        copy = auto_backup(con, "undo_import")
        done = importer.undo_import(con, import_id, allowed_teams=teams)
    except Exception as exc:
        st.error(problem_text(exc))
        return
    record(
        audit.AuditAction.UNDO_IMPORT, {"import_id": import_id, "file": file_name, "backup": str(copy or "")}
    )
    clear_caches()
    flash = tr(
        "importer.undo_done", import_id=done["import_id"], removed=done["removed"], restored=done["restored"]
    )
    if copy is not None:
        flash += " " + tr("accounts.auto_backup_done", file=getattr(copy, "name", copy))
    st.session_state["_import_flash"] = flash
    st.rerun()
