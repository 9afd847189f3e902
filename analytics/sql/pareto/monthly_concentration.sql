{#- Top-20% share and Gini of each calendar month from $first to $last_month
    (analytics.pareto.monthly_concentration). Context: metric, months (whole months: read
    order_months). Binds $first, $end (last day of the value range), $last_month, $a_share,
    $b_share. -#}
{% import "shared/value_in_range.sql" as values %}
{% import "pareto/ranking.sql" as ranking %}
{% set months = months | default(false) %}
WITH scope AS ({% include "shared/customers_in_scope.sql" %}),
value AS (
    SELECT CAST(date_trunc('month', o.{{ values.day(months) }}) AS DATE) AS part, o.customer_id AS entity,
           sum({{ values.value(metric | default("amount"), "o") }}) AS value
    FROM {{ values.source(months) }} o JOIN scope s USING (customer_id)
    WHERE o.{{ values.day(months) }} BETWEEN $first AND $end
    GROUP BY ALL
),
{{ ranking.ranked() }},
{{ ranking.figures() }},
months AS (
    SELECT CAST(m AS DATE) AS month
    FROM generate_series(CAST($first AS DATE), CAST($last_month AS DATE), INTERVAL 1 MONTH) AS g(m)
)
SELECT months.month, coalesce(f.buyers, 0) AS buyers, coalesce(f.total_value, 0) AS total_value,
       f.top20_share, f.pct_customers_for_80, f.gini
FROM months LEFT JOIN figures f ON f.part = months.month
ORDER BY months.month
