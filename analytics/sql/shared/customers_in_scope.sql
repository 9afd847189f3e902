{#- The customers in scope (the shared scope definition alone, for its test and for
    metrics that need nothing but the ids). -#}
{% import "shared/scope.sql" as scope %}
SELECT c.customer_id FROM customers c WHERE {{ scope.customers(filters, "c") }}
