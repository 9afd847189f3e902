-- The customer-days of an import's orders (temp table undo_keys), whose aggregates its undo
-- recomputes.
CREATE TEMP TABLE undo_keys AS
SELECT DISTINCT customer_id, order_date FROM orders WHERE import_id = $import_id
