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
from babel.numbers import format_decimal, format_percent

from analytics.i18n import t

LOCALES = {"zh": "zh_CN", "en": "en_US"}
MISSING = "—"

# The kinds of value a table column holds, and how each is shown on screen, in a CSV and in Excel.
# FINE is a small figure read to two decimals (a Gini coefficient, 0.56).
COUNT, MONEY, NUMBER, FINE, PERCENT = "count", "money", "number", "fine", "percent"
DATE, MOMENT, TEXT = "date", "moment", "text"  # a moment is a date with its time
DECIMALS = {COUNT: 0, MONEY: 0, NUMBER: 1, FINE: 2, PERCENT: 1}  # decimals a person reads
EXCEL_FORMATS = {
    COUNT: "#,##0",
    MONEY: "#,##0",
    NUMBER: "#,##0.0",
    FINE: "0.00",
    PERCENT: "0.0%",
    DATE: "yyyy-mm-dd",
    MOMENT: "yyyy-mm-dd hh:mm",
}


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
    """A large figure that fits a tile: 1,951.2万 / 1.23亿 in Chinese, 19.5M / 278.3K in English;
    below 100,000 the whole number with separators."""
    if is_missing(value):
        return MISSING
    size = abs(value)
    if size < 1e5:
        return number(value, 0, lang)
    if _lang(lang) == "zh":
        limit, suffix, digits = (1e8, "亿", 2) if size >= 1e8 else (1e4, "万", 1)
    else:
        limit, suffix, digits = next(
            (limit, suffix, digits)
            for limit, suffix, digits in ((1e9, "B", 2), (1e6, "M", 1), (1e3, "K", 1))
            if size >= limit
        )
    return number(value / limit, digits, lang) + suffix


def signed_percent(ratio: Any, digits: int = 1, lang: str | None = None) -> str:
    """A relative change with its sign: +10.4% / -7.0% (an ASCII minus, which st.metric reads)."""
    if is_missing(ratio):
        return MISSING
    return ("+" if ratio >= 0 else "-") + percent(abs(ratio), digits, lang)


def signed_points(delta: Any, digits: int = 1, lang: str | None = None) -> str:
    """A change of a percentage for st.metric's delta: +0.7 pp / +0.7个百分点 with an ASCII sign."""
    if is_missing(delta):
        return MISSING
    return points(delta, digits, lang).replace("−", "-")


def value(value: Any, kind: str, lang: str | None = None) -> str:
    """A value of a table column's `kind` as text (see DECIMALS)."""
    if is_missing(value):
        return MISSING
    if kind == PERCENT:
        return percent(value, DECIMALS[PERCENT], lang)
    if kind in DECIMALS:
        return number(value, DECIMALS[kind], lang)
    if kind == DATE:
        return day(value)
    if kind == MOMENT:
        return moment(value)
    return str(value)


def axis_ticks(low: float, high: float, lang: str | None = None, count: int = 5) -> tuple[list, list]:
    """Round tick values from `low` to `high` and their labels in compact units (1,000万 / 1亿 in
    Chinese, 10M in English): what a number axis shows."""
    low, high = min(low, 0.0), max(high, 0.0)
    span = high - low
    if not span or span != span:
        return [], []
    raw = span / count
    magnitude = 10 ** int(f"{raw:e}".split("e")[1])
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = int(low // step)
    ticks = [step * i for i in range(first, int(-(-high // step)) + 1)]
    return ticks, [axis_number(v, lang) for v in ticks]


def axis_number(value: float, lang: str | None = None) -> str:
    """A tick label: up to two significant decimals in compact units, no trailing zeros."""
    if value == 0:
        return "0"
    language = _lang(lang)
    size = abs(value)
    units = ((1e8, "亿"), (1e4, "万")) if language == "zh" else ((1e9, "B"), (1e6, "M"), (1e3, "K"))
    for limit, suffix in units:
        if size >= limit:
            text = format_decimal(value / limit, format="#,##0.##", locale=_locale(lang))
            return text + suffix
    return format_decimal(value, format="#,##0.##", locale=_locale(lang))


def day(value: Any) -> str:
    """A date without its time: 2026-11-30."""
    if is_missing(value):
        return MISSING
    if isinstance(value, datetime | pd.Timestamp):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def moment(value: Any) -> str:
    """A date and time to the minute: 2026-11-30 14:05 (a date alone when it has no time)."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str):
        try:
            value = pd.Timestamp(value)
        except ValueError:
            return value
    if isinstance(value, datetime | pd.Timestamp):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    return day(value)


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


def code_lists(series: pd.Series, prefix: str, lang: str | None = None, sep: str = ";") -> pd.Series:
    """Columns of code lists ("cadence;decline_yoy") as their labels ("拜访间隔过长、同比下滑"),
    each message key `prefix + code`; translated once per distinct list, unknown codes as they are."""
    language = _lang(lang)
    joiner = "、" if language == "zh" else ", "

    def one(code: str) -> str:
        try:
            return t(prefix + code, language)
        except KeyError:
            return code

    mapping = {
        text: joiner.join(one(code.strip()) for code in str(text).split(sep) if code.strip())
        for text in pd.unique(series.dropna())
    }
    return series.map(mapping).astype(object).where(series.notna(), "")
