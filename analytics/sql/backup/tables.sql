{#- The store's own tables (not those of a database attached for a backup) and their numeric
    columns, for backup.table_fingerprints. -#}
SELECT t.table_name,
       coalesce(list(c.column_name ORDER BY c.column_index) FILTER (
           WHERE c.data_type IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT',
                                 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT', 'FLOAT', 'DOUBLE')
              OR c.data_type LIKE 'DECIMAL%'), []) AS numeric_columns
FROM duckdb_tables() t
LEFT JOIN duckdb_columns() c
  ON c.database_name = t.database_name AND c.schema_name = t.schema_name AND c.table_name = t.table_name
WHERE t.database_name = current_database() AND t.schema_name = 'main' AND NOT t.temporary
GROUP BY t.table_name
ORDER BY t.table_name
