{#- Every buyer of the period ranked by value (analytics.pareto.customer_values).
    Context: metric, months (whole calendar months: read order_months). Binds $start, $end,
    $a_share, $b_share. The value is grouped by customer before it meets the scope. -#}
{% import "shared/value_in_range.sql" as values %}
{% import "pareto/ranking.sql" as ranking %}
WITH scope AS ({% include "shared/customers_in_scope.sql" %}),
value AS (
    SELECT 'all' AS part, v.entity, v.value
    FROM ({{ values.by_customer(metric | default("amount"), months | default(false), as_name="entity") }}) v
    SEMI JOIN scope s ON s.customer_id = v.entity
),
{{ ranking.ranked() }}
SELECT r.rank, r.entity AS customer_id, c.customer_name, c.manager_id, mg.manager_name,
       c.customer_class, r.value, r.value / r.total AS share, r.running / r.total AS cum_share, r.abc
FROM ranked r
JOIN customers c ON c.customer_id = r.entity
LEFT JOIN managers mg ON mg.manager_id = c.manager_id
ORDER BY r.rank
