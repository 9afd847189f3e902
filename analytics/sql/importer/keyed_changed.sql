{#- The file's rows (import_first) of stored keys whose mapped `values` columns differ from the
    stored row, as temp table import_changed. -#}
{% set table, key = table | default("customers"), key | default("customer_id") %}
CREATE TEMP TABLE import_changed AS
SELECT s.*
FROM import_first s
JOIN {{ table }} t ON t.{{ key }} = s.{{ key }}
WHERE {% for c in values | default(["customer_name"]) %}t.{{ c }} IS DISTINCT FROM s.{{ c }}{% if not loop.last %} OR {% endif %}{% endfor %}

