{#- BG/NBD's summary of every customer's whole history up to each snapshot ($snapshots): order
    days on or before the snapshot (x = those after the first one), and the days from the first
    to the last order day (t_x_days) and to the snapshot (age_days). Months wholly before a
    snapshot's month are read from order_months (their order days, first and last day), the
    snapshot's own month day by day. With `sampled`, only the customers of the backtest's sample
    (risk/sample.sql), as in risk/features. -#}
{% import "risk/sample.sql" as sample %}
{% set sampled = sampled | default(false) %}
WITH snaps AS (
    SELECT CAST(unnest(CAST($snapshots AS DATE[])) AS DATE) AS s
),
pieces AS (
    SELECT n.s, m.customer_no, m.order_days AS n, m.first_day, m.last_day
    FROM snaps n JOIN order_months m ON m.month < date_trunc('month', n.s)
    WHERE m.month <= CAST($last AS DATE)
    {% if sampled %}
      AND m.customer_no IN ({{ sample.customer_nos() }})
    {% endif %}
    UNION ALL
    SELECT n.s, o.customer_no, 1, o.order_date, o.order_date
    FROM snaps n JOIN order_days o ON o.order_date >= date_trunc('month', n.s) AND o.order_date <= n.s
    WHERE o.order_date >= date_trunc('month', CAST($first AS DATE)) AND o.order_date <= CAST($last AS DATE)
    {% if sampled %}
      AND o.customer_no IN ({{ sample.customer_nos() }})
    {% endif %}
),
summary AS (
    SELECT s, customer_no, sum(n) - 1 AS x, max(last_day) - min(first_day) AS t_x_days,
           s - min(first_day) AS age_days
    FROM pieces
    GROUP BY s, customer_no
)
SELECT u.s AS snapshot, k.customer_id, u.x, u.t_x_days, u.age_days
FROM summary u JOIN customer_keys k ON k.customer_no = u.customer_no
ORDER BY u.s, k.customer_id
