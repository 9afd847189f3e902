{#- The staged rows of an identity group that `table` holds already, as temp table import_known
    (their _row). A join hashes the file's rows and probes the table with them (DuckDB then skips
    the table's row groups outside the file's key range), rather than NOT EXISTS, which hashes the
    whole table: time and memory grew with it. -#}
{% import "importer/identities.sql" as identities %}
{% set identity = identity | default(["order_id", "product"]) %}
{% set source = identities.first_of_each(column | default("order_id"), filled | default(true),
                                         identity, distinct | default(true)) %}
CREATE TEMP TABLE import_known AS
SELECT DISTINCT s._row
FROM {{ source }} s
JOIN {{ table | default("orders") }} o ON {{ identities.same(identity) }}
