{#- The customers and managers that stay when the demo data is cleared (analytics.demo): those
    an import (not undone) created or changed (import_undo), those that imported orders, visits,
    targets, stock checks, complaints or receivables name, and the managers of the customers that stay. Run after the demo's orders,
    visits and targets are deleted. Creates the temporary tables kept_customers, kept_managers. -#}
CREATE OR REPLACE TEMP TABLE kept_customers AS
    SELECT key AS customer_id FROM import_undo WHERE table_name = 'customers'
    UNION SELECT customer_id FROM orders
    UNION SELECT customer_id FROM visits
    UNION SELECT customer_id FROM stock_checks
    UNION SELECT customer_id FROM complaints
    UNION SELECT customer_id FROM receivables;
CREATE OR REPLACE TEMP TABLE kept_managers AS
    SELECT key AS manager_id FROM import_undo WHERE table_name = 'managers'
    UNION SELECT c.manager_id FROM customers c JOIN kept_customers k USING (customer_id)
        WHERE c.manager_id IS NOT NULL
    UNION SELECT manager_id FROM visits
    UNION SELECT manager_id FROM targets
