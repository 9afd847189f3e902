"""A rendered DuckDB SQL file and its named values as one Spark SQL text, by SQLGlot.

SQLGlot translates the dialect (functions, casts, ``SEMI JOIN``, ``GROUP BY ALL``); three shapes it
does not carry over are rewritten on the parsed tree first:

- a named parameter (``$as_of``) becomes a typed literal of its value (a date a DATE, a float a
  DOUBLE — Spark would read ``0.8`` as a DECIMAL — a list an ARRAY);
- a query without FROM that unnests list parameters, ``unnest($a) AS x, unnest($b) AS y`` (DuckDB
  zips the lists; Spark allows one generator per query and none inside an expression), becomes
  a ``VALUES`` table of the zipped rows;
- a table function ``generate_series(a, b, step) AS g(x)`` becomes ``explode(sequence(a, b, step))``,
  ``LATERAL`` when it follows another relation (its bounds may name that relation's columns).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify

# Stand-ins for the generator in FROM, replaced in the text SQLGlot writes.
_LATERAL, _PLAIN = "__LATERAL_EXPLODE__", "__PLAIN_EXPLODE__"


class TranslationError(ValueError):
    """The text holds something SQLGlot cannot write in Spark's dialect."""


Columns = tuple[tuple[str, str, str], ...]


def to_spark(sql: str, values: Mapping[str, Any] | Sequence[Any] | None = None, columns: Columns = ()) -> str:
    """The Spark SQL text of the DuckDB text ``sql`` with ``values`` bound as literals (named
    ones for ``$name``, or a list for ``?`` in order). ``columns`` — (table, column, DuckDB type)
    of the store's tables — lets a date minus a date become a number of days, as in DuckDB."""
    tree = _prepared(sql, columns).copy()
    named = values if isinstance(values, Mapping) else {}
    positional = iter(values if values is not None and not isinstance(values, Mapping) else ())
    tree = tree.transform(lambda node: _literal_for(node, named, positional))
    for select in list(tree.find_all(exp.Select)):
        _zip_unnests(select)
    for table in list(tree.find_all(exp.Table)):
        _series_table(table)
    try:
        text = tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)
    except sqlglot.errors.UnsupportedError as error:
        raise TranslationError(str(error)) from error
    return text.replace(f"{_LATERAL}(", "LATERAL EXPLODE(").replace(f"{_PLAIN}(", "EXPLODE(")


@lru_cache(maxsize=512)
def _prepared(sql: str, columns: Columns) -> exp.Expression:
    """The parsed text with the rewrites that need no values (cached: parsing and typing a
    large query takes a tenth of a second)."""
    statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    if len(statements) != 1:
        raise TranslationError(f"expected one statement, found {len(statements)}")
    tree = statements[0]
    if columns:
        tree = _day_differences(tree, columns)
        tree = tree.transform(lambda node: _catalog_view(node, columns))
    for cte in tree.find_all(exp.CTE):
        cte.set("materialized", None)
    _unique_nested_ctes(tree)
    tree = tree.transform(_double_literal)
    for select in list(tree.find_all(exp.Select)):
        _inline_windows(select)
    return tree


def _double_literal(node: exp.Expression) -> exp.Expression:
    """A number written with a point (``7.0``) as a DOUBLE: DuckDB divides by such a DECIMAL in
    floating point, Spark in DECIMAL arithmetic rounded to 6 places (a share off by 1e-9)."""
    if isinstance(node, exp.Literal) and node.is_number and "." in node.this and "e" not in node.this.lower():
        return exp.cast(exp.Literal.string(node.this), "DOUBLE")
    return node


def _unique_nested_ctes(tree: exp.Expression) -> None:
    """A WITH inside a subquery or a CTE whose names an outer WITH also uses, renamed.

    SQLGlot's Spark text moves every CTE to the statement's one WITH, where two CTEs of one name
    are an error (DUPLICATED_CTE_NAMES); the inner one is renamed with the tables that read it."""
    names = [cte.alias_or_name for cte in tree.find_all(exp.CTE)]
    taken = set(names)
    for with_ in list(tree.find_all(exp.With)):
        owner = with_.parent
        if owner is tree or owner is None:
            continue
        for cte in with_.expressions:
            name = cte.alias_or_name
            if names.count(name) < 2:
                continue
            new, n = name, 1
            while new in taken:
                new, n = f"{name}_{n}", n + 1
            taken.add(new)
            for table in owner.find_all(exp.Table):
                if not table.db and table.name == name:
                    table.set("this", exp.to_identifier(new))
                    if not table.alias:
                        table.set("alias", exp.TableAlias(this=exp.to_identifier(name)))
            cte.args["alias"].set("this", exp.to_identifier(new))


# ------------------------------------------------------------------- typed rewrites


def _day_differences(tree: exp.Expression, columns: Columns) -> exp.Expression:
    """``date - date`` as ``datediff`` (DuckDB gives the days as a number; Spark an interval).

    The operands' types come from SQLGlot's type inference over the store's columns; a query it
    cannot resolve is left as it is."""
    schema: dict[str, dict[str, str]] = {}
    for table, column, kind in columns:
        schema.setdefault(table, {})[column] = kind
    try:
        typed = annotate_types(
            qualify(tree.copy(), schema=schema, dialect="duckdb", validate_qualify_columns=False),
            schema=schema,
            dialect="duckdb",
        )
    except sqlglot.errors.SqlglotError:
        return tree
    for sub in list(typed.find_all(exp.Sub)):
        if _is_date(sub.this) and _is_date(sub.expression):
            sub.replace(exp.DateDiff(this=sub.this, expression=sub.expression, unit=exp.var("DAY")))
    return typed


def _catalog_view(node: exp.Expression, columns: Columns) -> exp.Expression:
    """DuckDB's ``information_schema.tables`` / ``.columns`` as VALUES of the store's tables."""
    if not isinstance(node, exp.Table) or node.db.lower() != "information_schema":
        return node
    if node.name.lower() == "tables":
        names = ["table_schema", "table_name"]
        rows = sorted({("main", table) for table, _, _ in columns})
    elif node.name.lower() == "columns":
        names = ["table_schema", "table_name", "column_name", "data_type"]
        rows = [("main", *row) for row in columns]
    else:
        return node
    alias = node.alias or node.name
    values = exp.Values(
        expressions=[exp.Tuple(expressions=[exp.Literal.string(v) for v in row]) for row in rows],
        alias=exp.TableAlias(this=exp.to_identifier(alias), columns=[exp.to_identifier(n) for n in names]),
    )
    return values


def _is_date(node: exp.Expression) -> bool:
    return node.type is not None and node.type.is_type(exp.DataType.Type.DATE)


def _inline_windows(select: exp.Select) -> None:
    """Named windows (``WINDOW w AS (…)``) written into each OVER: Spark cannot add a frame to a
    named window (``OVER (w ROWS …)``)."""
    named = {w.name: w for w in select.args.get("windows") or []}
    if not named:
        return
    for window in select.find_all(exp.Window):
        base = named.get(window.alias) if window.parent is not None and window.args.get("over") else None
        if base is None or window.find_ancestor(exp.Select) is not select:
            continue
        window.set("alias", None)
        for key in ("partition_by", "order"):
            if base.args.get(key) and not window.args.get(key):
                window.set(
                    key,
                    base.args[key].copy()
                    if isinstance(base.args[key], exp.Expression)
                    else [e.copy() for e in base.args[key]],
                )
    select.set("windows", None)


# ------------------------------------------------------------------------------ parameters


def _literal_for(
    node: exp.Expression, values: Mapping[str, Any], positional: Iterator[Any]
) -> exp.Expression:
    if not isinstance(node, exp.Placeholder | exp.Parameter):
        return node
    name = node.name
    if name in ("", "?"):
        try:
            return literal(next(positional))
        except StopIteration:
            raise KeyError("more ? parameters than values") from None
    if name not in values:
        raise KeyError(f"SQL parameter without a value: {name}")
    return literal(values[name])


def literal(value: Any) -> exp.Expression:
    """A Spark literal of the type DuckDB binds the Python value as."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        number = exp.Literal.number(value)
        return number if -(2**31) <= value < 2**31 else exp.cast(number, "BIGINT")
    if isinstance(value, float):
        text = repr(value) if math.isfinite(value) else str(value).replace("inf", "Infinity")
        return exp.cast(exp.Literal.string(text), "DOUBLE")
    if isinstance(value, Decimal):
        return exp.Literal.number(str(value))
    if isinstance(value, datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), "TIMESTAMP")
    if isinstance(value, date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, list | tuple):
        return exp.Array(expressions=[literal(item) for item in value])
    raise TypeError(f"no Spark literal for {type(value).__name__}")


# ------------------------------------------------------------------ zipped unnests of lists


def _zip_unnests(select: exp.Select) -> None:
    """A query without FROM that unnests lists: over a VALUES table of the lists' rows instead."""
    if select.args.get("from") or select.args.get("from_"):
        return
    explodes = [node for node in select.find_all(exp.Explode, exp.Unnest) if _own(select, node)]
    if not explodes:
        return
    columns: list[list[exp.Expression]] = []
    for i, node in enumerate(explodes):
        array, element = _array_of(node)
        if array is None:
            return
        columns.append(array)
        column = exp.column(f"_u{i}")
        node.replace(exp.cast(column, element) if element is not None else column)
    names = [f"_u{i}" for i in range(len(columns))]
    rows = max(len(items) for items in columns)
    if rows == 0:
        empty = exp.select(*[exp.alias_(exp.Null(), name) for name in names])
        select.from_(exp.Subquery(this=empty, alias=exp.TableAlias(this=exp.to_identifier("_v"))), copy=False)
        select.where(exp.false(), copy=False)
        return
    tuples = [
        exp.Tuple(expressions=[items[r] if r < len(items) else exp.Null() for items in columns])
        for r in range(rows)
    ]
    alias = exp.TableAlias(this=exp.to_identifier("_v"), columns=[exp.to_identifier(n) for n in names])
    select.from_(exp.Values(expressions=tuples, alias=alias), copy=False)


def _own(select: exp.Select, node: exp.Expression) -> bool:
    """True when ``node`` belongs to ``select`` itself, not to a subquery inside it."""
    return node.find_ancestor(exp.Select) is select


def _array_of(node: exp.Expression) -> tuple[list[exp.Expression] | None, exp.DataType | None]:
    """The literal items a generator unnests and their element type (from a cast to a list)."""
    arg = node.this if isinstance(node, exp.Explode) else (node.expressions or [None])[0]
    element = None
    while isinstance(arg, exp.Cast):
        to = arg.to
        if to.is_type(exp.DataType.Type.ARRAY) and to.expressions and element is None:
            element = to.expressions[0]
        arg = arg.this
    if not isinstance(arg, exp.Array):
        return None, None
    return list(arg.expressions), element


# ------------------------------------------------------------------- generate_series tables


def _series_table(table: exp.Table) -> None:
    series = table.this
    if not isinstance(series, exp.GenerateSeries):
        return
    bounds = [series.args["start"], series.args["end"]]
    if series.args.get("step") is not None:
        bounds.append(series.args["step"])
    sequence = exp.Anonymous(this="SEQUENCE", expressions=bounds)
    marker = _LATERAL if isinstance(table.parent, exp.Join) else _PLAIN
    table.set("this", exp.Anonymous(this=marker, expressions=[sequence]))
