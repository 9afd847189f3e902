{#- Every product with the date of its first order line up to $as_of (its launch, unless the
    supervisor sets one) and how many customers have bought it since. -#}
SELECT product, min(order_date) AS launch_date, count(DISTINCT customer_id) AS customers
FROM orders
WHERE product IS NOT NULL AND order_date <= $as_of
GROUP BY product
ORDER BY launch_date DESC, product
