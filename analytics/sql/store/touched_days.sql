{#- The customer-days (agg_days) and customer-months (agg_months) whose aggregates an undo
    recomputes: those of the rows listed in temp table `keys` (customer_id, order_date). -#}
CREATE TEMP TABLE agg_days AS
SELECT DISTINCT customer_id, order_date FROM (SELECT * FROM {{ keys | default("undo_keys") }});
CREATE TEMP TABLE agg_months AS
SELECT DISTINCT customer_id, date_trunc('month', order_date)::DATE AS month FROM agg_days
