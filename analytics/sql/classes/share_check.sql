{#- Share of each service class among the open customers of each group, against the standard
    bands (analytics.classes.class_share_check). Context: group_by (team, region, manager).
    Binds $band_classes, $band_min, $band_max (the bands in the order shown). status: 'within'
    when the count is between floor(share_min × n) and ceil(share_max × n) (1e-9: a product
    that lands on a whole number stays whole), else 'below' or 'above'; NULL without a band. -#}
{% import "shared/scope.sql" as scope %}
{% import "shared/customers.sql" as customers %}
{% set group_by = group_by | default("team") %}
{% if group_by == "manager" %}
    {% set group, group_name = "c.manager_id", "coalesce(mg.manager_name, c.manager_id)" %}
{% elif group_by == "region" %}
    {% set group, group_name = "c.region", "c.region" %}
{% else %}
    {% set group, group_name = "mg.team", "mg.team" %}
{% endif %}
WITH scope AS (
    SELECT {{ group }} AS grp, {{ group_name }} AS group_name, c.customer_class
    FROM customers c LEFT JOIN managers mg ON mg.manager_id = c.manager_id
    WHERE {{ customers.is_open("c") }} AND {{ scope.customers(filters, "c") }}
),
groups AS (
    SELECT grp, any_value(group_name) AS group_name, count(*) AS group_customers FROM scope GROUP BY grp
),
counts AS (
    SELECT grp, customer_class, count(*) AS customers FROM scope GROUP BY grp, customer_class
),
bands AS (
    SELECT unnest(CAST($band_classes AS VARCHAR[])) AS customer_class,
           unnest(CAST($band_min AS DOUBLE[])) AS share_min,
           unnest(CAST($band_max AS DOUBLE[])) AS share_max,
           unnest(generate_series(1, len(CAST($band_classes AS VARCHAR[])))) AS position
),
cells AS (
    SELECT g.grp, g.group_name, g.group_customers, b.customer_class, b.share_min, b.share_max, b.position,
           coalesce(n.customers, 0) AS customers
    FROM groups g CROSS JOIN bands b
    LEFT JOIN counts n ON n.grp IS NOT DISTINCT FROM g.grp AND n.customer_class = b.customer_class
    UNION ALL
    SELECT n.grp, g.group_name, g.group_customers, n.customer_class, NULL, NULL, len(CAST($band_classes AS VARCHAR[])) + 1, n.customers
    FROM counts n JOIN groups g ON g.grp IS NOT DISTINCT FROM n.grp
    WHERE n.customer_class IS NULL OR n.customer_class NOT IN (SELECT customer_class FROM bands)
)
SELECT grp AS "group", group_name, customer_class, customers, group_customers,
       customers / group_customers AS share, share_min, share_max,
       CASE WHEN share_min IS NULL THEN NULL
            WHEN customers < floor(share_min * group_customers + 1e-9) THEN 'below'
            WHEN customers > ceil(share_max * group_customers - 1e-9) THEN 'above'
            ELSE 'within' END AS status
FROM cells
ORDER BY "group" NULLS LAST, position, customer_class
