"""Where the metrics' SQL runs: the embedded DuckDB store (the default) or Spark SQL.

Every metric renders its DuckDB SQL file and hands the text and its named values to
``analytics.fetch``; a connection that is not DuckDB's (``SparkStore``) runs them itself
(``query`` / ``rows``), after translating the text to Spark's dialect (``translate``).

The dashboard's metric reads go through ``call``: with ``[engine] kind = "spark"`` in the settings
they run on a ``SparkStore`` over the folder or catalog database the settings name (PySpark is
imported only then), everything else (accounts, imports, the audit log, the sidebar's choices,
writes) stays on the DuckDB store."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from analytics import config
from analytics.settings import Engine, Settings

ENGINES = ("duckdb", "spark")

# Modules whose functions read or write what only the DuckDB store holds (accounts, the audit log,
# imports, backups), or describe the store itself (its managers for the sidebar, its tables).
DUCKDB_ONLY = (
    "analytics.accounts",
    "analytics.audit",
    "analytics.backup",
    "analytics.db",
    "analytics.filters",
    "analytics.importer",
    "analytics.optional_tables",
)
# A Spark store that could not be opened is tried again after this many seconds (not on every
# page run: starting a JVM that fails costs seconds), or at once after a settings change.
RETRY_SECONDS = 60.0

log = logging.getLogger(__name__)
_FAILED: dict[tuple, tuple[float, str]] = {}


def store_key(engine: Engine) -> tuple:
    """What identifies one Spark store of the settings (its folder or database, and the server)."""
    return (
        engine.warehouse or None,
        engine.spark_remote or None,
        None if engine.warehouse else engine.source,
    )


def open_spark(engine: Engine) -> Any:
    """The SparkStore the settings name (raises when Spark, Java or the tables are missing)."""
    from analytics.engine.spark import open_store

    warehouse, remote, database = store_key(engine)
    return open_store(warehouse, remote=remote, database=database)


def reader(con: Any, module: str = "", settings: Settings | None = None) -> Any:
    """The connection a read by a function of ``module`` goes to: ``con`` (the DuckDB store), or
    the Spark store when the settings say so and it opens; a failure to open it is logged and the
    read stays on DuckDB."""
    engine = config.as_settings(settings).engine
    if not engine.on_spark or module.startswith(DUCKDB_ONLY):
        return con
    key = store_key(engine)
    failed = _FAILED.get(key)
    if failed and time.monotonic() - failed[0] < RETRY_SECONDS:
        return con
    try:
        store = open_spark(engine)
    except Exception as error:  # no Java, no pyspark, no tables: the dashboard still answers
        _FAILED[key] = (time.monotonic(), f"{type(error).__name__}: {error}")
        log.warning("the Spark engine (%s) did not open, reading the DuckDB store: %s", engine.source, error)
        return con
    _FAILED.pop(key, None)
    return store


def call(fn: Callable[..., Any], con: Any, *args: Any, **kwargs: Any) -> Any:
    """``fn(connection, *args, **kwargs)`` on the engine the settings name. A metric that fails on
    Spark (a write such as training the risk ranking, or SQL Spark refuses) is logged and read from
    the DuckDB store instead, so a page never breaks because of the engine."""
    target = reader(con, getattr(fn, "__module__", "") or "")
    if target is con:
        return fn(con, *args, **kwargs)
    try:
        return fn(target, *args, **kwargs)
    except Exception as error:
        log.warning("%s failed on Spark, read from DuckDB instead: %s", fn.__qualname__, error)
        return fn(con, *args, **kwargs)


def last_failure(engine: Engine) -> str | None:
    """Why the store of these settings did not open the last time it was tried (None if it did)."""
    failed = _FAILED.get(store_key(engine))
    return failed[1] if failed else None


def check(engine: Engine) -> tuple[bool, str]:
    """Open the settings' Spark store now (again, after a new export: its views and kept results
    are dropped first): (True, the tables read) or (False, why not)."""
    key = store_key(engine)
    _FAILED.pop(key, None)
    try:
        from analytics.engine import spark

        old = spark.forget(*key)
        if old is not None:
            old.close()
        store = open_spark(engine)
    except Exception as error:
        _FAILED[key] = (time.monotonic(), f"{type(error).__name__}: {error}")
        return False, _FAILED[key][1]
    return True, ", ".join(store.tables)


def save(values: dict[str, str], path: str | None = None) -> list[str]:
    """Check and save the ``[engine]`` settings as edited (kind, warehouse, catalog, database,
    spark_remote); the message keys (``engine.error_*``) of what is wrong, nothing saved then."""
    from pydantic import ValidationError

    clean = {key: str(values.get(key) or "").strip() for key in Engine.model_fields}
    problems = []
    try:
        engine = Engine.model_validate(clean)
    except ValidationError as error:
        fields = {str(item["loc"][0]) for item in error.errors() if item["loc"]}
        problems += ["engine.error_spark_remote"] if "spark_remote" in fields else []
        problems += ["engine.error_name"] if fields & {"catalog", "database"} else []
        return problems or ["engine.error_spark_source"]
    if engine.kind == "spark" and not engine.on_spark:
        return ["engine.error_spark_source"]
    overlay = config.saved_changes(path)
    overlay["engine"] = engine.model_dump()
    config.save_settings(overlay, path)
    return []
