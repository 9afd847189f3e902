{#- The 80/20 figures of each group of customers, each group ranked on its own
    (analytics.pareto.concentration_by_group; group "all" gives the page's KPI tiles).
    Context: group_by (all, team, manager, region, market_type, retail_format, customer_class),
    metric, months. Binds $start, $end, $a_share, $b_share. -#}
{% import "shared/scope.sql" as scope %}
{% import "shared/customers.sql" as customers %}
{% import "shared/value_in_range.sql" as values %}
{% import "pareto/ranking.sql" as ranking %}
{% set group_by = group_by | default("all") %}
{% if group_by == "team" %}
    {% set group, group_name = "mg.team", "mg.team" %}
{% elif group_by == "manager" %}
    {% set group, group_name = "c.manager_id", "coalesce(mg.manager_name, c.manager_id)" %}
{% elif group_by in ("region", "market_type", "retail_format", "customer_class") %}
    {% set group, group_name = "c." ~ group_by, "c." ~ group_by %}
{% else %}
    {% set group, group_name = "'all'", "'all'" %}
{% endif %}
WITH scope AS (
    SELECT c.customer_id, c.status, {{ group }} AS part, {{ group_name }} AS group_name
    FROM customers c LEFT JOIN managers mg ON mg.manager_id = c.manager_id
    WHERE {{ scope.customers(filters, "c") }}
),
value AS (
    SELECT s.part, v.entity, v.value
    FROM ({{ values.by_customer(metric | default("amount"), months | default(false), as_name="entity") }}) v
    JOIN scope s ON s.customer_id = v.entity
),
{{ ranking.ranked() }},
{{ ranking.figures() }},
groups AS (
    SELECT s.part, any_value(s.group_name) AS group_name,
           count(*) FILTER (WHERE {{ customers.is_open("s") }}
                            AND coalesce(v.value, 0) <= 0) AS non_buyers
    FROM scope s LEFT JOIN value v ON v.entity = s.customer_id
    GROUP BY s.part
)
SELECT g.part AS "group", g.group_name,
       coalesce(f.buyers, 0) AS buyers, coalesce(f.total_value, 0) AS total_value,
       f.top20_share, f.pct_customers_for_80, f.gini,
       coalesce(f.a_count, 0) AS a_count, coalesce(f.b_count, 0) AS b_count,
       coalesce(f.c_count, 0) AS c_count, g.non_buyers
FROM groups g LEFT JOIN figures f ON f.part IS NOT DISTINCT FROM g.part
ORDER BY total_value DESC, "group" NULLS LAST
