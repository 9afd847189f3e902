{#- Order amount per customer in a date range (customers with orders only), from the
    order_amounts pieces. Context: amounts_months, amounts_parts (visits.range_values). -#}
{% import "visits/standards.sql" as visits %}
SELECT r.customer_id, sum(r.amount) AS amount
FROM ({{ visits.order_amounts(amounts_months | default(true), amounts_parts | default(0)) }}) r
GROUP BY r.customer_id
ORDER BY r.customer_id
