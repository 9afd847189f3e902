{#- The frozen cohort and why each member is lost at $as_of (analytics.retention.frozen_cohort).

    Dates bound in WHERE (row-group skipping). The base period is whole calendar months, so its
    value comes from order_months. A member's last order up to the as-of date is on or after the
    base period's start (it ordered in the base period), so only order days from the base start
    on are read; they are grouped by customer before meeting the (much smaller) cohort. "Lost"
    is the shared definition (shared/lost.sql, $lost_cutoff = as-of - (lost_after_days - 1));
    the floor rule (each of the $floor_from .. $floor_to months below $floor_value, only when
    those months all follow the base period) is the cohort's own. -#}
{% import "shared/scope.sql" as scope %}
{% import "shared/lost.sql" as lost %}
WITH scope AS (
    SELECT c.customer_id, c.customer_name, c.manager_id, c.customer_class, c.status
    FROM customers c WHERE {{ scope.customers(filters, "c") }}
),
base AS (
    SELECT o.customer_id, sum(o.amount) / CAST($base_months AS DOUBLE) AS base_monthly_value
    FROM order_months o
    WHERE o.month BETWEEN CAST($base_start AS DATE) AND CAST($base_end AS DATE)
    {%- if filters.scoped %} AND o.customer_id IN (SELECT customer_id FROM scope){% endif %}

    GROUP BY o.customer_id
    HAVING sum(o.amount) / CAST($base_months AS DOUBLE) >= CAST($cohort_min AS DOUBLE)
),
last_orders AS (
    SELECT o.customer_id, max(o.order_date) AS last_order_date
    FROM order_days o
    WHERE o.order_date BETWEEN CAST($base_start AS DATE) AND CAST($as_of AS DATE)
    {%- if filters.scoped %} AND o.customer_id IN (SELECT customer_id FROM scope){% endif %}

    GROUP BY o.customer_id
),
above_floor AS (
    SELECT m.customer_id, count(*) AS months_above
    FROM order_months m SEMI JOIN base b ON b.customer_id = m.customer_id
    WHERE m.month BETWEEN CAST($floor_from AS DATE) AND CAST($floor_to AS DATE)
      AND m.amount >= CAST($floor_value AS DOUBLE)
    GROUP BY m.customer_id
),
members AS (
    SELECT b.customer_id, s.customer_name, s.manager_id, mg.manager_name, s.customer_class,
           b.base_monthly_value, l.last_order_date,
           CASE WHEN {{ lost.closed("s.status") }} THEN 'closed'
                WHEN l.last_order_date IS NULL OR {{ lost.is_lost("s.status", "l.last_order_date") }}
                    THEN 'no_order'
                WHEN CAST($floor_from AS DATE) > CAST($base_end AS DATE) AND coalesce(f.months_above, 0) = 0
                    THEN 'low_value'
           END AS lost_reason
    FROM base b JOIN scope s USING (customer_id)
    LEFT JOIN managers mg ON mg.manager_id = s.manager_id
    LEFT JOIN last_orders l USING (customer_id)
    LEFT JOIN above_floor f USING (customer_id)
)
SELECT customer_id, customer_name, manager_id, manager_name, customer_class, base_monthly_value,
       last_order_date, lost_reason IS NOT NULL AS lost, lost_reason
FROM members
ORDER BY lost DESC, base_monthly_value DESC, customer_id
