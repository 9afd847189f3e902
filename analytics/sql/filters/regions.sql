-- Regions offered in the sidebar: every region a customer or a manager names.
SELECT DISTINCT region
FROM (SELECT region FROM customers UNION ALL SELECT region FROM managers)
WHERE region IS NOT NULL
ORDER BY region
