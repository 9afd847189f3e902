"""Complaints (Managers › Complaints): open complaints past their deadlines and each manager's
handling in time (first contact within 1 working day, reply within 7)."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import complaints, db, optional_tables
from ui import charts, drill, format
from ui.common import cached, connection, current_filters, empty_state, page_header, settings, show_table, tr

KEY = "complaints"


def manager_label(rows: pd.DataFrame) -> list[str]:
    return [format.name_with_id(n, i) for n, i in zip(rows["manager_name"], rows["manager_id"], strict=True)]


def draw_past_due(rows: pd.DataFrame, filters: object) -> None:
    st.subheader(tr("standard.past_due_header"))
    if rows.empty:
        st.success(tr("standard.past_due_none"), icon=":material/check_circle:")
        return
    table = pd.DataFrame(
        {
            tr("standard.col_complaint_id"): rows["complaint_id"],
            tr("common.customer"): [
                format.name_with_id(n, i)
                for n, i in zip(rows["customer_name"], rows["customer_id"], strict=True)
            ],
            tr("common.manager"): manager_label(rows),
            tr("standard.col_received_at"): pd.to_datetime(rows["received_at"]).dt.strftime("%Y-%m-%d %H:%M"),
            tr("standard.col_category"): rows["category"].fillna(""),
            tr("standard.col_late_step"): rows["late_step"].map(lambda s: tr(f"standard.step_{s}")),
            tr("standard.col_deadline"): rows["deadline"].map(format.day),
            tr("standard.col_working_days_late"): rows["working_days_late"],
        }
    )
    row = show_table(table, "complaints-past-due", f"{KEY}-past-due", filters, selectable=True)
    drill.open_row_of(row, rows["customer_id"])


def draw_compliance(frame: pd.DataFrame, filters: object) -> None:
    st.subheader(tr("standard.compliance_header"))
    st.caption(tr("standard.compliance_help"))
    names = manager_label(frame)
    fig = go.Figure()
    for column in ("contact_rate", "reply_rate"):
        fig.add_bar(
            y=names,
            x=frame[column] * 100,
            orientation="h",
            name=tr(f"standard.col_{column}"),
            customdata=frame[["manager_id"]],
        )
    charts.layout(
        fig,
        charts.rows_height(len(names) * 2),
        barmode="group",
        xaxis=dict(title=tr("standard.axis_rate"), range=[0, 100]),
        yaxis=dict(title=tr("common.manager"), autorange="reversed"),
        legend=dict(orientation="h", y=1.1),
    )
    drill.manager_chart(fig, f"{KEY}-rates-chart")
    drill.click_hint("drill.click_manager")
    table = pd.DataFrame({tr("common.manager"): names})
    for column in complaints.MANAGER_COLUMNS[2:]:
        table[tr(f"standard.col_{column}")] = frame[column]
    rates = {
        tr(f"standard.col_{c}"): st.column_config.NumberColumn(format="percent")
        for c in ("contact_rate", "reply_rate")
    }
    row = show_table(
        table, "complaints-per-manager", f"{KEY}-managers", filters, column_config=rates, selectable=True
    )
    drill.open_row_of(row, frame["manager_id"], "manager")


filters = current_filters()
s = settings().complaints
page_header("standard.complaints_title", None)
st.caption(tr("standard.complaints_caption", contact=s.contact_working_days, reply=s.reply_working_days))
if "complaints" not in cached(optional_tables.present):
    empty_state("standard.complaints_import_first")
elif (as_of := filters.end or db.last_data_date(connection())) is None:
    empty_state("common.empty_database")
else:
    st.caption(tr("standard.complaints_as_of", as_of=format.day(as_of)))
    per_manager = cached(complaints.manager_compliance, filters, as_of, None, filters.start)
    if per_manager.empty:
        st.info(tr("standard.complaints_none"), icon=":material/info:")
    else:
        draw_compliance(per_manager, filters)
    draw_past_due(cached(complaints.past_due, filters, as_of), filters)
