{#- One customer's visits on the days $start to $end (analytics.customer.customer_visits);
    visit_date is a timestamp, so the end is the next day's midnight. -#}
SELECT visit_date, manager_id, method, duration_min, notes
FROM visits
WHERE customer_id = $customer_id AND visit_date >= $start AND visit_date < CAST($end AS DATE) + INTERVAL 1 DAY
ORDER BY visit_date DESC
