"""Data › Audit log (admin): who signed in (or failed), imported, undid, exported, changed a
setting, recorded a follow-up or cleared data, and when; filtered by time, user and action."""

from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from analytics import accounts, audit
from ui import format
from ui.common import connection, labeler, page_header, require_role, show_table, tr

LIMIT = 1000

require_role("can_manage_accounts")
page_header("accounts.audit_title", "accounts.audit_caption", show_period=False)
con = connection()


def entries_table(entries: pd.DataFrame) -> pd.DataFrame:
    """The entries as a person reads them: time, user (or a note for an unknown name), action."""
    return pd.DataFrame(
        {
            tr("accounts.audit_recorded_at"): [
                pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S") for v in entries["recorded_at"]
            ],
            tr("accounts.audit_user"): entries["user_name"].fillna(tr("accounts.audit_unknown_user")),
            tr("accounts.audit_action"): [tr(f"accounts.action_{a}") for a in entries["action"]],
            tr("accounts.audit_detail"): entries["detail"].fillna(format.MISSING),
        }
    )


since_col, user_col, action_col = st.columns(3)
since = since_col.date_input(
    tr("accounts.audit_since"), value=date.today() - timedelta(days=30), key="audit-since"
)
names = accounts.list_users(con)["user_name"].tolist()
user = user_col.selectbox(
    tr("accounts.audit_user"), names, index=None, placeholder=tr("accounts.audit_any"), key="audit-user"
)
action = action_col.selectbox(
    tr("accounts.audit_action"),
    audit.ACTIONS,
    index=None,
    format_func=labeler("accounts.action_"),
    placeholder=tr("accounts.audit_any"),
    key="audit-action",
)
start = datetime.combine(since, time.min) if isinstance(since, date) else None
entries = audit.read(con, since=start, user=user, action=action, limit=LIMIT)
if entries.empty:
    st.info(tr("accounts.audit_no_entries"), icon=":material/info:")
else:
    if len(entries) >= LIMIT:
        st.caption(tr("accounts.audit_limit_note", rows=LIMIT))
    show_table(entries_table(entries), "audit-log", "audit")
