"""The message catalog: every label the product shows, in Chinese and English.

Each ``*.toml`` file in this folder is one area (``common``, ``overview``, ``pareto`` …).
A section ``[title]`` in ``pareto.toml`` is the key ``pareto.title`` and holds one
string per language::

    [title]
    zh = "二八分析"
    en = "80/20 value"

Placeholders use ``str.format`` names: ``{days}``.
"""

from __future__ import annotations

import string
import tomllib
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """key -> {"zh": ..., "en": ...} over every catalog file."""
    messages: dict[str, dict[str, str]] = {}
    for file in sorted(_DIR.glob("*.toml")):
        with file.open("rb") as fh:
            for name, texts in tomllib.load(fh).items():
                messages[f"{file.stem}.{name}"] = texts
    return messages


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The message `key` in `lang`, with placeholders filled. Unknown keys raise KeyError."""
    text = catalog()[key][lang if lang in LANGUAGES else DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def language_from_locale(locale: str | None) -> str:
    """'zh-CN', 'zh_TW', 'zh' -> zh; anything else (or nothing) -> en, except no locale -> zh."""
    if not locale:
        return DEFAULT_LANGUAGE
    return "zh" if locale.lower().startswith("zh") else "en"


def short_number(value: float | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """A large figure that fits a tile: 2,201.8万 / 1.23亿 in Chinese, 22.02M / 340.0k in English."""
    if value is None or value != value:
        return "—"
    size = abs(value)
    if lang == "zh":
        if size >= 1e8:
            return f"{value / 1e8:,.2f}亿"
        if size >= 1e5:
            return f"{value / 1e4:,.1f}万"
        return f"{value:,.0f}"
    for limit, suffix in ((1e9, "B"), (1e6, "M")):
        if size >= limit:
            return f"{value / limit:,.2f}{suffix}"
    if size >= 1e5:
        return f"{value / 1e3:,.1f}k"
    return f"{value:,.0f}"
