{#- The demo's orders from $since: one row per order (customer and day) with its number (the
    last 7 digits of the generated order_id), the customer's tier and value rank inputs. -#}
SELECT o.customer_id, o.order_date, max(CAST(right(o.order_id, 7) AS INTEGER)) AS order_no,
       sum(o.amount) AS amount, any_value(c.tier) AS tier
FROM orders o
JOIN customers c ON c.customer_id = o.customer_id
WHERE o.order_date >= $since AND o.order_id LIKE 'D%'
GROUP BY o.customer_id, o.order_date
ORDER BY o.customer_id, o.order_date
