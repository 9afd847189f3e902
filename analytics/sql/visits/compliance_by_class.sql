{#- Visit compliance per team and customer class for the period (analytics.visits). Customers
    without a known class are held to $fallback_class. $window_from is the first day any class's
    compliance window can start (bounds the visits read). -#}
{% import "shared/scope.sql" as scope %}
{% import "shared/customers.sql" as customers %}
{% import "visits/standards.sql" as visits %}
WITH standards AS (
{{ visits.standards() }}
),
book AS (
    SELECT c.customer_id, coalesce(mg.team, '') AS team,
           coalesce(known.customer_class, $fallback_class) AS customer_class
    FROM customers c
    LEFT JOIN managers mg ON mg.manager_id = c.manager_id
    LEFT JOIN standards known ON known.customer_class = c.customer_class
    WHERE {{ scope.customers(filters, "c") }} AND {{ customers.is_open("c") }}
),
windows AS (
    SELECT b.customer_id, b.team, b.customer_class,
           CASE WHEN $days >= s.interval_days THEN CAST($start AS DATE)
                ELSE CAST($end AS DATE) - (s.interval_days - 1) END AS w_start,
           CASE WHEN $days >= s.interval_days THEN floor($days / s.interval_days) ELSE 1 END AS expected
    FROM book b JOIN standards s USING (customer_class)
),
seen AS (
    SELECT w.team, w.customer_class, w.customer_id, w.expected, count(v.visit_date) AS actual
    FROM windows w
    LEFT JOIN (
        SELECT customer_id, visit_date FROM visits
        WHERE visit_date >= $window_from AND visit_date < CAST($end AS DATE) + 1
    ) v ON v.customer_id = w.customer_id AND v.visit_date >= w.w_start
    GROUP BY w.team, w.customer_class, w.customer_id, w.expected
),
by_customer AS (
    SELECT team, customer_class, count(*) AS customers,
           count(*) FILTER (WHERE actual >= expected) AS compliant_customers
    FROM seen GROUP BY team, customer_class
),
by_visit AS (
    SELECT coalesce(mg.team, '') AS team, s.customer_class, count(*) AS visits,
           count(v.duration_min) AS timed_visits,
           count(*) FILTER (WHERE v.duration_min BETWEEN s.min_minutes AND s.max_minutes) AS visits_in_length,
           count(*) FILTER (WHERE s.lead_days >= 0) AS booking_required,
           count(*) FILTER (WHERE s.lead_days >= 0 AND CAST(v.visit_date AS DATE)
                            - CAST(v.appointment_date AS DATE) >= s.lead_days) AS booked_in_time,
           count(v.appointment_date) AS with_appointment
    FROM visits v
    JOIN customers c ON c.customer_id = v.customer_id
    LEFT JOIN managers mg ON mg.manager_id = c.manager_id
    LEFT JOIN standards known ON known.customer_class = c.customer_class
    JOIN standards s ON s.customer_class = coalesce(known.customer_class, $fallback_class)
    WHERE {{ scope.customers(filters, "c") }} AND v.visit_date >= $start AND v.visit_date < CAST($end AS DATE) + 1
    GROUP BY 1, 2
)
SELECT coalesce(k.team, b.team) AS team, coalesce(k.customer_class, b.customer_class) AS customer_class,
       coalesce(k.customers, 0) AS customers, coalesce(k.compliant_customers, 0) AS compliant_customers,
       1.0 * k.compliant_customers / nullif(k.customers, 0) AS frequency_compliance,
       coalesce(b.visits, 0) AS visits,
       1.0 * b.visits_in_length / nullif(b.timed_visits, 0) AS duration_compliance,
       CASE WHEN sum(coalesce(b.with_appointment, 0)) OVER () > 0
            THEN 1.0 * b.booked_in_time / nullif(b.booking_required, 0) END AS appointment_compliance
FROM by_customer k
FULL JOIN by_visit b ON b.team = k.team AND b.customer_class = k.customer_class
ORDER BY 1, 2
