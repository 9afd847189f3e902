-- The unknown customers created, attributes unknown (a visit gives the manager).
INSERT INTO customers (customer_id, manager_id)
SELECT customer_id, manager_id FROM import_new_customers
