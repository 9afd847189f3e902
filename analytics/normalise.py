"""From a supervisor's export to the data contract: header names, enum words, dates, numbers.

Everything works on whole columns (pyarrow arrays of text). The common spellings are
parsed by vectorised kernels; odd values (2025年6月1日, ¥1,200, Excel serial numbers …)
fall back to small Python parsers that run once per *distinct* value, so a million rows
with a few hundred distinct dates cost a few hundred Python calls."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analytics.domain import TABLE_ORDER as TABLE_ORDER  # the order files are imported in

# ------------------------------------------------------------------ the contract


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text, id, number, int, date, datetime, bool, enum, month
    aliases: tuple[str, ...] = ()
    required: bool = False


CONTRACT: dict[str, tuple[Field, ...]] = {
    "managers": (
        Field("manager_id", "id", ("客户经理编码", "客户经理工号", "工号", "经理编号"), True),
        Field("manager_name", "text", ("客户经理", "客户经理姓名", "姓名")),
        Field("team", "text", ("班组", "团队", "片区", "营销部")),
        Field("region", "text", ("区域", "县区", "市场部")),
        Field("active", "bool", ("在岗", "是否在岗")),
    ),
    "customers": (
        Field("customer_id", "id", ("客户编码", "客户编号", "零售户编码", "许可证号"), True),
        Field("customer_name", "text", ("客户名称", "店铺名称", "零售户名称")),
        Field("manager_id", "id", ("客户经理编码", "工号", "客户经理工号")),
        Field("region", "text", ("区域", "县区")),
        Field("market_type", "enum", ("市场类型",)),
        Field("retail_format", "enum", ("零售业态", "业态")),
        Field("tier", "int", ("档位",)),
        Field("modern_terminal", "enum", ("现代终端",)),
        Field("customer_class", "enum", ("客户类别", "客户分类")),
        Field("violation_date", "date", ("最近违规日期", "违规日期")),
        Field("low_income", "bool", ("低保",)),
        Field("disabled", "bool", ("残疾",)),
        Field("open_date", "date", ("建档日期", "开户日期")),
        Field("status", "enum", ("状态", "经营状态")),
    ),
    "visits": (
        Field("visit_id", "id", ("拜访编号", "拜访单号")),
        Field("customer_id", "id", ("客户编码", "客户编号", "零售户编码"), True),
        Field("manager_id", "id", ("客户经理编码", "客户经理工号", "工号"), True),
        Field("visit_date", "datetime", ("拜访日期", "拜访时间"), True),
        Field("duration_min", "number", ("拜访时长", "拜访时长(分钟)")),
        Field("method", "enum", ("拜访方式",)),
        Field("appointment_date", "datetime", ("预约日期", "预约时间")),
        Field("notes", "text", ("备注", "拜访记录")),
    ),
    "orders": (
        Field("order_id", "id", ("订单编号", "订单号")),
        Field("customer_id", "id", ("客户编码", "客户编号", "零售户编码"), True),
        Field("order_date", "date", ("订货日期", "订单日期", "日期"), True),
        Field("product", "text", ("卷烟名称", "品规", "商品名称", "品牌")),
        Field("quantity", "number", ("数量", "订购量", "订货量(条)", "订货量")),
        Field("amount", "number", ("金额", "订货金额", "金额(元)"), True),
        Field("cost", "number", ("成本", "成本金额")),
    ),
    "targets": (
        Field("manager_id", "id", ("客户经理编码", "客户经理工号", "工号"), True),
        Field("month", "month", ("月份",), True),
        Field("sales_target", "number", ("销售目标", "目标金额"), True),
    ),
    "stock_checks": (
        Field("customer_id", "id", ("客户编码", "客户编号", "零售户编码"), True),
        Field("check_date", "date", ("盘点日期", "检查日期", "盘点时间"), True),
        Field("product", "text", ("卷烟名称", "品规", "商品名称", "品牌"), True),
        Field("stock_qty", "number", ("库存量(条)", "库存量", "库存", "库存(条)"), True),
    ),
    "complaints": (
        Field("complaint_id", "id", ("投诉编号", "投诉单号"), True),
        Field("customer_id", "id", ("客户编码", "客户编号", "零售户编码"), True),
        Field("received_at", "datetime", ("受理时间", "受理日期", "投诉时间"), True),
        Field("first_contact_at", "datetime", ("首次联系时间", "联系时间")),
        Field("replied_at", "datetime", ("答复时间", "回复时间", "办结时间")),
        Field("category", "text", ("投诉类别", "投诉类型")),
        Field("note", "text", ("备注", "投诉内容")),
    ),
    "receivables": (
        Field("invoice_id", "id", ("单据编号", "发票号", "发票号码", "单据号"), True),
        Field("customer_id", "id", ("客户编码", "客户编号", "零售户编码"), True),
        Field("invoice_date", "date", ("开票日期", "单据日期"), True),
        Field("due_date", "date", ("到期日", "到期日期", "应收日期"), True),
        Field("amount", "number", ("应收金额", "金额", "金额(元)"), True),
        Field("paid_amount", "number", ("已收金额", "回款金额", "实收金额")),
        Field("paid_date", "date", ("回款日期", "收款日期")),
    ),
}

# Enum codes and the words supervisors' systems use for them (the English labels the
# dashboard shows are accepted too, so an exported table imports back).
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "market_type": {"city": ("城市", "City"), "town": ("城镇", "Town"), "rural": ("乡村", "农村", "Rural")},
    "retail_format": {
        "mall": ("商场", "Mall"),
        "supermarket": ("超市", "Supermarket"),
        "tobacco_liquor": ("烟酒店", "Tobacco & liquor", "烟酒"),
        "convenience": ("便利店", "Convenience store"),
        "grocery": ("食杂店", "食杂", "Grocery"),
        "other": ("其他", "其它", "Other"),
    },
    "modern_terminal": {
        "built": ("已建成", "已建"),
        "building": ("正在建设", "建设中", "在建"),
        "potential": ("有潜力", "具有现代终端潜力", "潜力"),
        "none": ("未建设", "无", "未建"),
    },
    "customer_class": {
        "core": ("核心", "核心客户"),
        "potential": ("潜力", "潜力客户"),
        "regular": ("常规", "常规客户"),
        "assist": ("帮扶", "帮扶客户"),
    },
    "method": {
        "onsite": ("实地", "实地拜访", "On site", "现场", "上门"),
        "online": ("网络", "网络拜访", "线上", "Online", "微信"),
        "phone": ("电话", "电话拜访", "Phone"),
    },
    "status": {
        "active": ("正常", "营业", "在营", "正常营业", "Open"),
        "closed": ("停业", "注销", "歇业", "关闭", "Closed"),
    },
}

TRUE_WORDS = ("是", "y", "yes", "1", "true", "t", "对", "√", "✓", "有", "在岗")
FALSE_WORDS = ("否", "n", "no", "0", "false", "f", "错", "×", "✗", "无", "不在岗", "离岗")

DDL_TYPES = {
    "text": "VARCHAR",
    "id": "VARCHAR",
    "enum": "VARCHAR",
    "month": "VARCHAR",
    "number": "DOUBLE",
    "int": "INTEGER",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "bool": "BOOLEAN",
}
ARROW_TYPES = {
    "text": pa.string(),
    "id": pa.string(),
    "enum": pa.string(),
    "month": pa.string(),
    "number": pa.float64(),
    "int": pa.int32(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us"),
    "bool": pa.bool_(),
}

# ------------------------------------------------------------------ headers

_NOT_WORD = re.compile(r"[\W_]+")
_BRACKETED = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")


def word_key(text: str) -> str:
    """Compare words ignoring case, spaces, brackets and full-width forms: 金额（元） == 金额(元)."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", str(text)).lower())


def _header_keys(text: str) -> list[str]:
    """The header as written, then without any bracketed unit: 订货量（条） -> 订货量条, 订货量."""
    plain = unicodedata.normalize("NFKC", str(text))
    keys = [word_key(plain)]
    stripped = word_key(_BRACKETED.sub("", plain))
    if stripped and stripped not in keys:
        keys.append(stripped)
    return keys


def _alias_index(table: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for field in CONTRACT[table]:
        for word in (field.name, *field.aliases):
            index.setdefault(word_key(word), field.name)
    return index


def map_headers(headers: list[str], table: str) -> list[str | None]:
    """For each header, the contract column it names (None = ignored). A column is mapped once."""
    index = _alias_index(table)
    mapping: list[str | None] = []
    used: set[str] = set()
    for header in headers:
        found = next((index[k] for k in _header_keys(header) if k in index), None)
        if found in used:
            found = None
        if found:
            used.add(found)
        mapping.append(found)
    return mapping


def required_fields(table: str) -> list[str]:
    return [f.name for f in CONTRACT[table] if f.required]


def missing_required(mapping: list[str | None], table: str) -> list[str]:
    return [name for name in required_fields(table) if name not in mapping]


def detect_table(headers: list[str]) -> tuple[str | None, list[str | None]]:
    """The table whose required columns all appear in the headers, with the most columns matched.

    Returns (None, []) when no table fits."""
    best: tuple[tuple[int, int, int], str] | None = None
    for order, table in enumerate(TABLE_ORDER):
        mapping = map_headers(headers, table)
        if missing_required(mapping, table):
            continue
        # More columns matched wins; on a tie the table with more required columns.
        score = (sum(1 for m in mapping if m), len(required_fields(table)), -order)
        if best is None or score > best[0]:
            best = (score, table)
    if best is None:
        return None, []
    chosen = best[1]
    return chosen, map_headers(headers, chosen)


# ------------------------------------------------------------------ scalar parsers (fallback)

_DATE_RE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
    r"(?:\s*[T\s]\s*(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?"
)
_MONTH_RE = re.compile(r"(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*月?")
_EXCEL_EPOCH = datetime(1899, 12, 30)


def parse_datetime(text: str) -> datetime | None:
    """2025-06-01, 2025/6/1, 2025.6.1, 20250601, 2025年6月1日, Excel serials; time optional."""
    value = unicodedata.normalize("NFKC", text).strip()
    if re.fullmatch(r"\d{8}", value):
        value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    elif re.fullmatch(r"\d{1,5}(\.\d+)?", value):
        serial = float(value)
        if not 1 <= serial < 2958466:
            return None
        moment = _EXCEL_EPOCH + timedelta(days=serial)
        return (
            moment.replace(microsecond=0)
            if moment.microsecond < 500_000
            else moment.replace(microsecond=0) + timedelta(seconds=1)
        )
    match = _DATE_RE.fullmatch(value)
    if not match:
        return None
    parts = [int(p) if p else 0 for p in match.groups()]
    try:
        return datetime(*parts)
    except ValueError:
        return None


def parse_month(text: str) -> str | None:
    """2025-06, 2025/6, 202506, 2025年6月 or any date -> '2025-06'."""
    value = unicodedata.normalize("NFKC", text).strip()
    match = _MONTH_RE.fullmatch(value)
    if match and not re.fullmatch(r"\d{5}|\d{1,4}", value):
        year, month = int(match.group(1)), int(match.group(2))
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None
    moment = parse_datetime(value)
    return f"{moment.year:04d}-{moment.month:02d}" if moment else None


# The forms an export really writes: an optional currency before, an optional unit after, and a
# number whose thousands (if grouped) are separated by commas, in threes. Not "1 2 3", not "1_000"
# (Python's float would read both as a number).
_NUMBER_UNIT = re.compile(r"^(?:[¥$]|RMB|CNY)\s*|\s*(?:元|档|条|RMB|CNY)$", re.IGNORECASE)
_NUMBER_FORM = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def parse_number(text: str) -> float | None:
    """1,234.50 / ¥1200 / ￥1200元 / full-width digits; None when it is not a finite number in one
    of those forms."""
    value = unicodedata.normalize("NFKC", text).strip()
    value = _NUMBER_UNIT.sub("", _NUMBER_UNIT.sub("", value, count=1), count=1)
    if not _NUMBER_FORM.fullmatch(value):
        return None
    number = float(value.replace(",", ""))
    return number if np.isfinite(number) else None


def enum_lookup(field: str) -> dict[str, str]:
    words = {}
    for code, spellings in ENUMS[field].items():
        for word in (code, *spellings):
            words[word_key(word)] = code
    return words


_BOOLS = {**{word_key(w): True for w in TRUE_WORDS}, **{word_key(w): False for w in FALSE_WORDS}}


def parse_bool(text: str) -> bool | None:
    return _BOOLS.get(word_key(text))


# ------------------------------------------------------------------ column kernels

_NUMBER_FAST = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_DATE_FAST = r"^\d{4}-\d{2}-\d{2}$"
_DATETIME_FAST = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"


def clean_text(column: pa.Array) -> pa.Array:
    """Trimmed text, empty -> null, and an export's formula guard (one leading ' before quotes
    and a sign) removed."""
    text = pc.utf8_trim_whitespace(column.cast(pa.string()))
    if pc.any(pc.starts_with(text, "'")).as_py():
        text = pc.replace_substring_regex(text, r"^'('*[=+\-@])", r"\1")
    empty = pc.equal(pc.binary_length(text), 0)
    if pc.any(empty).as_py():
        text = pc.if_else(empty, pa.scalar(None, pa.string()), text)
    return text


def _by_distinct(values: pa.Array, parse: Callable[[str], object], out_type: pa.DataType) -> pa.Array:
    """Run a Python parser once per distinct value and spread the results back."""
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    parsed = pa.array([parse(v) for v in encoded.dictionary.to_pylist()], type=out_type)
    return parsed.take(encoded.indices)


_CAST_FAILED = (pa.ArrowInvalid, pa.ArrowNotImplementedError, OverflowError)


def _whole_column_cast(text: pa.Array, out_type: pa.DataType) -> pa.Array | None:
    """The column cast in one go when every value is in the plain form (the usual export), else None.

    Arrow's casts accept only plain forms (2025-06-01; 1234.5, 1e3, inf, nan) and give the value
    the fallback parsers would give, so the result is the same as the per-value path, minus the
    pattern matching."""
    try:
        return pc.cast(text, out_type)
    except _CAST_FAILED:
        return None


def _fast_then_fallback(
    text: pa.Array,
    fast_pattern: str | None,
    fast_cast: Callable[[pa.Array], pa.Array],
    parse: Callable[[str], object],
    out_type: pa.DataType,
) -> pa.Array:
    """Cast values matching `fast_pattern` directly; parse the others by distinct value."""
    if fast_pattern is None:
        return _by_distinct(text, parse, out_type)
    fast = pc.fill_null(pc.match_substring_regex(text, fast_pattern), False)
    try:
        result = fast_cast(pc.if_else(fast, text, pa.scalar(None, pa.string())))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # e.g. 2025-02-30 looks right but is not
        return _by_distinct(text, parse, out_type)
    slow = pc.and_(pc.invert(fast), pc.is_valid(text))
    if pc.any(slow).as_py():
        parsed = _by_distinct(pc.filter(text, slow), parse, out_type)
        result = pc.replace_with_mask(result, slow, parsed)
    return result


def _to_dates(text: pa.Array, kind: str) -> pa.Array:
    if kind == "date":
        plain = _whole_column_cast(text, pa.date32())
        if plain is not None:
            return plain
    target = pa.timestamp("us")

    def fast(values: pa.Array) -> pa.Array:
        return pc.cast(values, target)

    def slow(value: str) -> datetime | None:
        return parse_datetime(value)

    moments = _fast_then_fallback(
        text,
        f"({_DATE_FAST})|({_DATETIME_FAST})",
        lambda v: fast(pc.replace_substring(v, "T", " ")),
        slow,
        target,
    )
    return pc.cast(moments, pa.date32()) if kind == "date" else moments


_PLAIN_TYPES = {"number": pa.float64(), "int": pa.float64(), "date": pa.date32()}


def _finish_number(values: pa.Array, kind: str) -> pa.Array:
    """Numbers beyond 1e15 (or not finite) as null, -0 as 0; for int, whole numbers only."""
    finite = pc.less(pc.abs(values), 1e15)
    values = pc.add(pc.if_else(finite, values, pa.scalar(None, pa.float64())), 0.0)  # -0 is 0
    if kind == "int":
        whole = pc.and_(pc.equal(values, pc.floor(values)), pc.less(pc.abs(values), 1e9))
        values = pc.cast(pc.if_else(whole, values, pa.scalar(None, pa.float64())), pa.int32(), safe=False)
    return values


def parse_column(raw: pa.Array, field: Field) -> tuple[pa.Array, pa.Array]:
    """(typed values, text as written) for one column; a value that could not be parsed is null
    in the first array but not in the second."""
    kind = field.kind
    # The usual export: every number or date already in its plain form, so the column casts as it
    # is (a blank, padded or guarded value makes the cast fail) and needs no cleaning first.
    plain = _whole_column_cast(raw, _PLAIN_TYPES[kind]) if kind in _PLAIN_TYPES else None
    if plain is not None:
        return _finish_number(plain, kind) if kind != "date" else plain, raw
    text = clean_text(raw)
    if kind == "text":
        return text, text
    if kind == "id":
        ascii_only = pc.all(pc.string_is_ascii(text)).as_py() is not False  # NFKC leaves ASCII as it is
        return (text if ascii_only else pc.utf8_normalize(text, form="NFKC")), text
    if kind in ("number", "int"):
        values = _whole_column_cast(text, pa.float64())
        if values is None:
            values = _fast_then_fallback(
                text, _NUMBER_FAST, lambda v: pc.cast(v, pa.float64()), parse_number, pa.float64()
            )
        return _finish_number(values, kind), text
    if kind in ("date", "datetime"):
        return _to_dates(text, kind), text
    if kind == "month":
        return _by_distinct(text, parse_month, pa.string()), text
    if kind == "bool":
        return _by_distinct(text, parse_bool, pa.bool_()), text
    if kind == "enum":
        lookup = enum_lookup(field.name)
        return _by_distinct(text, lambda v: lookup.get(word_key(v)), pa.string()), text
    raise ValueError(f"unknown field kind {kind}")


def to_numpy_mask(mask: pa.Array) -> np.ndarray:
    return pc.fill_null(mask, False).to_numpy(zero_copy_only=False).astype(bool)
