{#- Staged rows outside the account's teams ($teams), judged against the store as it is before
    the import writes: their row, the column that places them elsewhere, its value, and whether
    the customer is unknown (an import may not create a customer its account cannot see).
    `table`: the import's table; `mapped`: the columns the file maps (a customer's manager or a
    manager's team the file leaves out is the stored one). A customer's team is its manager's. -#}
{% set table = table | default("orders") %}
{% set mapped = mapped | default([]) %}
{% macro in_teams(team) -%}
COALESCE(list_contains($teams::VARCHAR[], {{ team }}), FALSE)
{%- endmacro %}
WITH team_managers AS (
    SELECT manager_id FROM managers WHERE {{ in_teams("team") }}
),
team_customers AS (
    SELECT customer_id FROM customers WHERE manager_id IN (SELECT manager_id FROM team_managers)
),
found AS (
{% if table == "customers" %}
    SELECT s._row, 'manager_id' AS column_name,
           {{ "s.manager_id" if "manager_id" in mapped else "c.manager_id" }} AS value, FALSE AS unknown
    FROM import_stage s
    LEFT JOIN customers c ON c.customer_id = s.customer_id
    WHERE {{ "s.manager_id" if "manager_id" in mapped else "c.manager_id" }} IS NULL
       OR {{ "s.manager_id" if "manager_id" in mapped else "c.manager_id" }} NOT IN (SELECT manager_id FROM team_managers)
    UNION ALL
    SELECT s._row, 'customer_id', s.customer_id, FALSE
    FROM import_stage s
    JOIN customers c ON c.customer_id = s.customer_id
    WHERE c.manager_id IS NULL OR c.manager_id NOT IN (SELECT manager_id FROM team_managers)
{% elif table == "managers" %}
    SELECT s._row, 'team' AS column_name, {{ "s.team" if "team" in mapped else "m.team" }} AS value,
           FALSE AS unknown
    FROM import_stage s
    LEFT JOIN managers m ON m.manager_id = s.manager_id
    WHERE NOT {{ in_teams("s.team" if "team" in mapped else "m.team") }}
    UNION ALL
    SELECT s._row, 'manager_id', s.manager_id, FALSE
    FROM import_stage s
    JOIN managers m ON m.manager_id = s.manager_id
    WHERE NOT {{ in_teams("m.team") }}
{% elif table == "targets" %}
    SELECT s._row, 'manager_id' AS column_name, s.manager_id AS value, FALSE AS unknown
    FROM import_stage s
    WHERE s.manager_id NOT IN (SELECT manager_id FROM team_managers)
{% else %}
    SELECT s._row, 'customer_id' AS column_name, s.customer_id AS value,
           NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = s.customer_id) AS unknown
    FROM import_stage s
    WHERE s.customer_id NOT IN (SELECT customer_id FROM team_customers)
{% if table == "visits" %}
    UNION ALL
    SELECT s._row, 'manager_id', s.manager_id, FALSE
    FROM import_stage s
    JOIN managers m ON m.manager_id = s.manager_id
    WHERE NOT {{ in_teams("m.team") }}
{% endif %}
{% endif %}
)
SELECT _row, column_name, value, unknown FROM found ORDER BY _row, column_name
