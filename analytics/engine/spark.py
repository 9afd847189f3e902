"""The metrics on Spark SQL: ``SparkStore`` stands where a DuckDB connection stands.

``analytics.fetch`` hands it the rendered DuckDB text of a metric and its named values; it
translates them (``translate.to_spark``), runs them on Spark and returns the rows with the
column names and types DuckDB would have given: the same query runs on an empty in-memory copy of
the store's schema (milliseconds), and Spark's Arrow result is cast to that result's schema.

Tables come from a Parquet folder written by ``analytics export --parquet DIR`` (a local path or a
lake URI: ``DIR/<table>/``), or from a database of the Spark catalog. Reads only: imports, demo
data and settings stay on the DuckDB store.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from analytics import db, fetch
from analytics.engine import parquet
from analytics.engine.translate import to_spark

# Small local runs: few shuffle partitions (the default 200 costs seconds per query on two cores),
# no web UI, DuckDB's arithmetic (a division by zero is NULL, not an error), dates in UTC.
LOCAL_CONFIG = {
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.ansi.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.memory": "2g",
    # Spark 4.3 RemoveRedundantAliases leaves some plans with VALUES tables unresolved.
    "spark.sql.optimizer.excludedRules": "org.apache.spark.sql.catalyst.optimizer.RemoveRedundantAliases",
}
# Small data on a short-lived JVM (the tests, a demo book): most of a query's time is the JIT and
# the generated code of large plans, not the rows; the first JIT tier and interpreted plans
# halve it. Not for a store of millions of rows.
SMALL_DATA_CONFIG = {
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.sql.shuffle.partitions": "1",
    "spark.default.parallelism": "1",
}
_CONNECT_MODE = "SPARK_CONNECT_MODE_ENABLED"
SESSION_CONFIG = {
    key: value for key, value in LOCAL_CONFIG.items() if key.startswith("spark.sql.") and "shuffle" not in key
}


def session(
    master: str | None = None, remote: str | None = None, extra: Mapping[str, str] | None = None
) -> Any:
    """A Spark session: Spark Connect at ``remote`` (sc://HOST:PORT), else local ``master``
    (``extra`` settings over LOCAL_CONFIG, e.g. SMALL_DATA_CONFIG; the first session of a
    process sets the JVM's)."""
    if remote:
        # The Connect client's own builder: PySpark's common one refuses a remote session in a
        # process that already runs a local one (SESSION_ALREADY_EXIST), e.g. a dashboard whose
        # settings moved from local Spark to a server.
        from pyspark.sql.connect.session import SparkSession as RemoteSession

        builder = RemoteSession.builder.remote(remote)
    else:
        from pyspark.sql import SparkSession

        builder = SparkSession.builder.appName("analytics")
        builder = builder.master(master or os.environ.get("SPARK_MASTER", "local[*]"))
        for key, value in {**LOCAL_CONFIG, **(extra or {})}.items():
            builder = builder.config(key, value)
    # A Spark Connect session may mark the whole process as "connect mode" (an environment
    # variable), after which PySpark's builder would hand a local session's callers a remote one.
    mode = os.environ.get(_CONNECT_MODE)
    try:
        spark = builder.getOrCreate()
    finally:
        if mode is None:
            os.environ.pop(_CONNECT_MODE, None)
    for key, value in {**SESSION_CONFIG, **(extra or {})}.items():
        if key.startswith("spark.sql."):
            spark.conf.set(key, value)
    if not remote:
        spark.sparkContext.setLogLevel("OFF")
    return spark


# The results of the last queries, by their Spark text: a warehouse is a snapshot (the views see
# the files listed when the store opened; open it again after a new export), so the same text
# gives the same rows, and a page rerun or a command asking again costs nothing.
RESULTS_KEPT = 32


class ReadOnlyEngine(RuntimeError):
    """Something tried to write through the Spark engine."""


class SparkStore:
    """A read-only store on Spark: the store's tables as temporary views of one session."""

    dialect = "spark"

    def __init__(
        self, spark: Any, warehouse: str | os.PathLike | None = None, database: str | None = None
    ) -> None:
        if (warehouse is None) == (database is None):
            raise ValueError("a Spark store reads either a Parquet folder or a catalog database")
        self.spark = spark
        self.closed = False
        self._results: dict[str, pa.Table] = {}
        self.warehouse = str(warehouse) if warehouse is not None else None
        self._shape = _schema_copy(self.warehouse)
        self.tables = self._register(database)
        self.columns = tuple(
            self._shape.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns ORDER BY ALL"
            ).fetchall()
        )

    def __repr__(self) -> str:
        return f"SparkStore({self.warehouse or 'catalog'}, {len(self.tables)} tables)"

    # ------------------------------------------------------------------ the read seam

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> pd.DataFrame:
        """The result of one DuckDB-dialect query as fetch.query gives it."""
        return fetch.frame_of(self.arrow(sql, params))

    def rows(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> list[tuple]:
        table = self.arrow(sql, params)
        return [tuple(row.values()) for row in table.to_pylist()]

    def arrow(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> pa.Table:
        """Run on Spark; names and types as DuckDB's result of the same text."""
        values = _named(sql, params)
        text = to_spark(sql, values, self.columns)
        table = self._results.pop(text, None)
        if table is None:
            shape = self._result_schema(sql, values)
            table = conform(self.spark.sql(text).toArrow(), shape)
        self._results[text] = table  # newest last
        while len(self._results) > RESULTS_KEPT:
            del self._results[next(iter(self._results))]
        return table

    def forget_results(self) -> None:
        """Drop the kept results (a benchmark timing the engine, not the memory)."""
        self._results.clear()

    def spark_sql(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> str:
        """The Spark text run for ``sql`` (for explaining a query, and the tests)."""
        return to_spark(sql, _named(sql, params), self.columns)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for table in self.tables:
            self.spark.catalog.dropTempView(table)
        self._shape.close()

    def cursor(self) -> Any:
        """Writes (a transaction, a stored ranking) stay on the DuckDB store."""
        raise ReadOnlyEngine(
            f"the Spark engine reads only ({self.warehouse or 'catalog'}): write on the DuckDB store "
            "(a risk ranking: run `warnings --db PATH` there, then `export --parquet` again)"
        )

    # ------------------------------------------------------------------------- tables

    def _register(self, database: str | None) -> list[str]:
        names = [name for name in self._table_names() if self._load(name, database)]
        if not names:
            raise FileNotFoundError(f"no store tables in {self.warehouse or database}")
        return names

    def _table_names(self) -> list[str]:
        return parquet.store_tables(self._shape)

    def _load(self, name: str, database: str | None) -> bool:
        from pyspark.errors import AnalysisException

        try:
            if database is not None:
                frame = self.spark.table(f"{database}.{name}")
            else:
                frame = self.spark.read.parquet(f"{self.warehouse.rstrip('/')}/{name}")
        except AnalysisException:
            return False
        column = parquet.PARTITIONED.get(name, (None,))[0]
        if column and column in frame.columns:
            frame = frame.drop(column)
        frame.createOrReplaceTempView(name)
        return True

    def _result_schema(self, sql: str, values: dict[str, Any] | list[Any]) -> pa.Schema:
        cur = self._shape.cursor()
        try:
            return cur.sql(sql, params=values or None).to_arrow_table().schema
        finally:
            cur.close()


def open_store(
    warehouse: str | os.PathLike | None = None,
    remote: str | None = None,
    database: str | None = None,
    master: str | None = None,
) -> SparkStore:
    """A SparkStore over a Parquet folder (or a catalog database, ``database`` or
    ``catalog.database``), local or via Spark Connect; one per process and source (a command
    opened twice, or a page rerun, reuses its views)."""
    key = (str(warehouse) if warehouse is not None else None, remote, database, master)
    store = _OPEN.get(key)
    if store is None or store.closed:
        spark = session(master=master, remote=remote)
        if any(other.spark is spark and not other.closed for other in _OPEN.values()):
            spark = own_session(spark)
        store = SparkStore(spark, warehouse=warehouse, database=database)
        _OPEN[key] = store
    return store


def own_session(spark: Any) -> Any:
    """A session of the same Spark with the same SQL settings and its own temporary views: two
    stores open at once (a folder and a catalog database) each name their views like the store's
    tables. A Spark Connect session is one per server address already."""
    try:
        fresh = spark.newSession()
    except Exception:  # Spark Connect: no second session from one client
        return spark
    for key, value in spark.conf.getAll.items():
        if key.startswith("spark.sql.") and key not in ("spark.sql.warehouse.dir",):
            try:
                fresh.conf.set(key, value)
            except Exception:  # a static setting, shared by every session anyway
                continue
    return fresh


_OPEN: dict[tuple, SparkStore] = {}


def forget(
    warehouse: str | os.PathLike | None = None,
    remote: str | None = None,
    database: str | None = None,
    master: str | None = None,
) -> SparkStore | None:
    """Take the store of this source out of the open ones (the next open_store lists the files
    again, e.g. after a new export); the store, for the caller to close, or None."""
    return _OPEN.pop((str(warehouse) if warehouse is not None else None, remote, database, master), None)


def conform(table: pa.Table, shape: pa.Schema) -> pa.Table:
    """Spark's result with DuckDB's column names and types (an integer sum is HUGEINT there)."""
    if table.num_columns != len(shape):
        raise ValueError(f"Spark returned {table.num_columns} columns, DuckDB's query has {len(shape)}")
    columns = [
        column if column.type == field.type else column.cast(field.type)
        for column, field in zip(table.columns, shape, strict=True)
    ]
    return pa.Table.from_arrays(columns, schema=pa.schema([f.with_nullable(True) for f in shape]))


def _named(sql: str, params: Sequence[Any] | Mapping[str, Any] | None) -> dict[str, Any] | list[Any]:
    """Named values as a dict, positional ones (``?``) as a list."""
    if params is None:
        return {}
    return dict(params) if isinstance(params, Mapping) else list(params)


def _schema_copy(warehouse: str | None) -> duckdb.DuckDBPyConnection:
    """An empty in-memory store shaped like the tables read: it types every query's result.

    A local folder's tables are shaped from their files; otherwise the store's current schema
    (with the warnings' own tables) stands in."""
    con = duckdb.connect(":memory:")
    if warehouse is not None and _is_local(warehouse):
        folder = Path(warehouse.removeprefix("file://"))
        for table in sorted(p for p in folder.iterdir() if p.is_dir() and any(p.rglob("*.parquet"))):
            _shape_from_files(con, table.name, table)
        return con
    from analytics.warnings import schema as warning_schema

    db.migrate(con)
    warning_schema.ensure_schema(con)
    return con


def _shape_from_files(con: duckdb.DuckDBPyConnection, name: str, folder: Path) -> None:
    """An empty table shaped like a table the schema does not create (from its Parquet files)."""
    files = str(folder / "**" / "*.parquet").replace("'", "''")
    quoted = '"' + name.replace('"', '""') + '"'
    con.execute(
        f"CREATE TABLE {quoted} AS SELECT * FROM read_parquet('{files}', hive_partitioning = false) LIMIT 0"
    )


def _is_local(path: str) -> bool:
    return "://" not in path or path.startswith("file://")
