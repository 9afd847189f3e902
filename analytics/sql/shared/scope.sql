{#- Which customers and managers a call may see: the sidebar's (or link's) team, manager,
    region and class, intersected with the signed-in account's scope (allowed_teams /
    allowed_managers: none = unrestricted, an empty list = nothing). Each list is bound one value
    per parameter ($teams_0, $teams_1, … from analytics.sql.filter_values), so DuckDB sees a
    plain IN list of constants, as it did when the values were positional. `filters.scoped` says
    whether any of them is set: without, a metric leaves its scope join out. A namespace without
    the allowed_* attributes (a metric's part of the filters) is unrestricted by the account. -#}

{#- "$name_0, $name_1, …" for the values of one filter list. -#}
{% macro values(name, items) -%}
{% for _ in items %}{% if not loop.first %}, {% endif %}${{ name }}_{{ loop.index0 }}{% endfor %}
{%- endmacro %}

{#- "IN (…)" of a list, or a condition no row meets when the list is empty. -#}
{% macro allowed_in(column, name, items) -%}
{% if items %}{{ column }} IN ({{ values(name, items) }}){% else %}FALSE{% endif %}
{%- endmacro %}

{#- Condition on the customers table aliased `alias`; a customer's team is its manager's team. -#}
{% macro customers(f, alias="c") -%}
{% set allowed_teams = f.allowed_teams | default(none) %}
{% set allowed_managers = f.allowed_managers | default(none) %}
TRUE
{%- if f.managers %} AND {{ alias }}.manager_id IN ({{ values("managers", f.managers) }}){% endif %}
{%- if f.teams %} AND {{ alias }}.manager_id IN (SELECT manager_id FROM managers WHERE team IN ({{ values("teams", f.teams) }})){% endif %}
{%- if f.regions %} AND {{ alias }}.region IN ({{ values("regions", f.regions) }}){% endif %}
{%- if f.classes %} AND {{ alias }}.customer_class IN ({{ values("classes", f.classes) }}){% endif %}
{%- if allowed_managers is not none %} AND {{ allowed_in(alias ~ ".manager_id", "allowed_managers", allowed_managers) }}{% endif %}
{%- if allowed_teams is not none %} AND {% if allowed_teams %}{{ alias }}.manager_id IN (SELECT manager_id FROM managers WHERE team IN ({{ values("allowed_teams", allowed_teams) }})){% else %}FALSE{% endif %}{% endif %}
{%- endmacro %}

{#- Condition on the managers table aliased `alias`: team, manager, the manager's region
    (class does not restrict managers), and the account's teams or manager. -#}
{% macro managers(f, alias="m") -%}
{% set allowed_teams = f.allowed_teams | default(none) %}
{% set allowed_managers = f.allowed_managers | default(none) %}
TRUE
{%- if f.managers %} AND {{ alias }}.manager_id IN ({{ values("managers", f.managers) }}){% endif %}
{%- if f.teams %} AND {{ alias }}.team IN ({{ values("teams", f.teams) }}){% endif %}
{%- if f.regions %} AND {{ alias }}.region IN ({{ values("regions", f.regions) }}){% endif %}
{%- if allowed_managers is not none %} AND {{ allowed_in(alias ~ ".manager_id", "allowed_managers", allowed_managers) }}{% endif %}
{%- if allowed_teams is not none %} AND {{ allowed_in(alias ~ ".team", "allowed_teams", allowed_teams) }}{% endif %}
{%- endmacro %}
