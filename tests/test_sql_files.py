"""Every SQL file renders with nothing but the Filters (other template flags have defaults) and
parses with SQLGlot in DuckDB's dialect; parameters are found outside strings and comments."""

from __future__ import annotations

from datetime import date

import pytest
import sqlglot

from analytics import sql
from analytics.filters import Filters

WIDE = Filters(
    start=date(2024, 1, 1),
    end=date(2024, 3, 31),
    teams=("T1",),
    managers=("M1",),
    regions=("R1",),
    classes=("core",),
)


@pytest.mark.parametrize("name", [n for n in sql.names() if not n.startswith("shared/")])
@pytest.mark.parametrize("filters", [Filters(start=date(2024, 1, 1), end=date(2024, 3, 31)), WIDE])
def test_sql_file_parses(name, filters):
    for text in sql.statements(name, filters=filters):
        parsed = sqlglot.parse(text, read="duckdb")
        assert parsed and all(p is not None for p in parsed), name


def test_parameters_ignore_comments_and_strings():
    text = "SELECT $a, '$b', \"$c\" -- $d\n /* $e */ FROM t WHERE x = $a AND y = $f"
    assert sql.parameters(text) == ("a", "f")


def test_scope_binds_only_the_filters_set(con):
    con.execute("INSERT INTO managers VALUES ('M1', 'A', 'T1', 'R1', TRUE), ('M2', 'B', 'T2', 'R1', TRUE)")
    con.execute(
        "INSERT INTO customers (customer_id, manager_id, region, customer_class, status) VALUES "
        "('c1', 'M1', 'R1', 'core', 'active'), ('c2', 'M2', 'R1', 'core', 'active'), "
        "('c3', 'M1', 'R2', 'regular', 'closed')"
    )
    ids = lambda f: sorted(r[0] for r in sql.rows(con, "shared/customers_in_scope", filters=f))  # noqa: E731
    assert ids(Filters()) == ["c1", "c2", "c3"]
    assert ids(Filters(teams=("T1",))) == ["c1", "c3"]
    assert ids(Filters(teams=("T1",), classes=("core",))) == ["c1"]
    assert ids(Filters(regions=("R1",), managers=("M2",))) == ["c2"]
    _, values = sql.prepare("shared/customers_in_scope", filters=Filters(teams=("T1",)))
    assert values == {"teams_0": "T1"}
