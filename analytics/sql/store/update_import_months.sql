{#- Stored months += the import's month increments: straight from its day totals when every day
    was stored before (`all_stored`: so is every month, and only the sums change), else from
    agg_months. No date range: see update_import_days. -#}
{% import "store/aggregates.sql" as aggregates %}
UPDATE order_months m
SET {{ aggregates.month_sums() }}
{% if all_stored | default(false) %}
FROM ({{ aggregates.month_increments() }}) k
{% else %}
FROM agg_months k
{% endif %}
WHERE k.customer_no = m.customer_no AND k.month = m.month
