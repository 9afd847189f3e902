{#- One customer's master data with its manager and team (analytics.customer.customer_profile);
    no row when the customer is outside the filters' scope. Binds $customer_id. -#}
{% import "shared/scope.sql" as scope %}
SELECT c.customer_id, c.customer_name, c.manager_id, mg.manager_name, mg.team, c.region,
       c.customer_class, c.market_type, c.retail_format, c.tier, c.modern_terminal, c.status,
       c.open_date, c.violation_date
FROM customers c LEFT JOIN managers mg ON mg.manager_id = c.manager_id
WHERE c.customer_id = $customer_id AND {{ scope.customers(filters, "c") }}
