{#- The rows an import changed that are no longer stored, inserted again. -#}
{% set table, key = table | default("customers"), key | default("customer_id") %}
INSERT INTO {{ table }}
SELECT * FROM undo_rows r
WHERE NOT EXISTS (SELECT 1 FROM {{ table }} t WHERE t.{{ key }} = r.{{ key }})
