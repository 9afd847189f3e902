{#- The customer $customer_id, when it is in `filters` (the account's scope with the page's
    filters): a follow-up is recorded only then. -#}
{% import "shared/scope.sql" as scope %}
SELECT c.customer_id
FROM customers c
WHERE c.customer_id = $customer_id AND {{ scope.customers(filters, "c") }}
