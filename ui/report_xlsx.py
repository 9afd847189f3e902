"""The meeting report as a workbook: the same sections as the PDF, numbers kept as numbers with
Excel number formats (thousands, percent), translated headers and sheet names, the charts as
pictures on the first sheet."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import xlsxwriter

from analytics.i18n import t
from analytics.report import MeetingReport
from ui import report_charts, report_tables
from ui.report_tables import Column

NUMBER_FORMATS = {"money": "#,##0", "int": "#,##0", "percent": "0.0%", "score": "0.0", "decimal": "0.00"}
WIDE = {"customer_name": 26, "rules": 60, "customer_id": 16}


def _table(book: xlsxwriter.Workbook, sheet_name: str, frame: pd.DataFrame, columns: list, lang: str) -> None:
    """One sheet: a bold header row, frozen, and the rows with their number formats."""
    columns: list[Column] = report_tables.shown_columns(frame, columns)
    sheet = book.add_worksheet(sheet_name)
    header = book.add_format({"bold": True, "bg_color": "#F0F3F6", "text_wrap": True, "valign": "top"})
    formats = {kind: book.add_format({"num_format": code}) for kind, code in NUMBER_FORMATS.items()}
    for col, (column, title) in enumerate(zip(columns, report_tables.headers(columns, lang), strict=True)):
        sheet.write(0, col, title, header)
        sheet.set_column(col, col, WIDE.get(column.name, 13), formats.get(column.kind))
    for row, cells in enumerate(report_tables.rows(frame, columns, lang), start=1):
        for col, (cell, column) in enumerate(zip(cells, columns, strict=True)):
            if cell is None:
                sheet.write_blank(row, col, None)
            elif column.kind in report_tables.NUMBER_KINDS:
                sheet.write_number(row, col, cell, formats[column.kind])
            else:
                sheet.write_string(row, col, str(cell))
    sheet.freeze_panes(1, 0)


def _summary(book: xlsxwriter.Workbook, report: MeetingReport, lang: str, today: date) -> None:
    """Title, scope, period, the KPI figures (numbers), the 80/20 figures and the two charts."""
    sheet = book.add_worksheet(t("report.sheet_summary", lang))
    title = book.add_format({"bold": True, "font_size": 15})
    bold = book.add_format({"bold": True, "bg_color": "#F0F3F6"})
    money, share = book.add_format({"num_format": "#,##0"}), book.add_format({"num_format": "0.0%"})
    unit = t("common.points", lang, value="")
    points = book.add_format({"num_format": f'+0.0"{unit}";-0.0"{unit}";0.0"{unit}"'})
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 3, 16)
    sheet.write(0, 0, f"{t('common.app_title', lang)} · {t('report.title', lang)}", title)
    lines = [report_tables.scope_line(report, lang), report_tables.period_line(report, lang)]
    for row, line in enumerate([*lines, report_tables.generated_line(today, lang)], start=1):
        sheet.write(row, 0, line)
    row = 5
    for col, key in enumerate(
        ("report.col_figure", "report.col_value", "report.col_previous", "report.col_change")
    ):
        sheet.write(row, col, t(key, lang), bold)
    for tile in report.tiles:
        row += 1
        number = share if tile.is_share else money
        sheet.write(row, 0, t(f"overview.tile_{tile.name}", lang))
        for col, value in ((1, tile.value), (2, tile.previous)):
            sheet.write_number(row, col, value, number) if value is not None else sheet.write_blank(
                row, col, None
            )
        if tile.is_share and tile.share_change is not None:  # percentage points, as on the page
            sheet.write_number(row, 3, tile.share_change * 100, points)
        elif tile.change is not None:
            sheet.write_number(row, 3, tile.change, share)
    row += 2
    sheet.write(row, 0, t("report.section_pareto", lang), bold)
    for label, value in report_tables.pareto_rows(report, lang):
        row += 1
        sheet.write(row, 0, label)
        sheet.write(row, 1, value)
    options = {"x_scale": 0.5, "y_scale": 0.5, "object_position": 3}
    trend = io.BytesIO(report_charts.sales_trend(report.monthly, lang))
    sheet.insert_image(row + 2, 0, "trend.png", {**options, "image_data": trend})
    curve = io.BytesIO(report_charts.pareto_curve(report.curve, lang))
    sheet.insert_image(5, 5, "curve.png", {**options, "image_data": curve})


def xlsx_bytes(report: MeetingReport, lang: str, today: date | None = None) -> bytes:
    """The report as an .xlsx workbook in `lang`."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    _summary(book, report, lang, today or date.today())
    _table(book, t("report.sheet_top", lang), report.top_customers, report_tables.TOP, lang)
    _table(book, t("report.sheet_actions", lang), report.actions, report_tables.ACTIONS, lang)
    _table(book, t("report.sheet_scorecard", lang), report.scorecard, report_tables.SCORECARD, lang)
    book.close()
    return buffer.getvalue()
