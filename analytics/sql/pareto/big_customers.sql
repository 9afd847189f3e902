{#- Big customers: the monthly average purchase of a calendar year (total ÷ 12) above the
    threshold (analytics.pareto.big_customers). Quantity is stored in cartons; $factor turns
    cartons into the unit of $threshold (sticks per carton, or 1). Binds $first_month,
    $last_month, $factor, $threshold. -#}
{% import "shared/scope.sql" as scope %}
WITH scope AS (
    SELECT c.* FROM customers c WHERE {{ scope.customers(filters, "c") }}
),
yearly AS (
    SELECT o.customer_id, sum(o.quantity) AS year_cartons, count(*) AS months_with_orders
    FROM order_months o JOIN scope s USING (customer_id)
    WHERE o.month BETWEEN $first_month AND $last_month
    GROUP BY o.customer_id
)
SELECT y.customer_id, s.customer_name, s.manager_id, mg.manager_name, s.customer_class,
       y.year_cartons, y.year_cartons / 12 AS monthly_cartons,
       y.year_cartons / 12 * $factor AS monthly_average, y.months_with_orders
FROM yearly y
JOIN scope s USING (customer_id)
LEFT JOIN managers mg ON mg.manager_id = s.manager_id
WHERE y.year_cartons / 12 * $factor > $threshold
ORDER BY monthly_average DESC, y.customer_id
