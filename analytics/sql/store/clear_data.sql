-- Every row of data out of the store: the data tables, the import log and undo, the follow-ups,
-- the order aggregates, the customer numbers and the optional tables of the service standard
-- (schema, settings, accounts and the audit log stay). The demo generator starts from here too.
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
DELETE FROM customer_keys;
DELETE FROM stock_checks;
DELETE FROM complaints;
DELETE FROM receivables
