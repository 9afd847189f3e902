"""Rows judged against the store before an import writes: rows of tables that need a known customer
(stock checks, complaints, receivables), and, for an account restricted to some teams, rows of
another team's customers or managers, of customers the store does not know (an import may not
create a customer its account cannot see), or moving a customer or a manager out of another
team. Each is a row error; the rows are taken out of the stage."""

from __future__ import annotations

import duckdb

from analytics import sql

# Tables whose rows name a customer that must be stored already (their import creates none).
NEED_KNOWN_CUSTOMER = ("stock_checks", "complaints", "receivables")


def unknown_customers(cur: duckdb.DuckDBPyConnection) -> list[dict]:
    """Staged rows of a customer the store does not know."""
    return [
        {"row": row, "column": "customer_id", "value": value, "code": "customer", "params": {}}
        for row, value in sql.execute(cur, "importer/unknown_customers").fetchall()
    ]


def out_of_scope(
    cur: duckdb.DuckDBPyConnection, table: str, mapped: list[str], allowed_teams: tuple[str, ...]
) -> list[dict]:
    """Staged rows outside `allowed_teams` (code "scope"; an unknown customer says to import the
    customer first). One error per row: the first column found."""
    found = sql.execute(
        cur, "importer/out_of_scope", {"teams": list(allowed_teams)}, table=table, mapped=tuple(mapped)
    ).fetchall()
    errors: dict[int, dict] = {}
    for row, column, value, unknown in found:
        errors.setdefault(
            row,
            {
                "row": row,
                "column": column,
                "value": value or "",
                "code": "scope",
                "params": {"detail": "unknown_customer"} if unknown else {},
            },
        )
    return list(errors.values())
