{#- Which customers and managers a call may see: the sidebar's (or link's) team, manager,
    region and class, as conditions with their values bound as $managers, $teams, $regions,
    $classes (see analytics.sql.filter_values). `filters.scoped` says whether
    any of them is set: without, a metric leaves its scope join out. -#}

{#- Condition on the customers table aliased `alias`; a customer's team is its manager's team. -#}
{% macro customers(f, alias="c") -%}
TRUE
{%- if f.managers %} AND {{ alias }}.manager_id IN (SELECT unnest($managers)){% endif %}
{%- if f.teams %} AND {{ alias }}.manager_id IN (SELECT manager_id FROM managers WHERE team IN (SELECT unnest($teams))){% endif %}
{%- if f.regions %} AND {{ alias }}.region IN (SELECT unnest($regions)){% endif %}
{%- if f.classes %} AND {{ alias }}.customer_class IN (SELECT unnest($classes)){% endif %}
{%- endmacro %}

{#- Condition on the managers table aliased `alias`: team, manager, the manager's region
    (class does not restrict managers). -#}
{% macro managers(f, alias="m") -%}
TRUE
{%- if f.managers %} AND {{ alias }}.manager_id IN (SELECT unnest($managers)){% endif %}
{%- if f.teams %} AND {{ alias }}.team IN (SELECT unnest($teams)){% endif %}
{%- if f.regions %} AND {{ alias }}.region IN (SELECT unnest($regions)){% endif %}
{%- endmacro %}
