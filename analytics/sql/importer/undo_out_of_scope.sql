{#- How many of the rows an import wrote or changed lie outside $teams (a supervisor may not undo
    an import that touched another team's data). Judged by the rows as they are now: appended and
    stamped rows by their import_id, keyed rows by the keys import_undo kept. `table`: the import's
    table. A customer's team is its manager's. -#}
{% set table = table | default("orders") %}
WITH team_managers AS (
    SELECT manager_id FROM managers WHERE COALESCE(list_contains($teams::VARCHAR[], team), FALSE)
),
team_customers AS (
    SELECT customer_id FROM customers WHERE manager_id IN (SELECT manager_id FROM team_managers)
),
touched AS (
{% if table == "targets" %}
    SELECT manager_id IN (SELECT manager_id FROM team_managers) AS inside
    FROM targets WHERE import_id = $import_id
{% elif table in ("customers", "managers") %}
    SELECT key IN (SELECT {{ "customer_id FROM team_customers" if table == "customers" else "manager_id FROM team_managers" }})
           AS inside
    FROM import_undo WHERE import_id = $import_id AND table_name = $table
{% else %}
    SELECT customer_id IN (SELECT customer_id FROM team_customers) AS inside
    FROM {{ table }} WHERE import_id = $import_id
{% endif %}
{% if table in ("orders", "visits") %}
    UNION ALL
    SELECT key IN (SELECT customer_id FROM team_customers)
    FROM import_undo WHERE import_id = $import_id AND table_name = 'customers'
{% endif %}
)
SELECT count(*) FROM touched WHERE NOT inside
