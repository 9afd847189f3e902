{#- An import's order lines as day totals per customer (temp table agg_days), with the customers'
    numbers (NULL for a customer new to the store), new_day to be settled and whether the customer
    is unknown. `from_stage`: the lines are the stage's rows (every staged row was added), and the
    join to the customers tells the unknown ones; otherwise they are read back from orders by
    $import_id. -#}
{% import "store/aggregates.sql" as aggregates %}
{% set from_stage = from_stage | default(false) %}
CREATE TEMP TABLE agg_days AS
SELECT n.customer_id, k.customer_no, n.order_date, FALSE AS new_day, n.amount AS add_amount,
       n.quantity AS add_quantity, n.cost AS add_cost, n.lines AS add_lines,
       {{ "c.customer_id IS NULL" if from_stage else "FALSE" }} AS unknown_customer
FROM ({{ aggregates.day_totals("import_stage" if from_stage else "(SELECT * FROM orders WHERE import_id = $import_id)") }}) n
LEFT JOIN customer_keys k ON k.customer_id = n.customer_id
{% if from_stage %}
LEFT JOIN customers c ON c.customer_id = n.customer_id
{% endif %}
