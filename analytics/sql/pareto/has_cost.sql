{#- 1 when some order carries a cost (gross profit can be offered), else 0. -#}
SELECT count(*) FROM (SELECT 1 FROM order_days WHERE cost IS NOT NULL LIMIT 1)
