-- Every import, newest first: file, fingerprint, table, rows added/updated/unchanged/rejected.
SELECT import_id, imported_at, file_name, table_name, mode, rows_added, rows_updated,
       rows_unchanged, rows_rejected, COALESCE(rows_created_customers, 0) AS rows_created_customers,
       undone_at, sha256
FROM import_log
ORDER BY import_id DESC
