-- How many customers, orders and visits are stored (0: the store is empty).
SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders) + (SELECT count(*) FROM visits)
