{#- The rule facts of every customer in scope as of $as_of, ending in the relation `fired` (the
    facts with one boolean column per rule): the WITH clause shared by warnings/rules (one row
    per customer) and warnings/counts (counted per manager). Call `fired(filters, cut_months)`.

    Dates and thresholds are bound straight into the WHERE clauses and expressions: a one-row
    parameter CTE joined to order_days would defeat DuckDB's row-group skipping (order_days is
    stored in date order). Each customer's windows are summed in one grouped pass over `pieces`:
    the customer-months of order_months for every month that lies wholly inside or outside each
    window (its row stands for its order days: `d` = the month's first day, first_day/last_day
    its first and last order date), and the customer-days of order_days only for the months a
    window starts or ends in ($cut_from_<i> .. $cut_to_<i>, i < cut_months) — about a third of
    the rows the order days alone would be. The order days of the last 365 days are then read
    again only for the customers the cadence rule can fire for: each day minus the one before (a
    window partitioned by customer, which runs in parallel), and the median of those gaps.
    ABC is ranked per part on its buyers only (values <= 0 are 'none').
    The per-customer passes group by the integer customer_no (perfect hash tables, no text
    keys); the customer_id comes back with the customers in scope.

    The windows (inclusive unless said): last = $last_start .. $as_of; prev = $prev_start ..
    the day before $last_start; ly (the same days a year earlier) = $ly_start .. $ly_end;
    12 months = after $year_ago .. $as_of; tier_prev = $tier_start .. the day before
    $last_start; low-value months = the months $low_from .. $low_to; violations from
    $violation_from. $first_month: the first month any window needs.
    overdue_payment: the customers of $overdue_ids, whose receivables overdue ($overdue_totals, the
    same order) are above the floor (analytics.collections.overdue_payment_customers). -#}
{% import "shared/scope.sql" as scope %}
{% import "shared/customers.sql" as customers %}
{% import "shared/abc.sql" as abc %}
{% import "shared/intervals.sql" as intervals %}
{% import "risk/sample.sql" as sample %}

{#- The months read day by day, as one condition on `column`. -#}
{% macro cut(column, cut_months) -%}
{% for i in range(cut_months) %}{% if not loop.first %} OR {% endif %}{{ column }} BETWEEN CAST($cut_from_{{ i }} AS DATE) AND CAST($cut_to_{{ i }} AS DATE){% else %}FALSE{% endfor %}
{%- endmacro %}

{% macro fired(filters, cut_months=0, sampled=false) -%}
{#- With no filter every customer is in scope: no pre-filter of order_days (a semi-join over
    millions of rows); the join to `scope` further down still applies. `sampled` (the risk
    ranking's backtest): only the customers of risk/sample.sql; ABC is then ranked within it. -#}
{% set prefilter = "AND o.customer_no IN (SELECT customer_no FROM scope)" if filters.scoped or sampled else "" %}
{% set visit_filter = "AND v.customer_no IN (SELECT customer_no FROM scope)" if sampled else "" %}
{% set month_filter = "AND m.customer_no IN (SELECT customer_no FROM scope)" if sampled else "" %}
WITH scope AS (
    SELECT c.customer_id, k.customer_no, c.customer_name, c.manager_id, c.customer_class, c.status,
           c.violation_date
    FROM customers c LEFT JOIN customer_keys k ON k.customer_id = c.customer_id
    WHERE {{ scope.customers(filters, "c") }}
    {% if sampled %}
      AND k.customer_no IN ({{ sample.customer_nos() }})
    {% endif %}
),
class_intervals AS ({{ intervals.class_intervals() }}),
pieces AS (
    SELECT o.customer_no, o.month AS d, o.amount, o.order_days AS n, o.first_day, o.last_day
    FROM order_months o
    WHERE o.month BETWEEN CAST($first_month AS DATE) AND CAST($as_of AS DATE)
      AND NOT ({{ cut("o.month", cut_months) }}) {{ prefilter }}
    UNION ALL
    SELECT o.customer_no, o.order_date, o.amount, 1, o.order_date, o.order_date
    FROM order_days o
    WHERE o.order_date <= CAST($as_of AS DATE) AND ({{ cut("o.order_date", cut_months) }}) {{ prefilter }}
),
recent AS (
    SELECT customer_no, min(first_day) AS first_recent, max(last_day) AS last_recent,
           CAST(coalesce(sum(n) FILTER (WHERE d > CAST($as_of AS DATE) - 365), 0) AS BIGINT) AS orders_365,
           coalesce(sum(amount) FILTER (WHERE d >= CAST($last_start AS DATE)), 0) AS value_last,
           coalesce(sum(amount) FILTER (
               WHERE d >= CAST($prev_start AS DATE) AND d < CAST($last_start AS DATE)), 0) AS value_prev,
           coalesce(sum(amount) FILTER (
               WHERE d BETWEEN CAST($ly_start AS DATE) AND CAST($ly_end AS DATE)), 0) AS value_ly,
           coalesce(sum(amount) FILTER (WHERE d > CAST($year_ago AS DATE)), 0) AS value_12m,
           coalesce(sum(amount) FILTER (
               WHERE d >= CAST($tier_start AS DATE) AND d < CAST($last_start AS DATE)), 0) AS value_tier_prev
    FROM pieces
    GROUP BY customer_no
),
older AS (
    SELECT o.customer_no, min(o.first_day) AS first_older, max(o.last_day) AS last_older
    FROM order_months o
    WHERE o.month < CAST($first_month AS DATE) {{ prefilter }}
    GROUP BY o.customer_no
),
per_customer AS MATERIALIZED (
    SELECT coalesce(r.customer_no, d.customer_no) AS customer_no,
           coalesce(d.first_older, r.first_recent) AS first_order_date,
           coalesce(r.last_recent, d.last_older) AS last_order_date,
           coalesce(r.orders_365, 0) AS orders_365,
           coalesce(r.value_last, 0) AS value_last, coalesce(r.value_prev, 0) AS value_prev,
           coalesce(r.value_ly, 0) AS value_ly, coalesce(r.value_12m, 0) AS value_12m,
           coalesce(r.value_tier_prev, 0) AS value_tier_prev
    FROM recent r FULL JOIN older d ON d.customer_no = r.customer_no
),
-- The median gap only where the cadence rule can fire: enough order days, none lately.
cadence_candidates AS (
    SELECT customer_no FROM per_customer
    WHERE orders_365 >= CAST($cadence_min_orders AS INTEGER)
      AND last_order_date < CAST($as_of AS DATE) - CAST($cadence_min_days AS INTEGER)
),
recent_gaps AS (
    SELECT o.customer_no,
           o.order_date - lag(o.order_date) OVER (PARTITION BY o.customer_no ORDER BY o.order_date) AS gap
    FROM order_days o
    WHERE o.order_date > CAST($as_of AS DATE) - 365 AND o.order_date <= CAST($as_of AS DATE)
      AND o.customer_no IN (SELECT customer_no FROM cadence_candidates)
),
gaps AS (
    SELECT customer_no, median(gap) AS median_gap FROM recent_gaps GROUP BY customer_no
),
history AS (
    SELECT s.customer_id, s.customer_no, s.customer_name, s.manager_id, s.customer_class, s.status,
           s.violation_date, h.first_order_date, h.last_order_date, h.orders_365, g.median_gap,
           h.value_last, h.value_prev, h.value_ly, h.value_12m,
           CASE WHEN h.value_tier_prev > 0 THEN h.value_tier_prev END AS ranked_previous,
           CASE WHEN h.value_last > 0 THEN h.value_last END AS ranked_current
    FROM per_customer h JOIN scope s ON s.customer_no = h.customer_no
    LEFT JOIN gaps g ON g.customer_no = h.customer_no
),
-- Each ranking over its own buyers only (a customer without value is 'none'), so each window
-- sorts the fewest rows and carries nothing but the key.
ranked_previous AS (
    SELECT customer_no, sum(ranked_previous) OVER () AS total,
           {{ abc.value_before("ranked_previous", "customer_id") }} AS before
    FROM history WHERE ranked_previous IS NOT NULL
),
ranked_current AS (
    SELECT customer_no, sum(ranked_current) OVER () AS total,
           {{ abc.value_before("ranked_current", "customer_id") }} AS before
    FROM history WHERE ranked_current IS NOT NULL
),
abc AS (
    SELECT h.customer_no,
           CASE WHEN p.customer_no IS NULL THEN 'none'
                ELSE {{ abc.abc_class("p.before", "p.total") }} END AS previous_abc,
           CASE WHEN c.customer_no IS NULL THEN 'none'
                ELSE {{ abc.abc_class("c.before", "c.total") }} END AS current_abc
    FROM history h
    LEFT JOIN ranked_previous p ON p.customer_no = h.customer_no
    LEFT JOIN ranked_current c ON c.customer_no = h.customer_no
),
low AS (
    SELECT m.customer_no, count(*) AS months_at_floor
    FROM order_months m
    WHERE m.month BETWEEN CAST($low_from AS DATE) AND CAST($low_to AS DATE)
      AND m.amount >= CAST($low_value_floor AS DOUBLE) {{ month_filter }}
    GROUP BY m.customer_no
),
seen AS (
    SELECT v.customer_no, max(v.visit_date)::DATE AS last_visit_date
    FROM visits v
    WHERE v.visit_date < CAST($as_of AS DATE) + INTERVAL 1 DAY {{ visit_filter }}
    GROUP BY v.customer_no
),
overdue AS (
    SELECT unnest(CAST($overdue_ids AS VARCHAR[])) AS customer_id,
           unnest(CAST($overdue_totals AS DOUBLE[])) AS overdue_total
),
any_visit AS (
    SELECT EXISTS (SELECT 1 FROM visits WHERE visit_date < CAST($as_of AS DATE) + INTERVAL 1 DAY) AS has_visits
),
facts AS (
    SELECT h.customer_id, h.customer_name, h.manager_id, mg.manager_name, mg.team, h.customer_class,
           h.status, h.violation_date,
           h.first_order_date, h.last_order_date,
           CAST($as_of AS DATE) - h.last_order_date AS days_since_last_order,
           h.orders_365, h.median_gap, h.value_last, h.value_prev, h.value_ly,
           h.value_12m / 4.0 AS revenue_at_risk,
           coalesce(l.months_at_floor, 0) AS months_at_floor,
           v.last_visit_date, CAST($as_of AS DATE) - v.last_visit_date AS days_since_last_visit,
           i.interval_days, a.previous_abc, a.current_abc, od.overdue_total,
           {{ customers.is_open("h") }} AND h.last_order_date > CAST($year_ago AS DATE) AS eligible,
           any_visit.has_visits
    FROM history h
    JOIN abc a ON a.customer_no = h.customer_no
    CROSS JOIN any_visit
    LEFT JOIN managers mg ON mg.manager_id = h.manager_id
    LEFT JOIN low l ON l.customer_no = h.customer_no
    LEFT JOIN seen v ON v.customer_no = h.customer_no
    LEFT JOIN class_intervals i ON i.customer_class = h.customer_class
    LEFT JOIN overdue od ON od.customer_id = h.customer_id
),
fired AS (
    SELECT *,
           eligible AND orders_365 >= CAST($cadence_min_orders AS INTEGER)
               AND days_since_last_order > CAST($cadence_factor AS DOUBLE) * median_gap
               AND days_since_last_order > CAST($cadence_min_days AS INTEGER) AS cadence,
           eligible AND value_ly > 0 AND value_last < CAST($decline_ratio AS DOUBLE) * value_ly AS decline_yoy,
           eligible AND value_prev > 0 AND value_last < CAST($decline_ratio AS DOUBLE) * value_prev AS decline_prev,
           eligible AND first_order_date < CAST($low_from AS DATE) AND months_at_floor = 0 AS low_value,
           eligible AND interval_days IS NOT NULL
               AND coalesce(days_since_last_visit > interval_days, has_visits) AS visit_overdue,
           eligible AND previous_abc = 'A' AND current_abc <> 'A' AS tier_drop,
           eligible AND violation_date BETWEEN CAST($violation_from AS DATE) AND CAST($as_of AS DATE)
               AND coalesce(customer_class, '') <> 'assist' AS class_mismatch,
           eligible AND overdue_total IS NOT NULL AS overdue_payment
    FROM facts
)
{%- endmacro %}
