{#- Each manager's sales per month ('YYYY-MM'), the base of the demo targets. -#}
SELECT c.manager_id, strftime(m.month, '%Y-%m') AS month, sum(m.amount) AS sales
FROM order_months m JOIN customers c USING (customer_id)
GROUP BY ALL ORDER BY c.manager_id, month
