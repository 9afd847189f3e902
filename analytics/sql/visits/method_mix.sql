{#- Each manager's visits in the period by method. Region and class select the visited customers;
    team and manager select the manager who made the visit (v.manager_id). -#}
{% import "shared/scope.sql" as scope %}
{% set customer_part = namespace(managers=(), teams=(), regions=filters.regions, classes=filters.classes, allowed_teams=filters.allowed_teams, allowed_managers=filters.allowed_managers) %}
{% set visitor_part = namespace(managers=filters.managers, teams=filters.teams, regions=(), classes=(), allowed_teams=filters.allowed_teams, allowed_managers=filters.allowed_managers) %}
SELECT v.manager_id, coalesce(mg.manager_name, v.manager_id) AS manager_name,
       coalesce(v.method, 'unknown') AS method, count(*) AS visits,
       1.0 * count(*) / sum(count(*)) OVER (PARTITION BY v.manager_id) AS share
FROM visits v
LEFT JOIN managers mg ON mg.manager_id = v.manager_id
LEFT JOIN customers c ON c.customer_id = v.customer_id
WHERE {{ scope.customers(customer_part, "c") }} AND {{ scope.customers(visitor_part, "v") }}
  AND v.visit_date >= $start AND v.visit_date < CAST($end AS DATE) + 1
GROUP BY 1, 2, 3
ORDER BY 1, 3
