{#- Collections (回款, domain guide §4): per customer in scope, the unpaid amount of invoices
    past their due date as of $as_of, by days past due: 1-30, 31-60, 61-90, over 90.
    Unpaid = amount - paid_amount, where a payment counts once its paid_date is on or before
    $as_of (a payment without a date counts as made). Only invoices issued by $as_of. -#}
{% import "shared/scope.sql" as scope %}
WITH open_items AS (
    SELECT r.customer_id,
           date_diff('day', r.due_date, CAST($as_of AS DATE)) AS days_late,
           r.amount - CASE WHEN r.paid_date IS NULL OR r.paid_date <= $as_of
                           THEN coalesce(r.paid_amount, 0) ELSE 0 END AS unpaid
    FROM receivables r
    WHERE r.invoice_date <= $as_of AND r.due_date < $as_of
), late AS (
    SELECT customer_id,
           sum(unpaid) FILTER (WHERE days_late BETWEEN 1 AND 30) AS overdue_1_30,
           sum(unpaid) FILTER (WHERE days_late BETWEEN 31 AND 60) AS overdue_31_60,
           sum(unpaid) FILTER (WHERE days_late BETWEEN 61 AND 90) AS overdue_61_90,
           sum(unpaid) FILTER (WHERE days_late > 90) AS overdue_90_plus,
           max(days_late) AS oldest_days
    FROM open_items
    WHERE unpaid > 0.005
    GROUP BY customer_id
)
SELECT l.customer_id, c.customer_name, c.manager_id, m.manager_name,
       coalesce(l.overdue_1_30, 0) AS overdue_1_30,
       coalesce(l.overdue_31_60, 0) AS overdue_31_60,
       coalesce(l.overdue_61_90, 0) AS overdue_61_90,
       coalesce(l.overdue_90_plus, 0) AS overdue_90_plus,
       coalesce(l.overdue_1_30, 0) + coalesce(l.overdue_31_60, 0)
         + coalesce(l.overdue_61_90, 0) + coalesce(l.overdue_90_plus, 0) AS overdue_total,
       l.oldest_days
FROM late l
JOIN customers c ON c.customer_id = l.customer_id
LEFT JOIN managers m ON m.manager_id = c.manager_id
WHERE {{ scope.customers(filters, "c") }}
ORDER BY overdue_total DESC, l.customer_id
