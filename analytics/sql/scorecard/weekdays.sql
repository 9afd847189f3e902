{#- A manager's visits in the period by weekday (0 = Monday), every weekday listed; region and
    class select the visited customers. -#}
{% import "shared/scope.sql" as scope %}
{% set customer_part = namespace(managers=(), teams=(), regions=filters.regions, classes=filters.classes, allowed_teams=filters.allowed_teams, allowed_managers=filters.allowed_managers) %}
WITH days AS (SELECT * FROM range(7) AS g(weekday)),
counted AS (
    SELECT (CAST(isodow(v.visit_date) AS INTEGER) - 1) AS weekday, count(*) AS visits,
           count(*) FILTER (WHERE v.method = 'onsite') AS onsite_visits,
           count(DISTINCT CAST(v.visit_date AS DATE)) FILTER (WHERE v.method = 'onsite') AS field_days
    FROM visits v LEFT JOIN customers c ON c.customer_id = v.customer_id
    WHERE v.manager_id = $manager_id AND {{ scope.customers(customer_part, "c") }}
      AND v.visit_date >= $start AND v.visit_date < CAST($end AS DATE) + 1
    GROUP BY 1
)
SELECT days.weekday, coalesce(visits, 0) AS visits, coalesce(onsite_visits, 0) AS onsite_visits,
       coalesce(field_days, 0) AS field_days
FROM days LEFT JOIN counted USING (weekday)
ORDER BY days.weekday
