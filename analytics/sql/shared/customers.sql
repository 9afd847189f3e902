{#- Shared definitions about customers, written once. -#}

{#- Open = status not closed (a missing status counts as open). -#}
{% macro is_open(alias="c") -%}
coalesce({{ alias }}.status, 'active') <> 'closed'
{%- endmacro %}
