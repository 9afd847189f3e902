{#- Inventory guidance (domain guide §4, 001:242-246): for each customer and product, its last
    stock check up to $as_of and the check before it. Ordered between = quantity of the
    product's order lines from the previous check's day up to the day before this check (an
    order on a check day is counted after that day's count). actual sales = previous stock +
    ordered between - current stock; reasonable stock = $factor x actual sales (none below 0);
    suggested order = reasonable stock - current stock, never below 0. -#}
{% import "shared/scope.sql" as scope %}
WITH checks AS (
    SELECT s.customer_id, s.product, s.check_date, sum(s.stock_qty) AS stock_qty
    FROM stock_checks s
    JOIN customers c ON c.customer_id = s.customer_id
    WHERE s.check_date <= $as_of AND {{ scope.customers(filters, "c") }}
    {% if customer | default(false) %}
      AND s.customer_id = $customer_id
    {% endif %}
    GROUP BY ALL
), paired AS (
    SELECT *,
           lag(check_date) OVER w AS previous_check,
           lag(stock_qty) OVER w AS previous_stock,
           row_number() OVER (PARTITION BY customer_id, product ORDER BY check_date DESC) AS newest
    FROM checks
    WINDOW w AS (PARTITION BY customer_id, product ORDER BY check_date)
), latest AS (
    SELECT * FROM paired WHERE newest = 1 AND previous_check IS NOT NULL
), ordered AS (
    SELECT l.customer_id, l.product, coalesce(sum(o.quantity), 0) AS ordered_between
    FROM latest l
    LEFT JOIN orders o
      ON o.customer_id = l.customer_id AND o.product = l.product
     AND o.order_date >= l.previous_check AND o.order_date < l.check_date
    GROUP BY ALL
), figures AS (
    SELECT l.customer_id, c.manager_id, l.product, l.previous_check, l.previous_stock, l.check_date,
           l.stock_qty, o.ordered_between,
           l.previous_stock + o.ordered_between - l.stock_qty AS actual_sales
    FROM latest l
    JOIN ordered o ON o.customer_id = l.customer_id AND o.product = l.product
    JOIN customers c ON c.customer_id = l.customer_id
)
SELECT *,
       $factor * greatest(actual_sales, 0) AS reasonable_stock,
       greatest($factor * greatest(actual_sales, 0) - stock_qty, 0) AS suggested_order
FROM figures
ORDER BY customer_id, product
