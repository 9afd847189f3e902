"""The metrics' SQL: one file per metric under ``analytics/sql/<area>/``, loaded and run here.

A file is DuckDB SQL whose values are named parameters (``$as_of``, ``$start``). It is also a
Jinja template, used for structure only: shared definitions are macros imported from
``shared/`` (``{% import "shared/scope.sql" as scope %}``) and parts that exist only for some
calls are ``{% if … %}`` blocks (a join left out when no filter asks for it). Values never go
through Jinja, so no text a user typed ever becomes SQL.

Callers pass every value they have; only the parameters the rendered text names are bound
(DuckDB rejects unused ones). ``filters=`` adds the Filters to the template and binds its
lists ($managers, $teams, … and one parameter per value, see filter_values) and
period ($start, $end).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import jinja2
import pandas as pd

from analytics import fetch

ROOT = Path(__file__).resolve().parent

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(ROOT),
    undefined=jinja2.StrictUndefined,
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)

# What may hide a "$name" that is not a parameter: string literals, quoted names, comments.
_NOT_CODE = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/", re.S)
_PARAMETER = re.compile(r"(?<![\w$])\$([A-Za-z_]\w*)")


def names() -> list[str]:
    """Every SQL file, as the name ``query`` takes (``"warnings/rules"``), shared ones included;
    an engine's own version of a file (``monthly_flow.spark.sql``) is not a name of its own."""
    found = (str(p.relative_to(ROOT).with_suffix("")) for p in ROOT.rglob("*.sql"))
    return sorted(name for name in found if "." not in name)


def source(con: Any, name: str) -> str:
    """The file to run for ``name`` on ``con``: ``<name>.<dialect>`` where the engine has its own
    version of a file (a DuckDB-only construct rewritten, e.g. for Spark), else ``name``."""
    dialect = getattr(con, "dialect", "duckdb")
    if dialect != "duckdb" and (ROOT / f"{name}.{dialect}.sql").exists():
        return f"{name}.{dialect}"
    return name


def _for_engine(con: Any, context: dict[str, Any]) -> dict[str, Any]:
    """The template context for ``con``: another engine's ``dialect`` (``"spark"``) is passed on,
    so a file can hold the few lines that differ as ``{% if dialect … %}`` blocks; DuckDB's is
    each file's default (``dialect | default('duckdb')``)."""
    dialect = getattr(con, "dialect", "duckdb")
    if dialect != "duckdb":
        context.setdefault("dialect", dialect)
    return context


def render(name: str, **context: Any) -> str:
    """The text of ``<name>.sql`` with its template parts resolved for ``context``."""
    key = _context_key(context)
    if key is not None:
        return _render_cached(name, key)
    return _ENV.get_template(f"{name}.sql").render(**context)


@lru_cache(maxsize=1024)
def _render_cached(name: str, key: tuple) -> str:
    return _ENV.get_template(f"{name}.sql").render(**dict(key))


def _context_key(context: dict[str, Any]) -> tuple | None:
    """A hashable form of the template context, or None when some value is not hashable."""
    try:
        key = tuple(sorted(context.items()))
        hash(key)
    except TypeError:
        return None
    return key


@lru_cache(maxsize=4096)
def parameters(sql: str) -> tuple[str, ...]:
    """The named parameters a SQL text uses, in order of first use."""
    seen: dict[str, None] = {}
    for match in _PARAMETER.finditer(_NOT_CODE.sub(" ", sql)):
        seen.setdefault(match.group(1), None)
    return tuple(seen)


def bind(sql: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values the text uses; a parameter without a value is a programming error."""
    wanted = parameters(sql)
    missing = [name for name in wanted if name not in values]
    if missing:
        raise KeyError(f"SQL parameters without a value: {', '.join(missing)}")
    return {name: values[name] for name in wanted}


def filter_values(filters: Any) -> dict[str, Any]:
    """The Filters' scope and period as parameter values: each list also one value per
    parameter ($teams_0, $teams_1, …) for the IN lists of ``shared/scope.sql``; the account's
    scope (allowed_teams / allowed_managers, None = unrestricted) the same way."""
    values: dict[str, Any] = {"start": filters.start, "end": filters.end}
    for name in ("managers", "teams", "regions", "classes", "allowed_managers", "allowed_teams"):
        items = list(getattr(filters, name, None) or ())
        values[name] = items
        values.update({f"{name}_{i}": item for i, item in enumerate(items)})
    return values


def prepare(
    name: str, params: Mapping[str, Any] | None = None, filters: Any = None, **context: Any
) -> tuple[str, dict[str, Any]]:
    """The rendered text of ``name`` and the values it binds."""
    values: dict[str, Any] = {}
    if filters is not None:
        context["filters"] = filters
        values.update(filter_values(filters))
    values.update(params or {})
    sql = render(name, **context)
    return sql, bind(sql, values)


def query(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: Mapping[str, Any] | None = None,
    filters: Any = None,
    **context: Any,
) -> pd.DataFrame:
    """Run the read query ``name`` on its own cursor; a DataFrame (see ``fetch.query``)."""
    sql, values = prepare(source(con, name), params, filters, **_for_engine(con, context))
    return fetch.query(con, sql, values)


def rows(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: Mapping[str, Any] | None = None,
    filters: Any = None,
    **context: Any,
) -> list[tuple]:
    """Run the read query ``name``; its rows as tuples."""
    sql, values = prepare(source(con, name), params, filters, **_for_engine(con, context))
    return fetch.rows(con, sql, values)


def scalar(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: Mapping[str, Any] | None = None,
    filters: Any = None,
    **context: Any,
) -> Any:
    """First column of the first row of ``name``, or None without rows."""
    result = rows(con, name, params, filters, **context)
    return result[0][0] if result else None


def execute(
    cur: duckdb.DuckDBPyConnection,
    name: str,
    params: Mapping[str, Any] | None = None,
    filters: Any = None,
    **context: Any,
) -> duckdb.DuckDBPyConnection:
    """Run the statement ``name`` on ``cur`` (inside ``db.transaction`` for writes)."""
    sql, values = prepare(name, params, filters, **context)
    return cur.execute(sql, values or None)


def statements(name: str, **context: Any) -> Sequence[str]:
    """The statements of a file that holds several, separated by ``;`` at line ends (DDL)."""
    text = render(name, **context)
    return [part.strip() for part in re.split(r";\s*\n", text) if part.strip()]
