{#- The 80/20 ranking and its figures, for every query that ranks buyers (customers, products,
    months, the ABC migration and one customer's history). Both read a relation
    `value(part, entity, value)` defined before them; `part` ranks each part on its own.
    ranked() binds $a_share and $b_share (shared/abc.sql). -#}
{% import "shared/abc.sql" as abc %}

{#- Buyers (value > 0) by value descending, ties by entity: rank, n (buyers of the part),
    total, running (value up to and including this one), before and abc. -#}
{% macro ranked() -%}
ranked AS (
    SELECT part, entity, value, rank, n, total, running, before,
           {{ abc.abc_class("before", "total") }} AS abc
    FROM (
        SELECT part, entity, value,
               row_number() OVER w AS rank,
               count(*) OVER p AS n,
               sum(value) OVER p AS total,
               sum(value) OVER (w ROWS UNBOUNDED PRECEDING) AS running,
               {{ abc.value_before("value", "entity", "part") }} AS before
        FROM value
        WHERE value > 0
        WINDOW p AS (PARTITION BY part), w AS (PARTITION BY part ORDER BY value DESC, entity)
    )
)
{%- endmacro %}

{#- Concentration figures per part, from `ranked`. ceil(0.2 n) = (n + 4) // 5 in integers; the
    1e-9 keeps an 80% reached up to floating-point error (0.7 + 0.1) counted as reached. -#}
{% macro figures() -%}
figures AS (
    SELECT part,
           count(*) AS buyers,
           sum(value) AS total_value,
           sum(value) FILTER (WHERE rank <= (n + 4) // 5) / sum(value) AS top20_share,
           min(rank) FILTER (WHERE running >= (0.8 - 1e-9) * total) / count(*) AS pct_customers_for_80,
           sum((n + 1 - 2 * rank) * value) / (count(*) * sum(value)) AS gini,
           count(*) FILTER (WHERE abc = 'A') AS a_count,
           count(*) FILTER (WHERE abc = 'B') AS b_count,
           count(*) FILTER (WHERE abc = 'C') AS c_count
    FROM ranked
    GROUP BY part
)
{%- endmacro %}
