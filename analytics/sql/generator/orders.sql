{#- The generated order lines (an Arrow stream registered as demo_batch; days since 1970-01-01). -#}
INSERT INTO orders (order_id, customer_id, order_date, product, quantity, amount, import_id, cost)
    SELECT 'D' || strftime(day, '%Y%m%d') || lpad(CAST(order_no AS VARCHAR), 7, '0'),
           CAST(customer_code AS VARCHAR), day, CAST(product AS VARCHAR), quantity, amount, NULL, cost
    FROM (SELECT *, DATE '1970-01-01' + order_date AS day FROM demo_batch)
