{#- A manager's timed visits in the period with the standard of the visited customer's class
    (unknown class: $fallback_class); region and class select the visited customers. -#}
{% import "shared/scope.sql" as scope %}
{% import "visits/standards.sql" as visits %}
{% set customer_part = namespace(managers=(), teams=(), regions=filters.regions, classes=filters.classes, allowed_teams=filters.allowed_teams, allowed_managers=filters.allowed_managers) %}
WITH standards AS (
{{ visits.standards() }}
)
SELECT s.customer_class, v.duration_min, s.min_minutes, s.max_minutes,
       v.duration_min BETWEEN s.min_minutes AND s.max_minutes AS within
FROM visits v
LEFT JOIN customers c ON c.customer_id = v.customer_id
LEFT JOIN standards known ON known.customer_class = c.customer_class
JOIN standards s ON s.customer_class = coalesce(known.customer_class, $fallback_class)
WHERE v.manager_id = $manager_id AND {{ scope.customers(customer_part, "c") }} AND v.duration_min IS NOT NULL
  AND v.visit_date >= $start AND v.visit_date < CAST($end AS DATE) + 1
ORDER BY s.customer_class, v.duration_min
