{#- One customer's visits on the days $start to $end (analytics.customer.customer_visits);
    visit_date is a timestamp, so the end is the next day's midnight. None when the customer is
    outside the filters' scope. -#}
{% import "shared/scope.sql" as scope %}
SELECT visit_date, manager_id, method, duration_min, notes
FROM visits
WHERE customer_id = $customer_id AND visit_date >= $start AND visit_date < CAST($end AS DATE) + INTERVAL 1 DAY
{% if filters.scoped %}
  AND customer_id IN (SELECT c.customer_id FROM customers c WHERE c.customer_id = $customer_id AND {{ scope.customers(filters, "c") }})
{% endif %}
ORDER BY visit_date DESC
