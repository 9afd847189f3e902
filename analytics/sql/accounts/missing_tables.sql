{#- How many of the accounts tables (users, audit_log) the store still lacks. -#}
SELECT 2 - count(*)
FROM duckdb_tables()
WHERE database_name = current_database()
  AND schema_name = 'main'
  AND table_name IN ('users', 'audit_log')
