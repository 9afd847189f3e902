{#- Open customers in scope with no visit in the coverage window [$window_start, $window_end),
    with their last visit before the window's end and their sales in the period.
    Context: amounts_months, amounts_parts (visits.range_values of the period). -#}
{% import "shared/scope.sql" as scope %}
{% import "shared/customers.sql" as customers %}
{% import "visits/standards.sql" as visits %}
WITH book AS (
    SELECT c.customer_id, c.customer_name, c.manager_id, c.customer_class
    FROM customers c WHERE {{ scope.customers(filters, "c") }} AND {{ customers.is_open("c") }}
),
last_seen AS (
    SELECT v.customer_id, max(v.visit_date) AS last_visit
    FROM visits v JOIN book b USING (customer_id)
    WHERE v.visit_date < $window_end
    GROUP BY v.customer_id
),
bought AS (
{{ visits.sales_of("book", amounts_months | default(true), amounts_parts | default(0)) }}
)
SELECT b.customer_id, b.customer_name, b.manager_id,
       coalesce(mg.manager_name, b.manager_id) AS manager_name, b.customer_class,
       CAST(s.last_visit AS DATE) AS last_visit, coalesce(o.sales, 0) AS sales
FROM book b
LEFT JOIN last_seen s USING (customer_id)
LEFT JOIN bought o USING (customer_id)
LEFT JOIN managers mg ON mg.manager_id = b.manager_id
WHERE s.last_visit IS NULL OR s.last_visit < $window_start
ORDER BY s.last_visit NULLS FIRST, sales DESC, b.customer_id
