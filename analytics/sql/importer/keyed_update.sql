{#- The changed rows updated in place (only the columns the file maps; with `stamp`, the table's
    import_id set to $import_id, so the row is the import's: the undo puts the old one back). -#}
{% set table, key = table | default("customers"), key | default("customer_id") %}
UPDATE {{ table }}
SET {% for c in values | default(["customer_name"]) %}{{ c }} = s.{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}{% if stamp | default(false) %}, import_id = $import_id{% endif %}

FROM import_changed s
WHERE {{ table }}.{{ key }} = s.{{ key }}
