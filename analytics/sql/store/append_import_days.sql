{#- The import's day totals (agg_days; with `only_new` those new to the store) appended to
    order_days in its stored order. -#}
{% import "store/aggregates.sql" as aggregates %}
INSERT INTO order_days ({{ aggregates.days_columns() }})
SELECT customer_id, order_date, add_amount, add_quantity, add_cost, add_lines, customer_no
FROM agg_days
{% if only_new | default(false) %}
WHERE new_day
{% endif %}
ORDER BY {{ aggregates.days_order() }}
