{#- The keys the import creates, noted in import_undo without a row (the undo deletes them). -#}
{% set table, key = table | default("customers"), key | default("customer_id") %}
INSERT INTO import_undo
SELECT $import_id, $table, s.{{ key }}, NULL
FROM import_first s
WHERE NOT EXISTS (SELECT 1 FROM {{ table }} t WHERE t.{{ key }} = s.{{ key }})
