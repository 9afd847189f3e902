{#- order_days rebuilt from the order lines: all of them (the full refresh) or, with `touched`, the
    whole customer-days listed in agg_days (the partial refresh after an undo). Every customer is
    numbered first (store/number_customers). -#}
{% import "store/aggregates.sql" as aggregates %}
{% if touched | default(false) %}
{% set where = "EXISTS (SELECT 1 FROM agg_days k WHERE k.customer_id = o.customer_id AND k.order_date = o.order_date)" %}
{% else %}
{% set where = "TRUE" %}
{% endif %}
INSERT INTO order_days ({{ aggregates.days_columns() }})
SELECT d.*, k.customer_no
FROM ({{ aggregates.day_totals("orders", where) }}) d
JOIN customer_keys k USING (customer_id)
ORDER BY {{ aggregates.days_order() }}
