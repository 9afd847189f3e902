{#- Whether optional table `table` (a name from analytics.optional_tables.OPTIONAL_TABLES) holds
    a row. -#}
SELECT EXISTS (SELECT 1 FROM {{ table | default("complaints") }})
