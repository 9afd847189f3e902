{#- New customer-months appended to order_months in month order: the import's month increments
    (`all_new`: every day of the import is new) or, with `only_new`, those of agg_months new to
    the store. -#}
{% import "store/aggregates.sql" as aggregates %}
INSERT INTO order_months ({{ aggregates.months_columns() }})
SELECT {{ aggregates.new_month() }}
{% if only_new | default(false) %}
FROM agg_months i
JOIN customer_keys k USING (customer_no)
WHERE new_month
{% else %}
FROM ({{ aggregates.month_increments(all_new | default(false)) }}) i
JOIN customer_keys k USING (customer_no)
{% endif %}
ORDER BY month
