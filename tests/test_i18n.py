"""The message catalog: every key in both languages, same placeholders, every used key defined."""

import re
from pathlib import Path

import pytest

from analytics.i18n import LANGUAGES, catalog, language_from_locale, placeholders, short_number, t

ROOT = Path(__file__).resolve().parent.parent


def test_every_key_has_every_language_and_the_same_placeholders():
    problems = []
    for key, texts in catalog().items():
        for language in LANGUAGES:
            if not str(texts.get(language, "")).strip():
                problems.append(f"{key}: missing {language}")
        if all(language in texts for language in LANGUAGES):
            names = {language: placeholders(texts[language]) for language in LANGUAGES}
            if names["zh"] != names["en"]:
                problems.append(f"{key}: placeholders differ {names}")
        extra = set(texts) - set(LANGUAGES)
        if extra:
            problems.append(f"{key}: unknown languages {extra}")
    assert not problems, "\n".join(problems)


def test_every_literal_key_used_in_code_exists():
    pattern = re.compile(r"""\b(?:tr|t)\(\s*["']([a-z_]+\.[a-z0-9_]+)["']""")
    missing = []
    for path in [
        ROOT / "dashboard.py",
        *ROOT.glob("pages/*.py"),
        *ROOT.glob("ui/*.py"),
        *ROOT.glob("analytics/*.py"),
    ]:
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            if key not in catalog():
                missing.append(f"{path.name}: {key}")
    assert not missing, "\n".join(missing)


def test_navigation_titles_exist():
    import ast

    tree = ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8"))
    sections = next(
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "SECTIONS"
    )
    spec = ast.literal_eval(sections)
    for section, entries in spec.items():
        assert section in catalog()
        for path, title, _icon in entries:
            if (ROOT / path).exists():
                assert title in catalog(), title


def test_placeholders_are_filled():
    assert t("common.period_shown", "en", start="2025-01-01", end="2025-01-31") == "2025-01-01 to 2025-01-31"
    assert t("common.period_shown", "zh", start="A", end="B") == "A 至 B"


def test_unknown_key_raises():
    with pytest.raises(KeyError):
        t("common.no_such_key", "en")


@pytest.mark.parametrize(
    "locale, expected",
    [
        ("zh-CN", "zh"),
        ("zh_TW", "zh"),
        ("ZH", "zh"),
        ("en-US", "en"),
        ("de-DE", "en"),
        (None, "zh"),
    ],
)
def test_language_follows_browser_locale(locale, expected):
    assert language_from_locale(locale) == expected


@pytest.mark.parametrize(
    "value, lang, text",
    [
        (22_018_345.0, "zh", "2,201.8万"),
        (123_456_789.0, "zh", "1.23亿"),
        (98_765.0, "zh", "98,765"),
        (22_018_345.0, "en", "22.02M"),
        (340_000.0, "en", "340.0k"),
        (-2_500_000.0, "en", "-2.50M"),
        (None, "en", "—"),
    ],
)
def test_short_numbers(value, lang, text):
    assert short_number(value, lang) == text
