{#- The file's rows of new keys inserted (the key and the columns the file maps; with `stamp`, the
    table's import_id set to $import_id). -#}
{% set table, key = table | default("customers"), key | default("customer_id") %}
{% set columns = [key] + (values | default(["customer_name"]) | list) %}
INSERT INTO {{ table }} ({{ columns | join(", ") }}{% if stamp | default(false) %}, import_id{% endif %})
SELECT {% for c in columns %}s.{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}{% if stamp | default(false) %}, $import_id{% endif %}

FROM import_first s
WHERE NOT EXISTS (SELECT 1 FROM {{ table }} t WHERE t.{{ key }} = s.{{ key }})
