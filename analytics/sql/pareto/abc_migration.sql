{#- The ABC migration matrix, one row per non-empty cell (analytics.pareto.abc_migration).
    lost_value: previous minus current value of customers who fell from A. See
    pareto/moves.sql for the context. -#}
{% import "pareto/moves.sql" as moves %}
{{ moves.ctes(filters, metric | default("amount"), previous_months | default(false), current_months | default(false)) }}
SELECT previous_abc, current_abc, count(*) AS customers,
       sum(previous_value) AS previous_value, sum(value) AS value,
       coalesce(sum(previous_value - value)
                FILTER (WHERE previous_abc = 'A' AND current_abc <> 'A'), 0) AS lost_value
FROM moves
GROUP BY previous_abc, current_abc
ORDER BY previous_abc, current_abc
