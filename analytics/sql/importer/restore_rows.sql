-- The rows an import changed, as they were before (temp table undo_rows, typed by $structure).
CREATE TEMP TABLE undo_rows AS
SELECT unnest(json_transform(row_json, $structure))
FROM import_undo
WHERE import_id = $import_id AND table_name = $table AND row_json IS NOT NULL
