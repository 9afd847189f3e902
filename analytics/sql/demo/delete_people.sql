{#- Delete the demo generator's customers and managers: those not in kept_customers /
    kept_managers (kept_keys.sql), and the follow-ups of the customers that go. -#}
DELETE FROM customers WHERE customer_id NOT IN (SELECT customer_id FROM kept_customers);
DELETE FROM managers WHERE manager_id NOT IN (SELECT manager_id FROM kept_managers);
DELETE FROM warning_followups WHERE customer_id NOT IN (SELECT customer_id FROM customers);
DROP TABLE kept_customers;
DROP TABLE kept_managers
