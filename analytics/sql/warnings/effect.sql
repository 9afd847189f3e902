{#- For each warning opened ($customer_ids with their $opened_dates), whether
    the customer came back (an order day in the $horizon days after opened_on, on or before
    $as_of), whether the outcome is known yet (came back, or the window ended by $as_of), and
    whether the warning was followed up: a follow-up with status contacted or recovered made in
    the $horizon days after opened_on (by its updated_at date). -#}
WITH opened AS (
    SELECT unnest(CAST($customer_ids AS VARCHAR[])) AS customer_id,
           unnest(CAST($opened_dates AS DATE[])) AS opened_on
)
SELECT w.customer_id, w.opened_on,
       EXISTS (SELECT 1 FROM order_days o
               WHERE o.customer_id = w.customer_id AND o.order_date > w.opened_on
                 AND o.order_date <= w.opened_on + CAST($horizon AS INTEGER)
                 AND o.order_date <= CAST($as_of AS DATE)) AS came_back,
       w.opened_on + CAST($horizon AS INTEGER) <= CAST($as_of AS DATE) AS window_ended,
       EXISTS (SELECT 1 FROM warning_followups f
               WHERE f.customer_id = w.customer_id AND f.status IN ('contacted', 'recovered')
                 AND CAST(f.updated_at AS DATE) >= w.opened_on
                 AND CAST(f.updated_at AS DATE) <= w.opened_on + CAST($horizon AS INTEGER)) AS followed_up
FROM opened w
ORDER BY w.customer_id
