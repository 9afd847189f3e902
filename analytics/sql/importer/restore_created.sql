{#- The customers or managers an import created, deleted by its undo. -#}
{% set table, key = table | default("customers"), key | default("customer_id") %}
DELETE FROM {{ table }}
WHERE {{ key }} IN (
    SELECT key FROM import_undo
    WHERE import_id = $import_id AND table_name = $table AND row_json IS NULL
)
