-- Every row of data out of the store: the data tables, the import log and undo, the follow-ups,
-- the order aggregates and the customer numbers (schema and settings stay).
DELETE FROM managers;
DELETE FROM customers;
DELETE FROM visits;
DELETE FROM orders;
DELETE FROM targets;
DELETE FROM import_log;
DELETE FROM import_undo;
DELETE FROM warning_followups;
DELETE FROM order_days;
DELETE FROM order_months;
DELETE FROM customer_keys
