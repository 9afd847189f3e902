"""Import data: upload exports, check the detected table and columns, import; the import log with
undo; blank templates and sample files."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from analytics import audit, importer
from analytics.normalise import CONTRACT, TABLE_ORDER, map_headers
from pages.import_log import log_tab
from ui import format, streamlit_texts
from ui.common import (
    cached,
    clear_caches,
    connection,
    current_filters,
    lang,
    page_header,
    record,
    require_role,
    show_table,
    tr,
)
from ui.errors import read_only_notice
from ui.import_words import field_label, problem_text, table_label
from ui.uploads import drop_bytes, forget

require_role("can_import")

NOT_MAPPED = "—"


# ------------------------------------------------------------------ one uploaded file


def read_upload(upload: UploadedFile, sheet: str | None) -> importer.RawFile:
    """The upload, written to a temporary file once (checked and imported from there; Streamlit's
    copy of its bytes dropped at once), read once per file and sheet (kept for the session; the
    temporary file goes with the upload)."""
    spooled = st.session_state.setdefault("_import_spooled", {})
    if upload.file_id not in spooled:
        spooled[upload.file_id] = importer.SpooledUpload(upload, upload.name)
        drop_bytes(upload, st.session_state.get(uploader_key()))
    cache = st.session_state.setdefault("_import_raw", {})
    key = (upload.file_id, sheet)
    if key not in cache:
        cache[key] = importer.read_table_file(spooled[upload.file_id].path, upload.name, sheet=sheet)
    return cache[key]


def uploader_key() -> str:
    """The uploader's key: a new one empties it (after a complete import)."""
    return f"imp-files-{st.session_state.get('_import_uploader', 0)}"


def release_uploads(uploads: list[UploadedFile]) -> None:
    """After an import in which every file was imported: the uploader starts empty (a new key),
    the files' temporary copies and Streamlit's records of them go."""
    forget([upload.file_id for upload in uploads])
    forget_other_uploads([])
    st.session_state["_import_uploader"] = st.session_state.get("_import_uploader", 0) + 1


def forget_other_uploads(uploads: list[UploadedFile]) -> None:
    """Release the temporary files and readings of uploads no longer in the uploader."""
    current = {upload.file_id for upload in uploads}
    importer.keep_current(st.session_state.setdefault("_import_spooled", {}), current)
    cache = st.session_state.setdefault("_import_raw", {})
    for key in [k for k in cache if k[0] not in current]:
        del cache[key]


def prepare_file(raw: importer.RawFile, table: str, mapping: list, known: frozenset) -> importer.Prepared:
    """The file checked (counts and bad rows only: its rows are read again when imported)."""
    cache = st.session_state.setdefault("_import_prepared", {})
    key = (raw.sha256, raw.sheet, table, tuple(mapping), known)
    if key not in cache:
        if len(cache) > 20:
            cache.clear()
        cache[key] = importer.prepare(raw, table, mapping, lang(), known_managers=set(known), keep_rows=False)
        importer.release_memory()
    return cache[key]


def edit_mapping(raw: importer.RawFile, table: str, key: str) -> list:
    """The detected header mapping, changeable in a table."""
    detected = map_headers(raw.headers, table)
    preview = raw.preview(3)
    required = {f.name for f in CONTRACT[table] if f.required}
    # Fields by their label (订单编号 * in Chinese, order_id * in English); * marks a required one.
    names = {
        field_label(f.name, table) + (" *" if f.name in required else ""): f.name for f in CONTRACT[table]
    }
    labels = {name: label for label, name in names.items()}
    options = [NOT_MAPPED, *names]
    shown = [NOT_MAPPED if m is None else labels.get(m, m) for m in detected]
    examples = [
        ", ".join(str(v) for v in preview.iloc[:, i].tolist() if str(v).strip())[:60]
        for i in range(len(raw.headers))
    ]
    frame = pd.DataFrame({"header": raw.headers, "field": shown, "example": examples})
    st.caption(tr("importer.mapping_help"))
    edited = st.data_editor(
        frame,
        key=key,
        hide_index=True,
        width="stretch",
        disabled=["header", "example"],
        column_config={
            "header": st.column_config.TextColumn(tr("importer.col_file_header")),
            "field": st.column_config.SelectboxColumn(
                tr("importer.col_field"), options=options, required=True
            ),
            "example": st.column_config.TextColumn(tr("importer.col_sample")),
        },
    )
    mapping, used = [], set()
    for value in edited["field"].tolist():
        name = None if value in (None, NOT_MAPPED) else names.get(str(value), str(value).removesuffix(" *"))
        mapping.append(None if name in used else name)
        used.add(name)
    return mapping


def show_errors(errors: pd.DataFrame, key: str, table_name: str | None = None) -> None:
    st.markdown(f"**{tr('importer.errors_title')}**")
    rendered = importer.render_errors(errors, lang())
    columns = {c: field_label(c, table_name) for c in pd.unique(rendered["column"].dropna())}
    rendered = rendered.assign(column=rendered["column"].map(columns).where(rendered["column"].notna(), ""))
    table = rendered.rename(
        columns={
            "row": tr("importer.col_row"),
            "column": tr("importer.col_column"),
            "value": tr("importer.col_value"),
            "reason": tr("importer.col_reason"),
        }
    )
    show_table(table, "bad-rows", key)
    if len(errors) >= importer.MAX_ERRORS:
        st.caption(tr("importer.errors_truncated", shown=importer.MAX_ERRORS))


def file_panel(
    upload: UploadedFile, index: int, mode: str, known: frozenset
) -> tuple[str, importer.Prepared, importer.RawFile] | None:
    """Detected settings, mapping and check of one file; returns (table, Prepared, file) or None."""
    with st.expander(upload.name, expanded=True):
        try:
            raw = read_upload(upload, None)
            if raw.sheet is not None and len(raw.sheet_names) > 1:
                sheet = st.selectbox(tr("importer.sheet_label"), raw.sheet_names, key=f"imp-sheet-{index}")
                raw = read_upload(upload, sheet)
            detected, _ = importer.detect_table(raw.headers)
            options = [None, *TABLE_ORDER]
            # Labels computed now: a format_func must not read the session later.
            labels = {table: table_label(table) for table in options}
            table = st.selectbox(
                tr("importer.table_label"),
                options,
                index=options.index(detected),
                format_func=labels.get,
                key=f"imp-table-{index}-{raw.sheet}",
            )
            if table is None:
                st.warning(tr("importer.table_not_detected"))
                return None
            st.markdown(f"**{tr('importer.mapping_title')}**")
            mapping = edit_mapping(raw, table, key=f"imp-map-{index}-{raw.sheet}-{table}")
            importer.check_mapping(table, mapping)
            prepared = prepare_file(raw, table, mapping, known)
            describe(raw, prepared)
            if prepared.bad_rows:
                key = "importer.check_bad" if mode == "strict" else "importer.check_bad_valid_only"
                st.warning(tr(key, rows=format.number(prepared.rows), bad=format.number(prepared.bad_rows)))
                show_errors(prepared.errors, key=f"imp-errors-{index}", table_name=table)
            else:
                st.success(tr("importer.check_ok", rows=format.number(prepared.rows)))
            with st.popover(tr("importer.preview_title")):
                st.dataframe(raw.preview(20), hide_index=True, width="stretch")
            return table, prepared, raw
        except Exception as exc:  # bad input never breaks the page
            failed = problem_text(exc, locals().get("table"))
            st.error(tr("importer.import_failed", file=upload.name, message=failed))
            return None


def describe(raw: importer.RawFile, prepared: importer.Prepared) -> None:
    if raw.sheet is not None:
        st.caption(
            tr(
                "importer.detected_sheet",
                sheet=raw.sheet,
                row=raw.header_row,
                rows=format.number(prepared.rows),
            )
        )
    else:
        delimiter = tr("importer.delimiter_tab") if raw.delimiter == "\t" else raw.delimiter
        st.caption(
            tr(
                "importer.detected",
                encoding=raw.encoding,
                delimiter=delimiter,
                rows=format.number(prepared.rows),
            )
        )


def run_imports(checked: list, mode: str) -> list[importer.ImportResult | str]:
    """Each file in its own transaction, managers first so customers can name them; per file its
    result or the message of its failure (shown by `show_outcomes`)."""
    con = connection()
    ordered = sorted(checked, key=lambda item: TABLE_ORDER.index(item[0]))
    outcomes: list[importer.ImportResult | str] = []
    for table, prepared, raw in ordered:
        bar = st.progress(0.0, text=tr("importer.phase_reading", file=prepared.file_name))

        def progress(fraction: float, phase: str, bar: Any = bar, name: str = prepared.file_name) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=tr(f"importer.phase_{phase}", file=name))

        try:
            result = importer.import_raw(
                con,
                raw,
                table,
                prepared.mapping,
                mode=mode,
                progress=progress,
                allowed_teams=current_filters().allowed_teams,
            )
        except Exception as exc:
            outcomes.append(tr("importer.import_failed", file=prepared.file_name, message=problem_text(exc)))
            continue
        if result.status == "imported":
            record(
                audit.AuditAction.IMPORT,
                {
                    "file": result.file_name,
                    "table": result.table,
                    "import_id": result.import_id,
                    "added": result.added,
                    "updated": result.updated,
                    "rejected": result.rejected,
                },
            )
        outcomes.append(result)
    clear_caches()
    return outcomes


def show_outcomes() -> None:
    """What the last import did, once, on the run after it (the uploader is empty by then)."""
    for outcome in st.session_state.pop("_import_outcomes", []):
        if isinstance(outcome, str):
            st.error(outcome)
        else:
            report(outcome)


def report(result: importer.ImportResult) -> None:
    text = tr(
        "importer.summary_rejected" if result.status == "rejected" else "importer.summary",
        file=result.file_name,
        table=table_label(result.table),
        added=format.number(result.added),
        updated=format.number(result.updated),
        unchanged=format.number(result.unchanged),
        rejected=format.number(result.rejected),
        created=format.number(result.created_customers),
    )
    # Rows the store ruled out at import (another team's, an unknown customer's) are only known now.
    found = result.errors[result.errors["code"].isin(("scope", "customer"))]
    if result.status == "rejected":
        st.error(text, icon=":material/block:")
    else:
        st.success(text, icon=":material/check_circle:")
    if len(found):
        show_errors(found, key=f"imp-result-errors-{result.file_name}", table_name=result.table)
    if result.status == "rejected":
        return
    if result.created_customers:
        st.warning(tr("importer.created_warning", count=format.number(result.created_customers)))
    if result.seen_before:
        st.info(tr("importer.seen_before", when=format.moment(result.seen_before)))


def import_tab() -> None:
    st.caption(tr("importer.upload_hint"))
    types = ["csv", "tsv", "txt", "xlsx"]
    key = uploader_key()
    streamlit_texts.apply(streamlit_texts.uploader_css(key, types, lang()))
    uploads = st.file_uploader(
        tr("importer.upload_label"),
        type=types,
        accept_multiple_files=True,
        help=tr("importer.upload_help"),
        key=key,
    )
    labels = {m: tr(f"importer.mode_{m.replace('-', '_')}") for m in importer.MODES}
    mode = st.radio(
        tr("importer.mode_label"), importer.MODES, horizontal=True, key="imp-mode", format_func=labels.get
    )
    show_outcomes()
    forget_other_uploads(uploads or [])
    if not uploads:
        return
    known = set(cached(importer.known_manager_ids))
    checked = []
    # Managers files first, so customers in the same upload may name their managers.
    order = sorted(
        range(len(uploads)),
        key=lambda i: 0 if "经理" in uploads[i].name or "manager" in uploads[i].name.lower() else 1,
    )
    for index in order:
        item = file_panel(uploads[index], index, mode, frozenset(known))
        if item:
            checked.append(item)
            known |= importer.prepared_manager_ids(item[1])
    if len(uploads) > 1:
        st.caption(tr("importer.import_all_hint"))
    if st.button(
        tr("importer.import_button"),
        type="primary",
        key="imp-run",
        disabled=not checked,
        icon=":material/upload:",
    ):
        outcomes = run_imports(checked, mode)
        done = [x for x in outcomes if isinstance(x, importer.ImportResult) and x.status == "imported"]
        if len(done) == len(uploads):
            release_uploads(uploads)
        importer.release_memory()
        st.session_state["_import_outcomes"] = outcomes
        st.rerun()
    elif not checked:
        st.info(tr("importer.nothing_to_import"))


# ------------------------------------------------------------------ templates and samples


def templates_tab() -> None:
    st.subheader(tr("importer.templates_title"))
    st.caption(tr("importer.templates_help"))
    for table in TABLE_ORDER:
        left, right = st.columns(2)
        for column, language in ((left, "zh"), (right, "en")):
            column.download_button(
                tr(f"importer.template_{language}", table=table_label(table)),
                data=importer.template_bytes(table, language),
                file_name=f"{table}_template_{language}.csv",
                mime="text/csv",
                key=f"imp-template-{table}-{language}",
                icon=":material/description:",
            )
    st.subheader(tr("importer.samples_title"))
    st.caption(tr("importer.samples_help"))
    for path in importer.sample_files():
        st.download_button(
            path.name,
            data=path.read_bytes(),
            file_name=path.name,
            key=f"imp-sample-{path.name}",
            icon=":material/download:",
        )
    st.subheader(tr("importer.cli_title"))
    st.caption(tr("importer.cli_help"))
    st.code(
        "python -m analytics import --db data/dashboard.duckdb --mode strict orders.csv visits.csv\n"
        "python -m analytics export --db data/dashboard.duckdb --table orders --format csv --out orders.csv",
        language="bash",
    )


page_header("importer.title", "importer.caption", show_period=False)
tab_import, tab_log, tab_templates = st.tabs(
    [tr("importer.tab_import"), tr("importer.tab_log"), tr("importer.tab_templates")]
)
with tab_import:
    if not read_only_notice(connection()):
        import_tab()
with tab_log:
    log_tab()
with tab_templates:
    templates_tab()
