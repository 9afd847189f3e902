{#- Every customer in scope with the facts the class rules read and the class they recommend
    (analytics.classes.recommend_classes; settings [class_rules], precedence
    assist > core > potential > regular). Binds $cutoff and $as_of (the violation window), the
    rules' lists and minimum tiers ($core_market_types, $core_retail_formats,
    $core_modern_terminal, $core_tier_min and the same for potential) and $tier_max. -#}
{% import "shared/scope.sql" as scope %}

{#- A customer meets the `prefix` (core or potential) criteria; a missing fact fails. -#}
{% macro fits(prefix) -%}
coalesce(list_contains(CAST(${{ prefix }}_market_types AS VARCHAR[]), c.market_type)
                    AND list_contains(CAST(${{ prefix }}_retail_formats AS VARCHAR[]), c.retail_format)
                    AND list_contains(CAST(${{ prefix }}_modern_terminal AS VARCHAR[]), c.modern_terminal)
                    AND c.tier BETWEEN ${{ prefix }}_tier_min AND $tier_max, FALSE)
{%- endmacro %}
WITH facts AS (
    SELECT c.customer_id, c.customer_name, c.manager_id, mg.team, c.region, c.status,
           c.customer_class AS assigned_class, c.market_type, c.retail_format, c.tier, c.modern_terminal,
           c.violation_date,
           coalesce(c.violation_date BETWEEN $cutoff AND $as_of, FALSE) AS recent_violation,
           coalesce(c.low_income, FALSE) AS low_income,
           coalesce(c.disabled, FALSE) AS disabled,
           {{ fits("core") }} AS core_fit,
           {{ fits("potential") }} AS potential_fit
    FROM customers c LEFT JOIN managers mg ON mg.manager_id = c.manager_id
    WHERE {{ scope.customers(filters, "c") }}
)
SELECT *,
       CASE WHEN recent_violation OR low_income OR disabled THEN 'assist'
            WHEN core_fit THEN 'core'
            WHEN potential_fit THEN 'potential'
            ELSE 'regular' END AS recommended_class
FROM facts
