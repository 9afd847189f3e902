{#- One customer's calendar months from $first to $last_month: value, rank among the month's
    buyers in scope, buyers and ABC class (analytics.customer.customer_history). Context: metric.
    Binds $first, $last_month, $customer_id, $a_share, $b_share. -#}
{% import "shared/value_in_range.sql" as values %}
{% import "pareto/ranking.sql" as ranking %}
WITH scope AS ({% include "shared/customers_in_scope.sql" %}),
value AS (
    SELECT o.month AS part, o.customer_id AS entity, sum({{ values.value(metric | default("amount"), "o") }}) AS value
    FROM order_months o JOIN scope s USING (customer_id)
    WHERE o.month BETWEEN $first AND $last_month
    GROUP BY ALL
),
{{ ranking.ranked() }},
months AS (
    SELECT CAST(m AS DATE) AS month
    FROM generate_series(CAST($first AS DATE), CAST($last_month AS DATE), INTERVAL 1 MONTH) AS g(m)
)
SELECT months.month, coalesce(v.value, 0) AS value, r.rank, r.n AS buyers, coalesce(r.abc, 'none') AS abc
FROM months
LEFT JOIN value v ON v.part = months.month AND v.entity = $customer_id
LEFT JOIN ranked r ON r.part = months.month AND r.entity = $customer_id
ORDER BY months.month
