{#- Which customers and managers a call may see: the sidebar's (or link's) team, manager,
    region and class. Each list is bound one value per parameter ($teams_0, $teams_1, … from
    analytics.sql.filter_values), so DuckDB sees a plain IN list of constants, as it did when
    the values were positional. `filters.scoped` says whether any of them is set: without, a
    metric leaves its scope join out. -#}

{#- "$name_0, $name_1, …" for the values of one filter list. -#}
{% macro values(name, items) -%}
{% for _ in items %}{% if not loop.first %}, {% endif %}${{ name }}_{{ loop.index0 }}{% endfor %}
{%- endmacro %}

{#- Condition on the customers table aliased `alias`; a customer's team is its manager's team. -#}
{% macro customers(f, alias="c") -%}
TRUE
{%- if f.managers %} AND {{ alias }}.manager_id IN ({{ values("managers", f.managers) }}){% endif %}
{%- if f.teams %} AND {{ alias }}.manager_id IN (SELECT manager_id FROM managers WHERE team IN ({{ values("teams", f.teams) }})){% endif %}
{%- if f.regions %} AND {{ alias }}.region IN ({{ values("regions", f.regions) }}){% endif %}
{%- if f.classes %} AND {{ alias }}.customer_class IN ({{ values("classes", f.classes) }}){% endif %}
{%- endmacro %}

{#- Condition on the managers table aliased `alias`: team, manager, the manager's region
    (class does not restrict managers). -#}
{% macro managers(f, alias="m") -%}
TRUE
{%- if f.managers %} AND {{ alias }}.manager_id IN ({{ values("managers", f.managers) }}){% endif %}
{%- if f.teams %} AND {{ alias }}.team IN ({{ values("teams", f.teams) }}){% endif %}
{%- if f.regions %} AND {{ alias }}.region IN ({{ values("regions", f.regions) }}){% endif %}
{%- endmacro %}
