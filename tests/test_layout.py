"""The house rules of docs/ARCHITECTURE.md, checked on the source tree itself."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    p
    for folder in ("analytics", "pages", "ui")
    for p in (ROOT / folder).rglob("*.py")
    if "__pycache__" not in p.parts
] + [ROOT / "dashboard.py"]
SQL_WORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|WITH)\b")
MAX_LINES = 500


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path) -> set[str]:
    """Modules imported when `path` is imported (not those imported inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("analytics")}


def test_no_file_over_500_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in SOURCES
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_import_cycle_among_analytics_modules():
    modules = {_module_name(p): p for p in (ROOT / "analytics").rglob("*.py") if "__pycache__" not in p.parts}
    graph = {
        name: {m for m in _top_level_imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }
    # A package imports its own submodules to re-export them; that is not a cycle back into it.
    for name in graph:
        graph[name] = {m for m in graph[name] if not m.startswith(name + ".")}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_no_multi_line_sql_in_python():
    """SQL longer than one line lives in analytics/sql/*.sql, never in Python strings."""
    offenders = []
    for path in SOURCES:
        if path == ROOT / "analytics" / "sql" / "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if (
                    "\n" in text.strip()
                    and SQL_WORDS.search(text)
                    and re.search(r"\bFROM\b|\bINTO\b|\bTABLE\b", text)
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_library_never_imports_streamlit():
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "analytics").rglob("*.py")
        if re.search(r"^\s*(import streamlit|from streamlit)", p.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []


def test_pages_hold_no_sql():
    offenders = [
        str(p.relative_to(ROOT))
        for p in [*(ROOT / "pages").rglob("*.py"), ROOT / "dashboard.py"]
        if re.search(r"\b(SELECT|INSERT INTO|DELETE FROM)\b", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
