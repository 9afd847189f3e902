{#- An import's rows of an append-only table (orders, visits or targets) removed by its undo. -#}
DELETE FROM {{ table | default("orders") }} WHERE import_id = $import_id
