{#- One customer's order lines from $start to $end (analytics.customer.customer_orders); none when
    the customer is outside the filters' scope. -#}
{% import "shared/scope.sql" as scope %}
SELECT order_date, order_id, product, quantity, amount, cost
FROM orders WHERE customer_id = $customer_id AND order_date BETWEEN $start AND $end
{% if filters.scoped %}
  AND customer_id IN (SELECT c.customer_id FROM customers c WHERE c.customer_id = $customer_id AND {{ scope.customers(filters, "c") }})
{% endif %}
ORDER BY order_date DESC, order_id, product
