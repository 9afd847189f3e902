{#- The ABC class of the 80/20 analysis (domain guide §4), written once for every metric that
    ranks customers (80/20 page, ABC migration, tier-drop warnings).

    A customer is A when the cumulative value share *before* it is < $a_share, B when < $b_share,
    C otherwise. The tolerance (1e-9) keeps a customer whose share lands exactly on the line, up
    to floating-point error, on the same side on every page. -#}

{#- CASE expression from `before` (value of the customers ranked ahead) and `total`. -#}
{% macro abc_class(before, total) -%}
CASE WHEN {{ before }} < (CAST($a_share AS DOUBLE) - 1e-9) * {{ total }} THEN 'A'
     WHEN {{ before }} < (CAST($b_share AS DOUBLE) - 1e-9) * {{ total }} THEN 'B'
     ELSE 'C' END
{%- endmacro %}

{#- Running value of the customers ranked ahead: `value` descending, ties by `tie`. -#}
{% macro value_before(value, tie, partition="") -%}
coalesce(sum({{ value }}) OVER ({% if partition %}PARTITION BY {{ partition }} {% endif %}ORDER BY {{ value }} DESC, {{ tie }}
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
{%- endmacro %}
