{#- The staged rows of an identity group (the file's first row of each identity) that the table
    does not hold yet (with `known`: their _row are not in import_known) appended to `table` with
    $import_id. `columns`: the table's contract columns. -#}
{% import "importer/identities.sql" as identities %}
{% set columns = columns | default(["order_id", "customer_id", "order_date", "amount"]) %}
{% set source = identities.first_of_each(column | default("order_id"), filled | default(true),
                                         identity | default(["order_id", "product"]), distinct | default(true)) %}
INSERT INTO {{ table | default("orders") }} ({{ columns | join(", ") }}, import_id)
SELECT {% for c in columns %}s.{{ c }}, {% endfor %}$import_id
FROM {{ source }} s
{% if known | default(false) %}
WHERE s._row NOT IN (SELECT _row FROM import_known)
{% endif %}
