{#- Every open customer of manager $manager_id with its next visit due as of $as_of: last visit +
    class interval; never visited: as of now, or the interval after opening if that is sooner.
    Sales over the range of the order_amounts pieces (context amounts_months, amounts_parts).
    Only the customers in `filters` (the account's scope, the sidebar's team, region, class). -#}
{% import "shared/scope.sql" as scope %}
{% import "shared/customers.sql" as customers %}
{% import "visits/standards.sql" as visits %}
WITH standards AS (
{{ visits.standards() }}
),
book AS (
    SELECT c.customer_id, c.customer_name, c.customer_class, c.open_date,
           coalesce(known.customer_class, $fallback_class) AS service_class
    FROM customers c
    LEFT JOIN standards known ON known.customer_class = c.customer_class
    WHERE c.manager_id = $manager_id AND {{ customers.is_open("c") }} AND {{ scope.customers(filters, "c") }}
),
last_seen AS (
    SELECT v.customer_id, CAST(max(v.visit_date) AS DATE) AS last_visit
    FROM visits v JOIN book b USING (customer_id)
    WHERE v.visit_date < CAST($as_of AS DATE) + 1
    GROUP BY v.customer_id
),
bought AS (
{{ visits.sales_of("book", amounts_months | default(true), amounts_parts | default(0)) }}
),
due AS (
    SELECT b.customer_id, b.customer_name, b.customer_class, s.interval_days, l.last_visit,
           CASE WHEN l.last_visit IS NOT NULL THEN l.last_visit + s.interval_days
                WHEN b.open_date IS NOT NULL THEN least(b.open_date + s.interval_days, CAST($as_of AS DATE))
                ELSE CAST($as_of AS DATE) END AS due_date,
           coalesce(o.sales, 0) AS sales
    FROM book b
    JOIN standards s ON s.customer_class = b.service_class
    LEFT JOIN last_seen l USING (customer_id)
    LEFT JOIN bought o USING (customer_id)
)
SELECT customer_id, customer_name, customer_class, interval_days, last_visit, due_date,
       greatest(CAST($as_of AS DATE) - due_date, 0) AS days_overdue, sales
FROM due
ORDER BY due_date, sales DESC, customer_id
