{#- The ABC class of each customer in the previous period and in this one, for the ABC
    migration (pareto/abc_transitions, pareto/abc_migration). ctes() defines scope, value,
    ranked and moves(customer_id, previous_abc, current_abc, previous_value, value): customers
    who were buyers in either period ('none' = not a buyer then).
    Arguments: filters, metric, previous_months / current_months (that period is whole months:
    read order_months). Binds $previous_start, $previous_end, $start, $end, $a_share, $b_share. -#}
{% import "shared/value_in_range.sql" as values %}
{% import "pareto/ranking.sql" as ranking %}

{% macro ctes(filters, metric="amount", previous_months=false, current_months=false) -%}
WITH scope AS ({% include "shared/customers_in_scope.sql" %}),
value AS (
    SELECT v.* FROM (
        SELECT 'previous' AS part, p.entity, p.value
        FROM ({{ values.by_customer(metric, previous_months, "$previous_start", "$previous_end", "entity") }}) p
        UNION ALL
        SELECT 'current' AS part, c.entity, c.value
        FROM ({{ values.by_customer(metric, current_months, "$start", "$end", "entity") }}) c
    ) v SEMI JOIN scope s ON s.customer_id = v.entity
),
{{ ranking.ranked() }},
moves AS (
    SELECT v.entity AS customer_id,
           coalesce(max(r.abc) FILTER (WHERE v.part = 'previous'), 'none') AS previous_abc,
           coalesce(max(r.abc) FILTER (WHERE v.part = 'current'), 'none') AS current_abc,
           coalesce(sum(v.value) FILTER (WHERE v.part = 'previous'), 0) AS previous_value,
           coalesce(sum(v.value) FILTER (WHERE v.part = 'current'), 0) AS value
    FROM value v LEFT JOIN ranked r ON r.part = v.part AND r.entity = v.entity
    GROUP BY v.entity
    HAVING count(r.abc) > 0
)
{%- endmacro %}
