{#- The overview tiles per calendar month from $first_month to $last_month (the tiles' trend).
    order_months holds one row per customer and month, so a count of rows is a count of
    customers. Without a customer filter every order belongs to the scope and the join is left
    out. Visits are read up to $visits_to (the day after the last month). -#}
{% import "shared/scope.sql" as scope %}
{% import "shared/customers.sql" as customers %}
WITH scope AS (
    SELECT c.customer_id, {{ customers.is_open("c") }} AS is_open
    FROM customers c WHERE {{ scope.customers(filters, "c") }}
),
months AS (
    SELECT CAST(m AS DATE) AS month
    FROM generate_series(CAST($first_month AS DATE), CAST($last_month AS DATE), INTERVAL 1 MONTH) AS g(m)
),
sales AS (
    SELECT m.month, sum(m.amount) AS sales, count(*) AS active_customers, sum(m.order_days) AS orders
    FROM order_months m
    {% if filters.scoped %}
    SEMI JOIN scope s ON s.customer_id = m.customer_id
    {% endif %}
    WHERE m.month BETWEEN $first_month AND $last_month
    GROUP BY m.month
),
visited AS (
    SELECT CAST(date_trunc('month', v.visit_date) AS DATE) AS month, v.customer_id, count(*) AS visits
    FROM visits v
    WHERE v.visit_date >= $first_month AND v.visit_date < $visits_to
    GROUP BY 1, 2
),
seen AS (
    SELECT vd.month, sum(vd.visits) AS visits, count(*) FILTER (WHERE s.is_open) AS visited
    FROM visited vd JOIN scope s USING (customer_id)
    GROUP BY vd.month
),
open_customers AS (
    SELECT count(*) AS n FROM scope WHERE is_open
)
SELECT months.month, coalesce(sales.sales, 0) AS sales,
       coalesce(sales.active_customers, 0) AS active_customers,
       coalesce(sales.orders, 0) AS orders, coalesce(seen.visits, 0) AS visits,
       CASE WHEN open_customers.n > 0 THEN coalesce(seen.visited, 0) / open_customers.n END AS visited_share
FROM months
LEFT JOIN sales USING (month)
LEFT JOIN seen USING (month)
CROSS JOIN open_customers
ORDER BY months.month
