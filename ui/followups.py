"""Follow-ups of loss warnings as the Warnings and Customer pages show them: status words and one
customer's follow-up history."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import warnings
from analytics.filters import Filters
from ui.common import cached, tr
from ui.tables import show_table


def status_label(status: object) -> str:
    """A follow-up status in words (no status yet: "new")."""
    return (
        tr(f"warnings.status_{status}") if isinstance(status, str) and status else tr("warnings.status_new")
    )


def status_labels(statuses: pd.Series) -> pd.Series:
    """status_label of a column of follow-up statuses, translated once per distinct value."""
    mapping = {status: status_label(status) for status in pd.unique(statuses.dropna())}
    return statuses.map(mapping).astype(object).where(statuses.notna(), status_label(None))


def draw_history(customer_id: str, filters: Filters, key: str) -> None:
    """Every follow-up of the customer's warnings, newest first, or a line saying there is none."""
    history = cached(warnings.followups, (customer_id,), None, True, filters)
    st.markdown(f"**{tr('warnings.followup_history')}**")
    if history.empty:
        st.caption(tr("warnings.followup_none"))
        return
    shown = pd.DataFrame(
        {
            tr("warnings.col_followed_up_at"): pd.to_datetime(history["updated_at"]).dt.strftime(
                "%Y-%m-%d %H:%M"
            ),
            tr("warnings.col_status"): status_labels(history["recorded_status"]),
            tr("warnings.col_made_by"): history["made_by"],
            tr("warnings.col_note"): history["note"],
            tr("warnings.col_warned_on"): pd.to_datetime(history["warned_on"]).dt.date,
        }
    )
    show_table(shown, "warning-followups", key, filters)
