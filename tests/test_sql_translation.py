"""Every SQL file translates from DuckDB's dialect to Spark's with SQLGlot (rendered with default
Filters and placeholder values), or has a Spark version beside it; and the rewrites the Spark
engine needs give the Spark text expected."""

from __future__ import annotations

import difflib
from datetime import date

import pytest

from analytics import sql
from analytics.engine.translate import literal, to_spark
from analytics.filters import Filters

FILTERS = Filters(start=date(2024, 1, 1), end=date(2024, 3, 31), teams=("T1",), classes=("core",))


# Files that only write to the DuckDB store (imports, demo data, schema, accounts): the Spark
# engine reads only, so their translation is checked but nothing runs them on Spark.
class _SparkConnection:
    dialect = "spark"


SPARK = _SparkConnection()

WRITES = ("importer/", "generator/", "schema/", "store/", "accounts/", "audit/", "backup/")


def _names() -> list[str]:
    return [n for n in sql.names() if not n.startswith("shared/")]


@pytest.mark.parametrize("name", _names())
def test_every_sql_file_translates_to_spark(name):
    for text in sql.statements(sql.source(SPARK, name), filters=FILTERS, dialect="spark"):
        values = dict.fromkeys(sql.parameters(text), 1)
        translated = to_spark(text, values)
        assert translated.strip(), name
        assert not sql.parameters(translated), name


def test_spark_versions_sit_beside_a_duckdb_file():
    for path in sql.ROOT.rglob("*.*.sql"):
        assert path.with_name(path.name.split(".")[0] + ".sql").exists(), path


def test_values_become_typed_literals():
    text = to_spark(
        "SELECT $d, $f, $i, $s, $b, $n, $l",
        {
            "d": date(2024, 2, 29),
            "f": 0.8,
            "i": 3,
            "s": "it's",
            "b": True,
            "n": None,
            "l": ["a", "b"],
        },
    )
    assert text == (
        "SELECT CAST('2024-02-29' AS DATE), CAST('0.8' AS DOUBLE), 3, 'it\\'s', TRUE, NULL, ARRAY('a', 'b')"
    )
    assert literal(2**40).sql("spark") == "CAST(1099511627776 AS BIGINT)"


def test_zipped_unnests_become_a_values_table():
    text = to_spark(
        "SELECT unnest(CAST($a AS INTEGER[])) AS n, unnest(CAST($b AS DATE[])) AS d",
        {"a": [1, 2], "b": [date(2024, 1, 1), date(2024, 2, 1)]},
    )
    assert text == (
        "SELECT CAST(_u0 AS INT) AS n, CAST(_u1 AS DATE) AS d FROM VALUES "
        "(1, CAST('2024-01-01' AS DATE)), (2, CAST('2024-02-01' AS DATE)) AS _v(_u0, _u1)"
    )
    empty = to_spark("SELECT x FROM t WHERE x IN (SELECT unnest(CAST($ids AS VARCHAR[])))", {"ids": []})
    assert empty.endswith("(SELECT CAST(_u0 AS STRING) FROM (SELECT NULL AS _u0) AS _v WHERE FALSE)")


def test_series_tables_explode_and_follow_their_relation_laterally():
    text = to_spark("SELECT d FROM p, generate_series(p.a, p.b, INTERVAL 1 DAY) AS g(d)")
    assert text == "SELECT d FROM p, LATERAL EXPLODE(SEQUENCE(p.a, p.b, INTERVAL '1' DAY)) AS g(d)"
    assert (
        to_spark("SELECT m FROM generate_series(1, 3) AS g(m)")
        == "SELECT m FROM EXPLODE(SEQUENCE(1, 3)) AS g(m)"
    )


def test_date_minus_date_is_a_number_of_days_and_named_windows_are_inlined():
    columns = (("t", "a", "DATE"), ("t", "b", "DATE"), ("t", "k", "INTEGER"))
    text = to_spark(
        "SELECT a - b AS days, a - 1 AS before, sum(k) OVER (w ROWS 1 PRECEDING) AS s "
        "FROM t WINDOW w AS (ORDER BY a)",
        {},
        columns,
    )
    assert "DATEDIFF(DAY, `t`.`b`, `t`.`a`) AS `days`" in text
    assert "`t`.`a` - 1 AS `before`" in text
    assert "OVER (ORDER BY `t`.`a` NULLS LAST ROWS" in text
    assert "WINDOW" not in text


def test_positional_values_bind_in_order_and_a_missing_value_is_an_error():
    assert (
        to_spark("SELECT value FROM meta WHERE key = ?", ["demo"])
        == "SELECT value FROM meta WHERE key = 'demo'"
    )
    with pytest.raises(KeyError):
        to_spark("SELECT $missing", {})


def test_a_nested_with_keeps_its_own_names_when_spark_hoists_it():
    text = to_spark(
        "WITH a AS (SELECT 1 AS x), b AS (WITH a AS (SELECT 2 AS x) SELECT a.x FROM a) SELECT * FROM a, b"
    )
    assert text == (
        "WITH a AS (SELECT 1 AS x), a_1 AS (SELECT 2 AS x), "
        "b AS (SELECT a.x FROM a_1 AS a) SELECT * FROM a, b"
    )


@pytest.mark.parametrize(
    ("name", "duckdb_only", "spark_only"),
    [
        ("scorecard/figures", "HUGEINT", "list_filter(o.months"),
        ("retention/monthly_flow", "list_prepend(NULL, d[1:len(d) - 1])", "lag(o.order_date)"),
    ],
)
def test_a_file_differs_for_spark_only_in_its_dialect_blocks(name, duckdb_only, spark_only):
    """One file per metric: the lines DuckDB alone has (a 128-bit mask, list slicing) are
    `{% if spark %}` blocks, chosen by the connection's dialect; everything else is the same text."""
    context = {"filters": FILTERS, "parts": 0, "sum_roles": (), "month_sums": False}
    duck = sql.render(name, **context).splitlines()
    spark = sql.render(name, dialect="spark", **context).splitlines()
    assert duck == sql.render(name, dialect="duckdb", **context).splitlines()
    removed = [line for line in difflib.ndiff(duck, spark) if line.startswith("- ")]
    added = [line for line in difflib.ndiff(duck, spark) if line.startswith("+ ")]
    assert any(duckdb_only in line for line in removed) and not any(duckdb_only in line for line in spark)
    assert any(spark_only in line for line in added) and not any(spark_only in line for line in duck)
    assert len(removed) <= 12 and len(added) <= 12, (removed, added)
    assert not list((sql.ROOT / name).parent.glob(f"{name.split('/')[-1]}.*.sql"))


def test_the_parquet_export_leaves_accounts_out_and_splits_orders_by_month(tmp_path):
    import duckdb

    from analytics.engine.parquet import export_parquet

    con = duckdb.connect()
    con.execute("CREATE TABLE users (name VARCHAR, password_hash VARCHAR)")
    con.execute("INSERT INTO users VALUES ('admin', 'secret')")
    con.execute(
        "CREATE TABLE orders AS "
        "SELECT DATE '2024-01-31' + CAST(i * 20 AS INTEGER) AS order_date FROM range(3) t(i)"
    )
    (tmp_path / "users").mkdir()  # left by an earlier export
    assert export_parquet(con, tmp_path) == {"orders": 3}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders"]
    months = sorted(p.name for p in (tmp_path / "orders").iterdir())
    assert months == ["order_month=2024-01", "order_month=2024-02", "order_month=2024-03"]
