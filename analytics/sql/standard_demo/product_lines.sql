{#- The order lines of the sampled customers' products between $since and $as_of (stock checks
    follow what they really ordered). -#}
SELECT o.customer_id, o.order_date, o.product, sum(o.quantity) AS quantity
FROM orders o
WHERE o.order_date BETWEEN $since AND $as_of
  AND o.customer_id IN (SELECT customer_id FROM demo_batch)
GROUP BY ALL
ORDER BY o.customer_id, o.product, o.order_date
