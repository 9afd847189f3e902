"""Settings: the built-in defaults (defaults.toml) with the supervisor's changes laid over."""

from __future__ import annotations

import copy
import json
import os
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

DEFAULTS_FILE = Path(__file__).resolve().parent / "defaults.toml"
DEFAULT_SETTINGS_FILE = Path(__file__).resolve().parent.parent / "data" / "settings.toml"


def settings_path(path: str | os.PathLike | None = None) -> Path:
    if path:
        return Path(path)
    env = os.environ.get("DASHBOARD_SETTINGS")
    return Path(env) if env else DEFAULT_SETTINGS_FILE


def defaults() -> dict[str, Any]:
    with DEFAULTS_FILE.open("rb") as fh:
        return tomllib.load(fh)


def load_settings(path: str | os.PathLike | None = None) -> dict[str, Any]:
    """Defaults overlaid with the saved settings file (if any)."""
    merged = defaults()
    file = settings_path(path)
    if file.exists():
        with file.open("rb") as fh:
            _overlay(merged, tomllib.load(fh))
    return merged


def save_settings(settings: dict[str, Any], path: str | os.PathLike | None = None) -> Path:
    """Write the full settings to the settings file (atomically)."""
    file = settings_path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_suffix(".tmp")
    tmp.write_bytes(tomli_w.dumps(settings).encode("utf-8"))
    tmp.replace(file)
    return file


def reset_settings(path: str | os.PathLike | None = None) -> None:
    """Back to the preset: forget every saved change."""
    settings_path(path).unlink(missing_ok=True)


def settings_key(settings: dict[str, Any]) -> str:
    """A stable text form of the settings, for cache keys."""
    return json.dumps(settings, sort_keys=True, default=str)


def _overlay(base: dict, changes: dict) -> None:
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _overlay(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
