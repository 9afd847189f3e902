{#- The demo's customers with what the extras draw on: format, tier, status, their last order
    day and monthly value over the last 12 months up to $as_of. -#}
SELECT c.customer_id, c.retail_format, c.tier, coalesce(c.status, 'active') AS status,
       max(d.order_date) AS last_order, coalesce(sum(d.amount), 0) / 12 AS monthly_value
FROM customers c
LEFT JOIN order_days d ON d.customer_id = c.customer_id AND d.order_date BETWEEN $since AND $as_of
GROUP BY ALL
ORDER BY c.customer_id
