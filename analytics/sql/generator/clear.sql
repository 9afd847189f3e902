{#- Everything a demo district replaces: every table of data, the import history and the
    follow-ups (the demo starts a fresh store). -#}
DELETE FROM managers;
DELETE FROM customers;
DELETE FROM visits;
DELETE FROM orders;
DELETE FROM targets;
DELETE FROM import_log;
DELETE FROM import_undo;
DELETE FROM warning_followups;
DELETE FROM customer_keys;
