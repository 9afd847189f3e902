{#- Which staged rows are the same line (macros only). An append-only table's rows fall in identity
    groups: those with an id (`column` IS NOT NULL, `filled`), those without, or all of them
    (`column` none); `identity` is the columns that identify a row of the group. -#}

{% macro group_rows(column, filled) -%}
{% if column is none %}TRUE{% else %}{{ column }} IS {% if filled %}NOT {% endif %}NULL{% endif %}
{%- endmacro %}

{#- The staged rows of a group to consider, as a FROM source: all of them when their identities are
    known to be distinct, else the first row of each identity (duplicates inside the file count
    once). -#}
{% macro first_of_each(column, filled, identity, distinct) -%}
{% if distinct -%}
(SELECT * FROM import_stage WHERE {{ group_rows(column, filled) }})
{%- else -%}
(SELECT * FROM import_stage WHERE {{ group_rows(column, filled) }}
                QUALIFY row_number() OVER (PARTITION BY {{ identity | join(", ") }} ORDER BY _row) = 1)
{%- endif %}
{%- endmacro %}

{#- Rows `left` and `right` agree on `columns` (NULL agrees with NULL). -#}
{% macro same(columns, left="o", right="s") -%}
{% for c in columns %}{{ left }}.{{ c }} IS NOT DISTINCT FROM {{ right }}.{{ c }}{% if not loop.last %} AND {% endif %}{% endfor %}
{%- endmacro %}
