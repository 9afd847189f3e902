{#- Rows of each data table, for what clearing the demo data removed (analytics.demo). -#}
SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM managers) AS managers,
       (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM visits) AS visits,
       (SELECT count(*) FROM targets) AS targets
