{#- One row per customer in scope with an order on or before $as_of: the facts behind each
    loss-warning rule, one boolean column per rule (domain.RULES, in that order) and `rules`,
    the codes of those that fired joined with ';'. The windows: warnings/fired.sql; `sampled`:
    the risk backtest's sample of customers only. -#}
{% import "warnings/fired.sql" as rules %}
{{ rules.fired(filters, cut_months | default(0), sampled | default(false)) }}
SELECT customer_id, customer_name, manager_id, manager_name, team, customer_class, status,
       first_order_date, last_order_date, days_since_last_order, orders_365, median_gap,
       value_last, value_prev, value_ly, revenue_at_risk, months_at_floor,
       last_visit_date, days_since_last_visit, interval_days, previous_abc, current_abc, violation_date,
       overdue_total, eligible,
       coalesce(cadence, FALSE) AS cadence,
       coalesce(decline_yoy, FALSE) AS decline_yoy,
       coalesce(decline_prev, FALSE) AS decline_prev,
       coalesce(low_value, FALSE) AS low_value,
       coalesce(visit_overdue, FALSE) AS visit_overdue,
       coalesce(tier_drop, FALSE) AS tier_drop,
       coalesce(class_mismatch, FALSE) AS class_mismatch,
       coalesce(overdue_payment, FALSE) AS overdue_payment,
       concat_ws(';', CASE WHEN cadence THEN 'cadence' END,
                      CASE WHEN decline_yoy THEN 'decline_yoy' END,
                      CASE WHEN decline_prev THEN 'decline_prev' END,
                      CASE WHEN low_value THEN 'low_value' END,
                      CASE WHEN visit_overdue THEN 'visit_overdue' END,
                      CASE WHEN tier_drop THEN 'tier_drop' END,
                      CASE WHEN class_mismatch THEN 'class_mismatch' END,
                      CASE WHEN overdue_payment THEN 'overdue_payment' END) AS rules
FROM fired
ORDER BY customer_id
