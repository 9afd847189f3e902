{#- Customers or managers: the file's first row of each key (duplicates inside the file count
    once) into temp table import_first. -#}
INSERT INTO import_first
SELECT * FROM import_stage
WHERE _row IN (SELECT min(_row) FROM import_stage GROUP BY {{ key | default("customer_id") }})
