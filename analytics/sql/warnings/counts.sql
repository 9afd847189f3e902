{#- Warned and open loss warnings per manager as of $as_of, and the manager's lost customers
    (closed, or no order since before $lost_before), from one pass of the rules (warnings/fired.sql):
    no row per customer leaves the database. A warning is closed as in warnings.followups:
    marked lost, or recovered within $recovered_hold_days days. -#}
{% import "warnings/fired.sql" as rules %}
{% import "warnings/followups.sql" as followups %}
{% import "shared/customers.sql" as customers %}
{{ rules.fired(filters, cut_months | default(0)) }},
current_followup AS (
{{ followups.current() }}
),
judged AS (
    SELECT f.manager_id, f.manager_name, f.team,
           -- Loss signals open a warning; service gaps (visit_overdue, class_mismatch) never alone.
           (coalesce(cadence, FALSE) OR coalesce(decline_yoy, FALSE) OR coalesce(decline_prev, FALSE)
            OR coalesce(low_value, FALSE) OR coalesce(tier_drop, FALSE)
            OR coalesce(overdue_payment, FALSE)) AS warned,
           coalesce(cf.status = 'lost' OR (cf.status = 'recovered'
                    AND CAST($as_of AS DATE) - cf.recovered_on <= CAST($recovered_hold_days AS INTEGER)),
                    FALSE) AS closed
    FROM fired f LEFT JOIN current_followup cf ON cf.customer_id = f.customer_id
    WHERE f.manager_id IS NOT NULL
),
counted AS (
    SELECT manager_id, any_value(manager_name) AS manager_name, any_value(team) AS team,
           count(*) AS customers, count(*) FILTER (WHERE warned) AS warned,
           count(*) FILTER (WHERE warned AND NOT closed) AS open_warnings
    FROM judged
    GROUP BY manager_id
),
lost AS (
    SELECT s.manager_id, count(*) AS lost_customers
    FROM scope s LEFT JOIN per_customer p ON p.customer_no = s.customer_no
    WHERE s.manager_id IS NOT NULL
      AND (NOT ({{ customers.is_open("s") }}) OR p.last_order_date < CAST($lost_before AS DATE))
    GROUP BY s.manager_id
)
SELECT coalesce(c.manager_id, l.manager_id) AS manager_id,
       coalesce(c.manager_name, mg.manager_name) AS manager_name, coalesce(c.team, mg.team) AS team,
       coalesce(c.customers, 0) AS customers, coalesce(c.warned, 0) AS warned,
       coalesce(c.open_warnings, 0) AS open_warnings, coalesce(l.lost_customers, 0) AS lost_customers
FROM counted c
FULL JOIN lost l ON l.manager_id = c.manager_id
LEFT JOIN managers mg ON mg.manager_id = l.manager_id
ORDER BY open_warnings DESC, manager_id
