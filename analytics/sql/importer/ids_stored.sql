{#- Whether `table` holds any id between $low and $high: DuckDB answers from its row groups'
    min/max, so a file of new ids (order and visit numbers grow) is settled without a join. -#}
{% set column = column | default("order_id") %}
SELECT EXISTS (SELECT 1 FROM {{ table | default("orders") }} WHERE {{ column }} BETWEEN $low AND $high)
