{#- The overview tiles for one period $start .. $end (analytics.overview.period_figures): sales,
    active customers, orders (customer order days), visits and the share of open customers
    visited. Whole calendar months (`months`) read order_months (about a fifth of the daily
    rows). Orders and visits are grouped by customer first and only then matched to the scope:
    a join of tens of thousands of customers instead of millions of rows (and no distinct count). -#}
{% import "shared/scope.sql" as scope %}
{% import "shared/customers.sql" as customers %}
{% import "shared/value_in_range.sql" as value_in_range %}
{% set months = months | default(false) %}
WITH scope AS (
    SELECT c.customer_id, {{ customers.is_open("c") }} AS is_open
    FROM customers c WHERE {{ scope.customers(filters, "c") }}
),
bought AS (
    SELECT d.customer_id, sum(d.amount) AS sales,
           {% if months %}sum(d.order_days){% else %}count(*){% endif %} AS orders
    FROM {{ value_in_range.source(months) }} d
    WHERE d.{{ value_in_range.day(months) }} BETWEEN $start AND $end
    GROUP BY d.customer_id
),
sales AS (
    SELECT sum(b.sales) AS sales, count(*) AS active_customers, sum(b.orders) AS orders
    FROM bought b SEMI JOIN scope s ON s.customer_id = b.customer_id
),
visited AS (
    SELECT v.customer_id, count(*) AS visits
    FROM visits v
    WHERE v.visit_date >= $start AND v.visit_date < $end + INTERVAL 1 DAY
    GROUP BY v.customer_id
),
seen AS (
    SELECT sum(vd.visits) AS visits, count(*) FILTER (WHERE s.is_open) AS open_visited
    FROM visited vd JOIN scope s USING (customer_id)
),
open_customers AS (
    SELECT count(*) AS open_customers FROM scope WHERE is_open
)
SELECT sales.sales, sales.active_customers, sales.orders, coalesce(seen.visits, 0) AS visits,
       CASE WHEN open_customers.open_customers > 0
            THEN coalesce(seen.open_visited, 0) / open_customers.open_customers END AS visited_share
FROM sales, seen, open_customers
