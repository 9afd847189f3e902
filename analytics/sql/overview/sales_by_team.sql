{#- Sales per calendar month ($first_month .. $last_month) and team of the customer's manager. -#}
{% import "shared/scope.sql" as scope %}
SELECT m.month, coalesce(mg.team, '?') AS team, sum(m.amount) AS sales
FROM order_months m
JOIN customers c USING (customer_id)
LEFT JOIN managers mg ON mg.manager_id = c.manager_id
WHERE m.month BETWEEN $first_month AND $last_month AND {{ scope.customers(filters, "c") }}
GROUP BY ALL
ORDER BY m.month, team
