{#- Per manager, customers lost as of the period's end (shared/lost.sql): closed, or ordered
    before the cutoff but not from it up to the end. "Ordered since" is read for everyone,
    "ordered before" only for the open customers who did not order since.
    Context: lost_months, lost_parts (see shared/lost.sql). -#}
{% import "shared/scope.sql" as scope %}
{% import "shared/lost.sql" as lost %}
{% set manager_part = namespace(managers=filters.managers, teams=filters.teams, regions=(), classes=(), allowed_teams=filters.allowed_teams, allowed_managers=filters.allowed_managers) %}
{% set customer_part = namespace(managers=(), teams=(), regions=filters.regions, classes=filters.classes, allowed_teams=filters.allowed_teams, allowed_managers=filters.allowed_managers) %}
WITH mgr AS (
    SELECT m.manager_id FROM managers m WHERE {{ scope.managers(manager_part, "m") }}
),
book AS (
    SELECT c.customer_id, c.manager_id, {{ lost.closed("c.status") }} AS is_closed
    FROM customers c JOIN mgr ON mgr.manager_id = c.manager_id
    WHERE {{ scope.customers(customer_part, "c") }}
),
recent AS (
{{ lost.ordered_since(lost_months | default(true), lost_parts | default(0)) }}
),
quiet AS (
    SELECT b.customer_id FROM book b
    WHERE NOT b.is_closed AND b.customer_id NOT IN (SELECT customer_id FROM recent)
),
earlier AS (
{{ lost.ordered_before("quiet") }}
)
SELECT b.manager_id,
       count(*) FILTER (WHERE b.is_closed OR b.customer_id IN (SELECT customer_id FROM earlier))
           AS lost_customers
FROM book b
GROUP BY b.manager_id
ORDER BY b.manager_id
