{#- Rows of one table and the exact sum of each of its numeric columns (every value rounded to
    6 decimals, summed as DECIMAL: the same whatever order the rows are read in). The table is
    named by the value $table_name (query_table), the columns by the list $columns. -#}
SELECT count(*) AS row_count
{%- if numeric | default(true) %}, sum(CAST(COLUMNS($columns) AS DECIMAL(38, 6))){% endif %}

FROM query_table($table_name)
