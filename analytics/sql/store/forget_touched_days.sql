-- The stored customer-days an undo recomputes are deleted first.
DELETE FROM order_days d
WHERE EXISTS (SELECT 1 FROM agg_days k WHERE k.customer_id = d.customer_id AND k.order_date = d.order_date)
