{#- The stored rows the import changes, kept in import_undo as JSON (the undo restores them). -#}
{% set table, key = table | default("customers"), key | default("customer_id") %}
INSERT INTO import_undo
SELECT $import_id, $table, t.{{ key }}, to_json(t)::VARCHAR
FROM {{ table }} t
WHERE t.{{ key }} IN (SELECT {{ key }} FROM import_changed)
