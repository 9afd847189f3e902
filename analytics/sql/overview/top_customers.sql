{#- The $limit customers with the highest sales in $start .. $end, with their share of the
    scope's sales. -#}
{% import "shared/scope.sql" as scope %}
WITH value AS (
    SELECT d.customer_id, sum(d.amount) AS sales, count(*) AS orders, max(d.order_date) AS last_order
    FROM order_days d
    WHERE d.order_date BETWEEN $start AND $end
    GROUP BY d.customer_id
),
total AS (
    SELECT sum(sales) AS total FROM value JOIN customers c USING (customer_id)
    WHERE {{ scope.customers(filters, "c") }}
)
SELECT row_number() OVER (ORDER BY v.sales DESC, v.customer_id) AS rank,
       v.customer_id, c.customer_name, c.manager_id, mg.manager_name, c.customer_class,
       v.sales, v.sales / nullif(total.total, 0) AS share, v.orders, v.last_order
FROM value v
JOIN customers c USING (customer_id)
LEFT JOIN managers mg ON mg.manager_id = c.manager_id
CROSS JOIN total
WHERE {{ scope.customers(filters, "c") }}
ORDER BY rank
LIMIT $limit
