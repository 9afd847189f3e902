"""How the Import page names tables, fields and problems: field names as the supervisor's files
head them (the Chinese header in Chinese), problems in the page's language."""

from __future__ import annotations

from analytics import importer
from analytics.normalise import CONTRACT
from ui.common import lang, tr


def table_label(table: str | None) -> str:
    return tr(f"importer.table_{table}") if table else tr("importer.table_unknown")


def field_label(name: str, table: str | None = None) -> str:
    """A field as the supervisor's files head it: its Chinese header in Chinese (order_id ->
    订单编号, as in the Chinese template), its name in English."""
    if lang() != "zh":
        return name
    for fields in [CONTRACT[table]] if table in CONTRACT else CONTRACT.values():
        for field in fields:
            if field.name == name and field.aliases:
                return field.aliases[0]
    return name


def problem_text(exc: Exception, table: str | None = None) -> str:
    if isinstance(exc, importer.ImportProblem):
        if exc.code == "missing_columns" and lang() == "zh":
            names = str(exc.params.get("columns", "")).split(", ")
            problem = importer.ImportProblem(
                exc.code, **{**exc.params, "columns": "、".join(field_label(n, table) for n in names)}
            )
            return problem.message(lang())
        return exc.message(lang())
    return tr("common.error_page", error=f"{type(exc).__name__}: {exc}")
