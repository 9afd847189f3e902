{#- Every row of one of the exported tables (db.DATA_TABLES and import_log; never a user's text),
    or with `count` how many there are. -#}
SELECT {% if count | default(false) %}count(*){% else %}*{% endif %} FROM {{ table | default("orders") }}
