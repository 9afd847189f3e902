"""Settings: the built-in defaults (defaults.toml) with the supervisor's changes laid over,
checked by the typed model in ``analytics.settings``.

The model is checked once per content of the settings file, so every page run and metric call
reads the same frozen value cheaply."""

from __future__ import annotations

import copy
import os
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import tomli_w

from analytics.settings import Settings

DEFAULTS_FILE = Path(__file__).resolve().parent / "defaults.toml"
DEFAULT_SETTINGS_FILE = Path(__file__).resolve().parent.parent / "data" / "settings.toml"


def settings_path(path: str | os.PathLike | None = None) -> Path:
    if path:
        return Path(path)
    env = os.environ.get("DASHBOARD_SETTINGS")
    return Path(env) if env else DEFAULT_SETTINGS_FILE


def defaults() -> dict[str, Any]:
    """The built-in preset as plain nested dicts (a fresh copy each call)."""
    return copy.deepcopy(_defaults())


@lru_cache(maxsize=1)
def _defaults() -> dict[str, Any]:
    with DEFAULTS_FILE.open("rb") as fh:
        return tomllib.load(fh)


def saved_changes(path: str | os.PathLike | None = None) -> dict[str, Any]:
    """What the settings file changes (empty when there is none)."""
    file = settings_path(path)
    if not file.exists():
        return {}
    with file.open("rb") as fh:
        return tomllib.load(fh)


def load_settings(path: str | os.PathLike | None = None) -> Settings:
    """Defaults overlaid with the saved settings file (if any), checked."""
    try:
        text = settings_path(path).read_bytes()
    except FileNotFoundError:
        text = b""
    return _load(text)


@lru_cache(maxsize=8)
def _load(text: bytes) -> Settings:
    # Keyed on the file's bytes, not its modification time: two saves within the file
    # system's clock tick would share a time; reading a small file costs microseconds.
    return as_settings(tomllib.loads(text.decode("utf-8")) if text else {})


def as_settings(value: Settings | Mapping[str, Any] | None) -> Settings:
    """Settings from a Settings, a (partial) mapping laid over the defaults, or None (the
    settings in force)."""
    if value is None:
        return load_settings()
    if isinstance(value, Settings):
        return value
    merged = defaults()
    _overlay(merged, dict(value))
    return Settings.model_validate(merged)


def save_settings(settings: Settings | Mapping[str, Any], path: str | os.PathLike | None = None) -> Path:
    """Write the settings (or the changes to keep) to the settings file (atomically)."""
    data = settings.as_dict() if isinstance(settings, Settings) else _plain(settings)
    file = settings_path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_suffix(".tmp")
    tmp.write_bytes(tomli_w.dumps(data).encode("utf-8"))
    tmp.replace(file)
    return file


def reset_settings(path: str | os.PathLike | None = None) -> None:
    """Back to the preset: forget every saved change."""
    settings_path(path).unlink(missing_ok=True)


def settings_key(settings: Settings | Mapping[str, Any]) -> str:
    """A stable text form of the settings, for cache keys."""
    return as_settings(settings).model_dump_json()


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _overlay(base: dict, changes: Mapping[str, Any]) -> None:
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _overlay(base[key], value)
        else:
            base[key] = copy.deepcopy(_plain(value))
