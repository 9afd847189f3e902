{#- Each customer who was a buyer in the previous period or in this one, with its ABC class
    then and now (analytics.pareto.abc_transitions). See pareto/moves.sql for the context. -#}
{% import "pareto/moves.sql" as moves %}
{{ moves.ctes(filters, metric | default("amount"), previous_months | default(false), current_months | default(false)) }}
SELECT m.customer_id, c.customer_name, c.manager_id, mg.manager_name, c.customer_class,
       m.previous_abc, m.current_abc, m.previous_value, m.value, m.value - m.previous_value AS change
FROM moves m
JOIN customers c USING (customer_id)
LEFT JOIN managers mg ON mg.manager_id = c.manager_id
ORDER BY m.previous_abc, m.current_abc, m.previous_value DESC, m.customer_id
