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


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values) -> str:
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
