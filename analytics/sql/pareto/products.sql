{#- Products (brands) of the period ranked by value, from the order lines: each product with
    the customers who bought it (analytics.pareto.product_values), or with `summary` the
    concentration figures over products (analytics.pareto.product_summary). Context: metric,
    summary. Binds $start, $end, $a_share, $b_share. -#}
{% import "shared/value_in_range.sql" as values %}
{% import "pareto/ranking.sql" as ranking %}
{% set summary = summary | default(false) %}
WITH scope AS ({% include "shared/customers_in_scope.sql" %}),
value AS (
    SELECT 'all' AS part, o.product AS entity, sum({{ values.value(metric | default("amount"), "o") }}) AS value
{% if not summary %}
           , count(DISTINCT o.customer_id) AS customers
{% endif %}
    FROM orders o JOIN scope s USING (customer_id)
    WHERE o.order_date BETWEEN $start AND $end
    GROUP BY o.product
),
{{ ranking.ranked() }}
{% if summary %}
, {{ ranking.figures() }}
SELECT * FROM figures
{% else %}
SELECT r.rank, r.entity AS product, r.value, r.value / r.total AS share,
       r.running / r.total AS cum_share, r.abc, v.customers
FROM ranked r JOIN value v ON v.entity IS NOT DISTINCT FROM r.entity
ORDER BY r.rank
{% endif %}
