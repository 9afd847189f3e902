{#- The rows an import changed, put back (every column but the key). -#}
{% set table, key = table | default("customers"), key | default("customer_id") %}
UPDATE {{ table }}
SET {% for c in columns | default(["customer_id", "customer_name"]) if c != key %}{{ c }} = r.{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}

FROM undo_rows r
WHERE {{ table }}.{{ key }} = r.{{ key }}
