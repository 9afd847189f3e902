"""Data in and out: ``import`` (CSV/TSV/TXT/XLSX files, one transaction each) and ``export`` (a
table as CSV or XLSX)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analytics.domain import DATA_TABLES, TABLE_ORDER
from analytics.domain import IMPORT_MODES as MODES

EXPORT_TABLES = (*DATA_TABLES, "import_log")


def add_commands(subparsers: argparse._SubParsersAction, parents: dict) -> None:

    cmd = subparsers.add_parser(
        "import", parents=[parents["db"]], help="import CSV/TSV/TXT/XLSX files (one transaction each)"
    )
    cmd.add_argument("files", nargs="+", metavar="FILE")
    cmd.add_argument("--table", choices=TABLE_ORDER, help="target table (default: detected from the headers)")
    cmd.add_argument(
        "--mode",
        choices=MODES,
        default="strict",
        help="strict: any bad row rejects the file; valid-only: skip bad rows",
    )
    cmd.add_argument("--sheet", help="Excel sheet (default: the first)")
    cmd.add_argument("--lang", choices=("en", "zh"), default="en")
    cmd.add_argument("--show-errors", type=int, default=20, help="bad rows printed per rejected file")
    cmd.set_defaults(handler=_cmd_import)

    cmd = subparsers.add_parser(
        "export", parents=[parents["db"]], help="export a table as CSV or XLSX, or every table as Parquet"
    )
    cmd.add_argument("--table", choices=EXPORT_TABLES, help="the table (with --out)")
    cmd.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    cmd.add_argument("--out", help="output file")
    cmd.add_argument(
        "--parquet", metavar="DIR", help="every table as Parquet under DIR (orders by month; --engine spark)"
    )
    cmd.set_defaults(handler=_cmd_export)


# Exit status of `import`: every file written, none written, or some written and some not.
ALL_WRITTEN, NONE_WRITTEN, SOME_WRITTEN = 0, 2, 3


def _cmd_import(args: argparse.Namespace) -> int:
    """Each file in its own transaction: a file that cannot be read, or is rejected, writes
    nothing and does not stop the others. Exit status 0 / 2 / 3 (ALL_ / NONE_ / SOME_WRITTEN)."""
    import duckdb

    from analytics import db
    from analytics.importer import ImportProblem, RawFile, import_raw, read_table_file, render_errors
    from analytics.normalise import detect_table

    con = db.connect(args.db)
    opened: list[tuple[int, RawFile]] = []
    written = failed = 0
    for path in args.files:
        try:
            raw = read_table_file(path, sheet=args.sheet)
            table = args.table or detect_table(raw.headers)[0]
            opened.append((TABLE_ORDER.index(table) if table in TABLE_ORDER else 99, raw))
        except (ImportProblem, OSError) as exc:
            text = exc.message(args.lang) if isinstance(exc, ImportProblem) else _os_error(exc)
            print(f"{path}: {text}", file=sys.stderr)
            failed += 1
    # Managers before customers before their orders and visits, so references resolve.
    for _, raw in sorted(opened, key=lambda item: item[0]):
        try:
            result = import_raw(con, raw, table=args.table, mode=args.mode)
        except db.StoreError:  # the store itself: the command's own message (analytics.__main__)
            raise
        except (ImportProblem, OSError, duckdb.Error) as exc:
            text = exc.message(args.lang) if isinstance(exc, ImportProblem) else _os_error(exc)
            print(f"{raw.file_name}: {text}", file=sys.stderr)
            failed += 1
            continue
        print(result.summary(args.lang))
        if result.status == "rejected":
            failed += 1
            shown = render_errors(result.errors.head(args.show_errors), args.lang)
            for row in shown.itertuples(index=False):
                print(f"  row {row.row}, {row.column} = {row.value!r}: {row.reason}", file=sys.stderr)
        else:
            written += 1
    if not failed:
        return ALL_WRITTEN
    return SOME_WRITTEN if written else NONE_WRITTEN


def _os_error(exc: Exception) -> str:
    """An operating-system or database error in one line, without a traceback."""
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]


def _cmd_export(args: argparse.Namespace) -> int:
    import pandas as pd

    from analytics import db, sql
    from analytics.export import to_csv_bytes, to_xlsx_bytes
    from analytics.i18n import t

    con = db.connect(args.db)
    if args.parquet:
        return _export_parquet(con, args.parquet)
    if not args.table or not args.out:
        print("export: --table and --out are required (or --parquet DIR)", file=sys.stderr)
        return 2
    out = Path(args.out)
    if args.format == "xlsx":
        count = sql.scalar(con, "store/table_rows", table=args.table, count=True)
        if count >= 1_048_575:
            print(t("importer.problem_xlsx_rows", "en", rows=count), file=sys.stderr)
            return 2
        out.write_bytes(
            to_xlsx_bytes(sql.query(con, "store/table_rows", table=args.table), sheet_name=args.table)
        )
        return 0
    cur = con.cursor()
    try:
        relation = cur.sql(sql.render("store/table_rows", table=args.table))
        with out.open("wb") as fh:
            fh.write(to_csv_bytes(pd.DataFrame(columns=relation.columns)))  # BOM + header
            for batch in relation.to_arrow_reader(200_000):
                fh.write(to_csv_bytes(batch.to_pandas()).split(b"\n", 1)[1])
    finally:
        cur.close()
    return 0


def _export_parquet(con: object, folder: str) -> int:
    from analytics import db, risk
    from analytics.engine.parquet import export_parquet

    # The risk ranking is trained here, on DuckDB, and travels with the tables: the Spark engine
    # reads it (for the settings of this run) and never writes.
    try:
        risk.stored_ranking(con)
    except db.StoreReadOnly:
        print("export: the store is read-only; the risk ranking is exported only if stored", file=sys.stderr)
    for table, rows in export_parquet(con, folder).items():
        print(f"{table}\t{rows}")
    return 0
