"""Data in and out: ``import`` (CSV/TSV/TXT/XLSX files, one transaction each) and ``export`` (a
table as CSV or XLSX)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analytics import db

EXPORT_TABLES = (*db.DATA_TABLES, "import_log")


def add_commands(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    from analytics.importer.problems import MODES
    from analytics.normalise import TABLE_ORDER

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

    cmd = subparsers.add_parser("export", parents=[parents["db"]], help="export a table as CSV or XLSX")
    cmd.add_argument("--table", choices=EXPORT_TABLES, required=True)
    cmd.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    cmd.add_argument("--out", required=True, help="output file")
    cmd.set_defaults(handler=_cmd_export)


def _cmd_import(args: argparse.Namespace) -> int:
    from analytics.importer import ImportProblem, RawFile, import_raw, read_table_file, render_errors
    from analytics.normalise import TABLE_ORDER, detect_table

    con = db.connect(args.db)
    opened: list[tuple[int, RawFile]] = []
    status = 0
    for path in args.files:
        try:
            raw = read_table_file(path, sheet=args.sheet)
            table = args.table or detect_table(raw.headers)[0]
            opened.append((TABLE_ORDER.index(table) if table in TABLE_ORDER else 99, raw))
        except (ImportProblem, OSError) as exc:
            text = exc.message(args.lang) if isinstance(exc, ImportProblem) else str(exc)
            print(f"{path}: {text}", file=sys.stderr)
            status = 2
    # Managers before customers before their orders and visits, so references resolve.
    for _, raw in sorted(opened, key=lambda item: item[0]):
        try:
            result = import_raw(con, raw, table=args.table, mode=args.mode)
        except ImportProblem as exc:
            print(f"{raw.file_name}: {exc.message(args.lang)}", file=sys.stderr)
            status = 2
            continue
        print(result.summary(args.lang))
        if result.status == "rejected":
            status = 2
            shown = render_errors(result.errors.head(args.show_errors), args.lang)
            for row in shown.itertuples(index=False):
                print(f"  row {row.row}, {row.column} = {row.value!r}: {row.reason}", file=sys.stderr)
    return status


def _cmd_export(args: argparse.Namespace) -> int:
    import pandas as pd

    from analytics import sql
    from analytics.export import to_csv_bytes, to_xlsx_bytes
    from analytics.i18n import t

    con = db.connect(args.db)
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
