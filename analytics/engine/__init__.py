"""Where the metrics' SQL runs: the embedded DuckDB store (the default) or Spark SQL.

Every metric renders its DuckDB SQL file and hands the text and its named values to
``analytics.fetch``; a connection that is not DuckDB's (``SparkStore``) runs them itself
(``query`` / ``rows``), after translating the text to Spark's dialect (``translate``)."""

from __future__ import annotations

ENGINES = ("duckdb", "spark")
