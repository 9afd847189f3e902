"""What to do next about one customer, in words: the Customer page's suggested actions.

Built from what the other parts found for the customer (an open loss warning and its reasons,
the next visit due, the class check, product-mix suggestions and inventory guidance), most
pressing first. Nothing is computed here beyond choosing and wording."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from analytics.i18n import t


@dataclass(frozen=True)
class CustomerFindings:
    """What the Customer page found for one customer (None / empty: nothing found)."""

    warning_reasons: str | None = None  # the reasons of an open loss warning
    followup_status: str | None = None  # its current follow-up status (None: not followed up)
    due_date: date | None = None  # the next visit due
    days_overdue: int = 0
    assigned_class: str | None = None
    recommended_class: str | None = None
    products: tuple[str, ...] = ()  # product-mix suggestions, best first
    orders: tuple[tuple[str, float], ...] = ()  # (product, suggested order) from inventory guidance


def suggested_actions(found: CustomerFindings, lang: str) -> list[str]:
    """The actions, most pressing first; one line saying nothing is pressing when none applies."""
    actions = []
    if found.warning_reasons:
        key = "drill.action_warning" if not found.followup_status else "drill.action_warning_followed"
        status = t(f"warnings.status_{found.followup_status}", lang) if found.followup_status else ""
        actions.append(t(key, lang, reasons=found.warning_reasons, status=status))
    if found.due_date is not None and found.days_overdue > 0:
        actions.append(
            t("drill.action_visit_overdue", lang, days=found.days_overdue, due=found.due_date.isoformat())
        )
    if found.recommended_class and found.assigned_class != found.recommended_class:
        actions.append(
            t(
                "drill.action_class",
                lang,
                assigned=_class(found.assigned_class, lang),
                recommended=_class(found.recommended_class, lang),
            )
        )
    if found.products:
        separator = t("pareto.list_separator", lang)
        actions.append(t("drill.action_products", lang, products=separator.join(found.products)))
    orders = [(p, q) for p, q in found.orders if q and q > 0]
    if orders:
        separator = t("pareto.list_separator", lang)
        listed = separator.join(f"{p} × {q:,.0f}" for p, q in orders)
        actions.append(t("drill.action_orders", lang, orders=listed))
    return actions or [t("drill.action_none", lang)]


def _class(code: str | None, lang: str) -> str:
    return t(f"common.class_{code}", lang) if code else t("drill.class_empty", lang)
