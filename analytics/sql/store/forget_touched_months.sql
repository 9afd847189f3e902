-- The stored customer-months an undo recomputes are deleted first.
DELETE FROM order_months m
WHERE EXISTS (SELECT 1 FROM agg_months k WHERE k.customer_id = m.customer_id AND k.month = m.month)
