{#- Customers grouped by the month of their first order and the number still ordering N months
    later (analytics.retention.first_order_cohorts). Cohorts from $first_cohort to $last_month;
    the data's first month ($data_start) is left out. -#}
{% import "shared/scope.sql" as scope %}
WITH scope AS (
    SELECT c.customer_id FROM customers c WHERE {{ scope.customers(filters, "c") }}
),
p AS (
    SELECT CAST($first_cohort AS DATE) AS first_cohort, CAST($last_month AS DATE) AS last_month,
           CAST($data_start AS DATE) AS data_start
),
firsts AS (
    SELECT o.customer_id, min(o.month) AS cohort
    FROM order_months o JOIN scope s USING (customer_id)
    GROUP BY o.customer_id
),
members AS (
    SELECT f.customer_id, f.cohort FROM firsts f, p
    WHERE f.cohort BETWEEN p.first_cohort AND p.last_month AND f.cohort > p.data_start
),
sizes AS (
    SELECT cohort, count(*) AS cohort_size FROM members GROUP BY cohort
),
ordering AS (
    SELECT m.cohort, datediff('month', m.cohort, o.month) AS months_after, count(*) AS still_ordering
    FROM members m JOIN order_months o USING (customer_id), p
    WHERE o.month BETWEEN m.cohort AND p.last_month
    GROUP BY ALL
),
grid AS (
    SELECT s.cohort, s.cohort_size, CAST(g.n AS INTEGER) AS months_after
    FROM sizes s, p, generate_series(0, datediff('month', s.cohort, p.last_month)) AS g(n)
)
SELECT g.cohort, g.cohort_size, g.months_after, coalesce(o.still_ordering, 0) AS still_ordering,
       coalesce(o.still_ordering, 0) / g.cohort_size AS share
FROM grid g LEFT JOIN ordering o USING (cohort, months_after)
ORDER BY g.cohort, g.months_after
