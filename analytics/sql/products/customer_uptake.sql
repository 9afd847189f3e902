{#- New-product cultivation (domain guide §4), one row per target customer of product $product
    launched on $launch, as of $as_of: target = open customer in scope with an order in
    [launch, as_of]; first_order = its first order day in that window; first_listed = its first
    order day of the product; repurchased_on = its second distinct order day of the product.
    A rate at any day d of the window follows from these dates alone (a date <= d). -#}
{% import "shared/scope.sql" as scope %}
{% import "shared/customers.sql" as customers %}
WITH bought AS (
    SELECT customer_id, min(order_date) AS first_order
    FROM order_days
    WHERE order_date BETWEEN $launch AND $as_of
    GROUP BY customer_id
), product_days AS (
    SELECT DISTINCT customer_id, order_date
    FROM orders
    WHERE product = $product AND order_date BETWEEN $launch AND $as_of
), listed AS (
    SELECT customer_id,
           min(order_date) AS first_listed,
           list(order_date ORDER BY order_date)[2] AS repurchased_on,
           count(*) AS product_days
    FROM product_days
    GROUP BY customer_id
)
SELECT c.customer_id, c.customer_name, c.manager_id, m.manager_name, m.team,
       c.retail_format, c.tier, c.customer_class,
       b.first_order, l.first_listed, l.repurchased_on,
       coalesce(l.product_days, 0) AS product_days
FROM bought b
JOIN customers c ON c.customer_id = b.customer_id
LEFT JOIN listed l ON l.customer_id = b.customer_id
LEFT JOIN managers m ON m.manager_id = c.manager_id
WHERE {{ customers.is_open("c") }} AND {{ scope.customers(filters, "c") }}
ORDER BY c.customer_id
