{#- The risk model's features per customer and snapshot ($snapshots), and the label
    no_order_after: no order in the $horizon days after the snapshot (NULL when that window would
    end after $as_of). Only order days and visits dated on or before a snapshot feed its features;
    every feature is an aggregate of the 455 days up to it, so all snapshots are built in one
    grouped pass by customer_no (integer keys); each order day carries the one before it
    (previous_date, one ordering of the order days for every snapshot) for the median gap.
    $first / $last: the earliest and latest snapshot. With `sampled`, only the customers of the backtest's sample (risk/sample.sql)
    are read: the filter applies as the big tables are read. -#}
{% import "shared/intervals.sql" as intervals %}
{% import "risk/sample.sql" as sample %}
{% set sampled = sampled | default(false) %}
WITH snaps AS (
    SELECT CAST(unnest(CAST($snapshots AS DATE[])) AS DATE) AS s
),
class_intervals AS ({{ intervals.class_intervals() }}),
-- The order days and visits the snapshots read (only the sample's, when sampled): read once, so
-- the range joins below see a few rows per customer rather than the whole table.
days AS {% if sampled %}MATERIALIZED {% endif %}(
    SELECT o.customer_no, o.order_date, o.amount,
           lag(o.order_date) OVER (PARTITION BY o.customer_no ORDER BY o.order_date) AS previous_date
    FROM order_days o
    WHERE o.order_date > CAST($first AS DATE) - 455 AND o.order_date <= CAST($as_of AS DATE)
    {% if sampled %}
      AND o.customer_no IN ({{ sample.customer_nos() }})
    {% endif %}
),
seen AS {% if sampled %}MATERIALIZED {% endif %}(
    SELECT v.customer_no, v.visit_date
    FROM visits v
    WHERE v.visit_date >= CAST($first AS DATE) - 365 AND v.visit_date < CAST($last AS DATE) + INTERVAL 1 DAY
    {% if sampled %}
      AND v.customer_no IN ({{ sample.customer_nos() }})
    {% endif %}
),
orders_agg AS (
    SELECT n.s, o.customer_no,
           max(CASE WHEN o.order_date <= n.s THEN o.order_date END) AS last_order,
           min(CASE WHEN o.order_date > n.s - 90 AND o.order_date <= n.s THEN o.order_date END) AS first_90,
           min(CASE WHEN o.order_date <= n.s THEN o.order_date END) AS first_order,
           min(CASE WHEN o.order_date > n.s - 365 AND o.order_date <= n.s THEN o.order_date END) AS first_365,
           max(CASE WHEN o.order_date <= n.s - 365 THEN o.order_date END) AS before_365,
           count(CASE WHEN o.order_date > n.s - 365 AND o.order_date <= n.s THEN 1 END) AS orders_365,
           count(CASE WHEN o.order_date > n.s - 90 AND o.order_date <= n.s THEN 1 END) AS orders_90,
           count(CASE WHEN o.order_date > n.s - 180 AND o.order_date <= n.s - 90 THEN 1 END) AS orders_prev_90,
           coalesce(sum(CASE WHEN o.order_date > n.s - 365 AND o.order_date <= n.s THEN o.amount END), 0)
               AS value_365,
           coalesce(sum(CASE WHEN o.order_date > n.s - 90 AND o.order_date <= n.s THEN o.amount END), 0)
               AS value_90,
           coalesce(sum(CASE WHEN o.order_date > n.s - 180 AND o.order_date <= n.s - 90 THEN o.amount END), 0)
               AS value_prev_90,
           coalesce(sum(CASE WHEN o.order_date <= n.s - 365 THEN o.amount END), 0) AS value_ly_90,
           count(CASE WHEN o.order_date > n.s THEN 1 END) AS orders_after,
           -- The median gap between order days of the 365 days up to the snapshot (the cadence
           -- ratio's denominator, as in the cadence rule): the gaps whose both ends lie there.
           median(CASE WHEN o.previous_date > n.s - 365 AND o.order_date <= n.s
                       THEN o.order_date - o.previous_date END) AS median_gap
    FROM snaps n JOIN days o
      ON o.order_date > n.s - 455 AND o.order_date <= n.s + $horizon
    GROUP BY n.s, o.customer_no
    HAVING count(CASE WHEN o.order_date > n.s - 365 AND o.order_date <= n.s THEN 1 END) > 0
),
gaps AS (
    SELECT *, s - last_order AS days_since_last_order,
           -- The mean gap between order days over the last 365 days (counted from the order day
           -- before them when there is one in the 90 days before), and over the last 90 days.
           -- Means, not medians: they need no per-customer ordering of order days, which at
           -- 300,000 customers cost seconds; the backtest is as good.
           CASE WHEN before_365 IS NOT NULL THEN (last_order - before_365) * 1.0 / orders_365
                WHEN orders_365 > 1 THEN (last_order - first_365) * 1.0 / (orders_365 - 1) END AS mean_gap,
           CASE WHEN orders_90 > 1 THEN (last_order - first_90) * 1.0 / (orders_90 - 1) END AS recent_gap
    FROM orders_agg
),
visits_agg AS (
    SELECT n.s, v.customer_no,
           count(CASE WHEN v.visit_date > n.s - 90 THEN 1 END) AS visits_90,
           count(CASE WHEN v.visit_date > n.s - 180 AND v.visit_date <= n.s - 90 THEN 1 END) AS visits_prev_90,
           n.s - max(v.visit_date)::DATE AS days_since_last_visit
    FROM snaps n JOIN seen v
      ON v.visit_date < n.s + INTERVAL 1 DAY AND v.visit_date >= n.s - 365
    GROUP BY n.s, v.customer_no
)
SELECT a.s AS snapshot, k.customer_id, a.days_since_last_order,
       a.days_since_last_order / greatest(a.mean_gap, 1) AS recency_ratio,
       a.orders_90, a.orders_365,
       (a.orders_90 + 1.0) / (a.orders_prev_90 + 1.0) AS order_trend,
       ln((a.value_90 + 100.0) / (a.value_prev_90 + 100.0)) AS value_trend,
       CASE WHEN a.value_ly_90 > 0 THEN ln((a.value_90 + 100.0) / (a.value_ly_90 + 100.0)) END AS value_yoy,
       CASE WHEN a.orders_90 > 0 AND a.orders_prev_90 > 0
            THEN ln((a.value_90 / a.orders_90) / greatest(a.value_prev_90 / a.orders_prev_90, 1.0)) END
           AS basket_trend,
       a.recent_gap / greatest(a.mean_gap, 1) AS recent_gap_ratio,
       ln(1.0 + a.value_365) AS log_value_365,
       a.s - a.first_order AS tenure_days,
       coalesce(v.visits_90, 0) AS visits_90,
       (coalesce(v.visits_90, 0) + 1.0) / (coalesce(v.visits_prev_90, 0) + 1.0) AS visit_trend,
       coalesce(v.days_since_last_visit, 365) / coalesce(i.interval_days, 30) AS visit_overdue_ratio,
       c.customer_class, c.tier, a.median_gap,
       a.days_since_last_order / greatest(a.median_gap, 1) AS cadence_ratio,
       a.value_365 / 4.0 AS revenue_at_risk,
       CASE WHEN a.s + $horizon <= CAST($as_of AS DATE) THEN a.orders_after = 0 END AS no_order_after
FROM gaps a
JOIN customer_keys k ON k.customer_no = a.customer_no
JOIN customers c ON c.customer_id = k.customer_id
LEFT JOIN visits_agg v ON v.s = a.s AND v.customer_no = a.customer_no
LEFT JOIN class_intervals i ON i.customer_class = c.customer_class
ORDER BY a.s, k.customer_id
