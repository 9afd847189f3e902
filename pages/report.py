"""Meeting report: the current filters' month (or period) for a team or a manager, as one PDF or
one workbook, with a preview of what they hold. The files are made only when a button is
clicked (on Streamlit's own thread, so everything they need is taken from the page run now);
the preview reads the same cached figures as the Overview and the Warnings page."""

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from matplotlib.ticker import MaxNLocator

from analytics import overview, report, risk, warnings
from analytics.filters import Filters
from analytics.i18n import t
from analytics.warnings.schema import STORE_VERSION
from ui import charts, format, report_charts, report_pdf, report_tables, report_xlsx
from ui.common import (
    cached,
    cached_on_store,
    connection,
    current_filters,
    empty_state,
    export_recorder,
    filters_note,
    lang,
    page_header,
    require_role,
    settings,
    show_table,
    tr,
)
from ui.tables import download_button

KEY = "report"
PERMISSION = "can_import"  # supervisors and admins (dashboard.PERMISSIONS)


def builder(kind: str, filters: Filters, language: str) -> Callable[[], bytes]:
    """The file's maker, called when its button is clicked: the report's figures, the PDF or the
    workbook, and its entry in the audit log."""
    con, rules, exported, notes = connection(), settings(), export_recorder(), filters_note(filters)

    def make() -> bytes:
        content = report.meeting_report(con, filters, rules)
        render = report_pdf.pdf_bytes if kind == "pdf" else report_xlsx.xlsx_bytes
        data = render(content, language)
        exported("meeting_report", kind, len(content.actions) + len(content.scorecard), notes)
        return data

    return make


def downloads(filters: Filters, language: str) -> None:
    left, right, _ = st.columns([1, 1, 3])
    if report_charts.cjk_font() is None:
        left.warning(tr("report.no_font"), icon=":material/font_download_off:")
    else:
        pdf = report_tables.file_name(filters, language, "pdf")
        download_button(
            left,
            tr("report.download_pdf"),
            builder("pdf", filters, language),
            pdf,
            f"{KEY}-pdf",
            type="primary",
        )
    xlsx = report_tables.file_name(filters, language, "xlsx")
    download_button(
        right, tr("report.download_xlsx"), builder("xlsx", filters, language), xlsx, f"{KEY}-xlsx"
    )


def preview_figures(filters: Filters, language: str) -> None:
    """The tiles and the 12-month sales, as in the report."""
    tiles = cached(overview.overview_tiles, filters)
    st.subheader(tr("report.section_kpis"))
    for column, (label, current, previous, change) in zip(
        st.columns(len(tiles)), report_tables.tile_rows(tiles, language), strict=True
    ):
        column.metric(label, current, help=f"{tr('report.col_previous')} {previous} · {change}")
    st.subheader(tr("report.section_trend"))
    monthly = cached(overview.monthly_figures, filters)
    figure = go.Figure(go.Bar(x=pd.to_datetime(monthly["month"]), y=monthly["sales"], marker_color="#1f6feb"))
    figure.update_xaxes(tickformat="%Y-%m", dtick="M1")
    ticks = MaxNLocator(nbins=5).tick_values(0, max(float(monthly["sales"].max() or 0), 1.0))
    figure.update_yaxes(tickvals=list(ticks), ticktext=[format.short_number(v) for v in ticks])
    st.plotly_chart(
        charts.layout(figure, 300, x_title=tr("report.axis_month"), y_title=tr("report.axis_sales")),
        key=f"{KEY}-trend",
    )


def preview_actions(filters: Filters, language: str) -> None:
    """The action list's first rows, as in the report (the risk scores when a ranking is stored)."""
    st.subheader(tr("report.section_actions"))
    as_of = cached(warnings.as_of_date, filters)
    if as_of is None:
        st.caption(tr("report.actions_none"))
        return
    facts = cached(warnings.warning_facts, filters, as_of)
    stored = cached_on_store(STORE_VERSION, risk.find_stored, as_of)
    scores = stored.scores if stored is not None and stored.trained else None
    view = warnings.warning_view(facts, scores, show_all=False, settings=settings())
    actions = view.rows.head(report.ACTIONS).reindex(columns=report.ACTION_COLUMNS)
    if actions.empty:
        st.caption(tr("report.actions_none"))
        return
    counts = {"open": format.number(view.open), "total": format.number(view.listed), "shown": len(actions)}
    st.caption(tr("report.actions_note", day=format.day(as_of), **counts))
    columns = report_tables.shown_columns(actions, report_tables.ACTIONS)
    table = pd.DataFrame(report_tables.rows(actions, columns, language), columns=[c.name for c in columns])
    money = [c.name for c in columns if c.kind == "money"]
    table[money] = table[money].round(0)
    headers = dict(zip(table.columns, report_tables.headers(columns, language), strict=True))
    config = {headers[name]: st.column_config.NumberColumn(format="localized") for name in money}
    show_table(
        table.rename(columns=headers), t("report.sheet_actions", language), f"{KEY}-actions", filters, config
    )


def main() -> None:
    require_role(PERMISSION)
    page_header("report.title", "report.caption")
    filters = current_filters()
    if filters.start is None or filters.end is None:
        empty_state("report.no_period")
        return
    language = lang()
    st.markdown(tr("report.contents", top=report.TOP_CUSTOMERS, actions=report.ACTIONS))
    downloads(filters, language)
    preview_figures(filters, language)
    preview_actions(filters, language)


main()
