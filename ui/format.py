"""How a person reads every value: numbers, money, percentages, dates, labels, "name (id)".

One place for the formats, in the current language (Babel's locale data: 1,951.2万 and 1.23亿 in
Chinese, 19.5M in English). Labels of codes are translated once per distinct value, never per
row. Functions take ``lang`` explicitly where they may run outside a page's script (format_func
callbacks); otherwise they read the page's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pandas as pd
from babel.numbers import format_compact_decimal, format_decimal, format_percent

from analytics.i18n import t

LOCALES = {"zh": "zh_CN", "en": "en_US"}
MISSING = "—"


def _lang(lang: str | None) -> str:
    if lang:
        return lang
    from ui.common import lang as current

    return current()


def _locale(lang: str | None) -> str:
    return LOCALES.get(_lang(lang), "en_US")


def is_missing(value: Any) -> bool:
    """None, NaN, NaT and pandas' NA alike."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value: Any, digits: int = 0, lang: str | None = None) -> str:
    """A number with the locale's separators and `digits` decimals: 278,310."""
    if is_missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale(lang))


def money(value: Any, lang: str | None = None) -> str:
    """An amount in whole currency units with separators."""
    return number(value, 0, lang)


def percent(ratio: Any, digits: int = 1, lang: str | None = None) -> str:
    """A fraction as a percentage with `digits` decimals: 0.01426 -> 1.4%."""
    if is_missing(ratio):
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(ratio, format=pattern, locale=_locale(lang))


def points(delta: Any, digits: int = 1, lang: str | None = None) -> str:
    """A change of a percentage, in percentage points, signed: +0.7 pp / +0.7个百分点."""
    if is_missing(delta):
        return MISSING
    text = number(abs(delta) * 100, digits, lang)
    sign = "+" if delta >= 0 else "−"
    return t("common.points", _lang(lang), value=f"{sign}{text}")


def short_number(value: Any, lang: str | None = None) -> str:
    """A large figure that fits a tile or an axis: 1,951.2万 / 1.23亿 in Chinese, 19.5M in English."""
    if is_missing(value):
        return MISSING
    if abs(value) < 1e5:
        return number(value, 0, lang)
    digits = 2 if abs(value) >= (1e8 if _lang(lang) == "zh" else 1e9) else 1
    return format_compact_decimal(value, fraction_digits=digits, locale=_locale(lang))


def day(value: Any) -> str:
    """A date without its time: 2026-11-30."""
    if is_missing(value):
        return MISSING
    if isinstance(value, datetime | pd.Timestamp):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def name_with_id(name: Any, code: Any) -> str:
    """ "name (id)", or the id alone when the name is missing or the same."""
    if is_missing(code):
        return MISSING
    if is_missing(name) or str(name) == str(code) or not str(name):
        return str(code)
    return f"{name} ({code})"


def label(kind: str, code: Any, lang: str | None = None) -> str:
    """Label of an enum code, e.g. label("class", "core") -> "核心客户"; unknown codes as they are."""
    language = _lang(lang)
    if is_missing(code):
        return t("common.class_unknown", language) if kind == "class" else ""
    try:
        return t(f"common.{kind}_{code}", language)
    except KeyError:
        return str(code)


def labels(series: pd.Series, kind: str, lang: str | None = None) -> pd.Series:
    """Labels of a column of codes, translated once per distinct value."""
    language = _lang(lang)
    distinct = pd.unique(series.dropna())
    mapping = {code: label(kind, code, language) for code in distinct}
    missing = label(kind, None, language)
    return series.map(mapping).astype(object).where(series.notna(), missing)


def labeler(kind: str, lang: str | None = None) -> Callable[[Any], str]:
    """A format_func for widgets over codes of `kind`, bound to today's language."""
    language = _lang(lang)
    return lambda code: label(kind, code, language)
