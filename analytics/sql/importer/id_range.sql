{#- The lowest and highest id of the staged rows of an identity group with ids. -#}
{% import "importer/identities.sql" as identities %}
{% set column = column | default("order_id") %}
{% set source = identities.first_of_each(column, filled | default(true),
                                         identity | default(["order_id", "product"]), distinct | default(true)) %}
SELECT min({{ column }}), max({{ column }}) FROM {{ source }} s
