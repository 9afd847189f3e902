{#- order_months rebuilt from the order days: all of them (the full refresh) or, with `touched`, the
    whole customer-months listed in agg_months (the partial refresh after an undo). -#}
{% import "store/aggregates.sql" as aggregates %}
INSERT INTO order_months ({{ aggregates.months_columns() }})
SELECT customer_id, date_trunc('month', order_date)::DATE AS month,
       sum(amount), sum(quantity), sum(cost), count(*), sum(lines), min(order_date), max(order_date),
       any_value(customer_no)
FROM order_days d
{% if touched | default(false) %}
WHERE EXISTS (SELECT 1 FROM agg_months k
              WHERE k.customer_id = d.customer_id AND k.month = date_trunc('month', d.order_date)::DATE)
{% else %}
WHERE TRUE
{% endif %}
GROUP BY customer_id, month
ORDER BY month, customer_id
