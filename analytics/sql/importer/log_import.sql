-- One import in the import log.
INSERT INTO import_log (import_id, file_name, sha256, table_name, rows_added, rows_updated, rows_unchanged,
                        rows_rejected, imported_at, mode, undone_at, rows_created_customers)
VALUES ($import_id, $file_name, $sha256, $table, $added, $updated, $unchanged,
        $rejected, $imported_at, $mode, NULL, $created_customers)
