{#- How many staged rows an identity group has, and how many distinct hashes of their identities
    (as many as rows: no line repeats, since equal identities have equal hashes). -#}
{% import "importer/identities.sql" as identities %}
SELECT count(*), count(DISTINCT hash({{ (identity | default(["order_id", "product"])) | join(", ") }}))
FROM import_stage WHERE {{ identities.group_rows(column | default("order_id"), filled | default(true)) }}
