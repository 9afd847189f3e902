"""The meeting report as a PDF (A4), with fpdf2.

fpdf2 embeds a subset of an OpenType font with CFF outlines, such as Debian's Noto Sans CJK, which
ReportLab cannot (it takes TrueType outlines only); the file then shows Chinese on any reader."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from fpdf import FPDF, FontFace
from fpdf.enums import Align, TableBordersLayout, WrapMode

from analytics.i18n import t
from analytics.report import TOP_CUSTOMERS, MeetingReport
from ui import report_charts, report_tables
from ui.report_tables import Column

# The simplified-Chinese face of Noto Sans CJK's collection (0 JP, 1 KR, 2 SC, 3 TC, 4 HK).
SC_FACE = 2
FONT = "report"
INK, MUTED, LINE, HEAD = (36, 41, 47), (101, 109, 118), (208, 215, 222), (240, 243, 246)
# Relative column widths of the tables.
WIDTHS = {
    "rank": 6,
    "customer_id": 13,
    "customer_name": 21,
    "manager_name": 10,
    "customer_class": 10,
    "sales": 12,
    "share": 8,
    "expected_loss": 12,
    "revenue_at_risk": 12,
    "days_since_last_order": 9,
    "rules": 30,
    "followup_status": 9,
    "team": 10,
    "customers": 10,
    "visits": 8,
    "coverage": 10,
    "growth_yoy": 10,
    "target_attainment": 11,
    "at_risk_customers": 9,
    "score": 8,
    "status": 8,
}


class NoFont(RuntimeError):
    """No CJK font on this machine: the PDF cannot be made (the workbook still can)."""


class _Document(FPDF):
    def __init__(self, lang: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.lang = lang
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(14, 14, 14)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, size=7)
        self.set_text_color(*MUTED)
        text = t("report.page_of", self.lang, page=self.page_no(), pages="{nb}")
        self.cell(0, 5, text, align=Align.C)


def _fonts(pdf: FPDF) -> None:
    regular = report_charts.cjk_font()
    if regular is None:
        raise NoFont("no CJK font found")
    bold = regular.with_name(regular.name.replace("Regular", "Bold"))
    pdf.add_font(FONT, "", str(regular), collection_font_number=SC_FACE)
    pdf.add_font(FONT, "B", str(bold if bold.is_file() else regular), collection_font_number=SC_FACE)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, "B", 11)
    pdf.set_text_color(*INK)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*LINE)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(1.5)


def _note(pdf: FPDF, text: str) -> None:
    pdf.set_font(FONT, size=8)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 4.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)


def _table(pdf: FPDF, frame: pd.DataFrame, columns: list[Column], lang: str) -> None:
    """A table with a grey header row repeated on each page; numbers right-aligned; columns
    empty in every row left out."""
    columns = report_tables.shown_columns(frame, columns)
    widths = tuple(WIDTHS.get(c.name, 10) for c in columns)
    pdf.set_font(FONT, size=7)
    pdf.set_draw_color(*LINE)
    aligns = ["RIGHT" if c.kind in report_tables.NUMBER_KINDS else "LEFT" for c in columns]
    with pdf.table(
        col_widths=widths,
        text_align=aligns,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        headings_style=FontFace(family=FONT, emphasis="BOLD", fill_color=HEAD),
        line_height=4.2,
        padding=(0.8, 1.0),
        wrapmode=WrapMode.CHAR if lang == "zh" else WrapMode.WORD,
        width=pdf.epw,
    ) as table:
        table.row(report_tables.headers(columns, lang))
        for raw in report_tables.rows(frame, columns, lang):
            table.row([report_tables.text(v, c.kind, lang) for v, c in zip(raw, columns, strict=True)])


def _tiles(pdf: FPDF, report: MeetingReport, lang: str) -> None:
    """The KPI tiles as boxes: label, this period, previous period and change."""
    tiles = report_tables.tile_rows(report.tiles, lang)
    gap, top = 2.5, pdf.get_y()
    width = (pdf.epw - gap * (len(tiles) - 1)) / len(tiles)
    previous, change = t("report.col_previous", lang), t("report.col_change", lang)
    for index, (label, current, before, delta) in enumerate(tiles):
        x = pdf.l_margin + index * (width + gap)
        pdf.set_draw_color(*LINE)
        pdf.rect(x, top, width, 22)
        pdf.set_xy(x + 2, top + 1.5)
        pdf.set_font(FONT, size=7)
        pdf.set_text_color(*MUTED)
        pdf.cell(width - 4, 4, label)
        pdf.set_xy(x + 2, top + 6)
        pdf.set_font(FONT, "B", 13)
        pdf.set_text_color(*INK)
        pdf.cell(width - 4, 7, current)
        pdf.set_font(FONT, size=6.5)
        pdf.set_text_color(*MUTED)
        pdf.set_xy(x + 2, top + 13.5)
        pdf.cell(width - 4, 3.5, f"{previous} {before}")
        pdf.set_xy(x + 2, top + 17)
        pdf.cell(width - 4, 3.5, f"{change} {delta}")
    pdf.set_text_color(*INK)
    pdf.set_xy(pdf.l_margin, top + 24)


def _pareto(pdf: FPDF, report: MeetingReport, lang: str) -> None:
    """The 80/20 curve on the left, its figures on the right (label, then value on one line)."""
    top = pdf.get_y()
    image_width = pdf.epw * 0.42
    pdf.image(report_charts.pareto_curve(report.curve, lang), x=pdf.l_margin, y=top, w=image_width)
    height = image_width * 2.6 / 3.6
    x, width = pdf.l_margin + image_width + 6, pdf.epw - image_width - 6
    pdf.set_y(top + 6)
    for label, value in report_tables.pareto_rows(report, lang):
        pdf.set_x(x)
        pdf.set_font(FONT, size=8.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(width * 0.62, 8, label)
        pdf.set_font(FONT, "B", 11)
        pdf.set_text_color(*INK)
        pdf.cell(width * 0.38, 8, value, align=Align.R, new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(*LINE)
        pdf.line(x, pdf.get_y(), x + width, pdf.get_y())
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), top + height) + 1)


def _title(pdf: FPDF, report: MeetingReport, lang: str, today: date) -> None:
    pdf.set_font(FONT, "B", 17)
    pdf.set_text_color(*INK)
    pdf.cell(
        0, 10, f"{t('common.app_title', lang)} · {t('report.title', lang)}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(FONT, size=9)
    pdf.cell(0, 5.5, report_tables.scope_line(report, lang), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5.5, report_tables.period_line(report, lang), new_x="LMARGIN", new_y="NEXT")
    _note(pdf, report_tables.generated_line(today, lang))


def pdf_bytes(report: MeetingReport, lang: str, today: date | None = None) -> bytes:
    """The report as a PDF in `lang`. Raises NoFont without a CJK font on the machine."""
    pdf = _Document(lang)
    _fonts(pdf)
    pdf.add_page()
    _title(pdf, report, lang, today or date.today())
    if not report.has_data:
        _note(pdf, t("report.no_data", lang))
    _heading(pdf, t("report.section_kpis", lang))
    _tiles(pdf, report, lang)
    _heading(pdf, t("report.section_trend", lang))
    pdf.image(report_charts.sales_trend(report.monthly, lang), x=pdf.l_margin, w=pdf.epw)
    _heading(pdf, t("report.section_pareto", lang))
    _pareto(pdf, report, lang)
    _heading(pdf, t("report.section_top", lang, top=TOP_CUSTOMERS))
    if report.top_customers.empty:
        _note(pdf, t("report.no_buyers", lang))
    else:
        _table(pdf, report.top_customers, report_tables.TOP, lang)
    pdf.add_page()
    _heading(pdf, t("report.section_actions", lang))
    _note(pdf, report_tables.actions_note(report, lang))
    if not report.actions.empty:
        _table(pdf, report.actions, report_tables.ACTIONS, lang)
    if pdf.get_y() > pdf.h * 0.6:  # the scorecard starts on a page of its own rather than at the foot
        pdf.add_page()
    _heading(pdf, t("report.section_scorecard", lang))
    _table(pdf, report.scorecard, report_tables.SCORECARD, lang)
    return bytes(pdf.output())


def write_pdf(report: MeetingReport, lang: str, path: Path) -> Path:
    path.write_bytes(pdf_bytes(report, lang))
    return path
