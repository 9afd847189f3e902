{#- One customer's order lines from $start to $end (analytics.customer.customer_orders). -#}
SELECT order_date, order_id, product, quantity, amount, cost
FROM orders WHERE customer_id = $customer_id AND order_date BETWEEN $start AND $end
ORDER BY order_date DESC, order_id, product
