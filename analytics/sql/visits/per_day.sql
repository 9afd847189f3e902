{#- Visits to the customers in scope on each day of the period, days without visits included. -#}
{% import "shared/scope.sql" as scope %}
WITH days AS (
    SELECT CAST(d AS DATE) AS date
    FROM generate_series(CAST($start AS DATE), CAST($end AS DATE), INTERVAL 1 DAY) AS g(d)
),
counted AS (
    SELECT CAST(v.visit_date AS DATE) AS date, count(*) AS visits,
           count(*) FILTER (WHERE v.method = 'onsite') AS onsite_visits
    FROM visits v JOIN customers c ON c.customer_id = v.customer_id
    WHERE {{ scope.customers(filters, "c") }} AND v.visit_date >= $start AND v.visit_date < CAST($end AS DATE) + 1
    GROUP BY 1
)
SELECT days.date, coalesce(counted.visits, 0) AS visits,
       coalesce(counted.onsite_visits, 0) AS onsite_visits
FROM days LEFT JOIN counted USING (date)
ORDER BY days.date
