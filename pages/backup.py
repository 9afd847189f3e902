"""Data › Backup and restore (admin): a copy of the whole store made while the dashboard serves
it, to download; how to restore; where the automatic copies before a destructive action go."""

from datetime import datetime
from pathlib import Path

import streamlit as st

from analytics import audit, backup
from ui.common import connection, db_path, page_header, record, require_role, settings, tr

LAST = "backup-last-file"

require_role("can_clear_data")
page_header("accounts.backup_title", "accounts.backup_caption", show_period=False)
con = connection()
store = backup.store_path(con)
rules = settings().backup
folder = (store.parent if store else Path.cwd()) / rules.folder
st.caption(tr("accounts.auto_backup_note", keep=rules.keep, folder=str(folder)))

if st.button(tr("accounts.backup_now"), key="backup-now", type="primary", icon=":material/backup:"):
    stem = store.stem if store else "dashboard"
    made = backup.backup(con, folder / f"{stem}-{datetime.now():%Y%m%d-%H%M%S}.zip")
    record(audit.AuditAction.BACKUP, {"file": str(made)})
    st.session_state[LAST] = str(made)

last = st.session_state.get(LAST)
if last and Path(last).is_file():
    st.success(tr("accounts.backup_done", file=last), icon=":material/check_circle:")
    st.download_button(
        tr("accounts.backup_download"),
        data=lambda: Path(last).read_bytes(),
        file_name=Path(last).name,
        mime="application/zip",
        key="backup-download",
        icon=":material/download:",
        on_click="ignore",
    )
st.info(tr("accounts.restore_help", db=db_path()), icon=":material/restore:")
