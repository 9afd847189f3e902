{#- The changed rows updated in place (only the columns the file maps). -#}
{% set table, key = table | default("customers"), key | default("customer_id") %}
UPDATE {{ table }}
SET {% for c in values | default(["customer_name"]) %}{{ c }} = s.{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}

FROM import_changed s
WHERE {{ table }}.{{ key }} = s.{{ key }}
