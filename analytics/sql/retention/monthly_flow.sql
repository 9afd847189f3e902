{#- Active, won and lost customers and the loss rate per calendar month (analytics.retention).

    A customer's order days split into runs in which consecutive orders are at most
    $lost_after days apart. A run from its first order f to its last order e means: active (an
    order in the L days before) on every day from f to e + L - 1, and lost on day e + L. So a
    customer becomes lost in month m when a run's e + L falls in m, and was active at the start of
    m when f < m <= e + L; as runs of a customer never overlap, active_at_start(m) = runs started
    before m - runs lost before m. Only the order days from $orders_from (L days before the first
    month) to $orders_to (the end of the last month, or $known) can change these counts: a run
    cut at the start still starts before the first month, and one cut at the end is lost after
    the last month. Each order day's neighbours come from the customer's sorted list of order
    days (far cheaper than lag/lead windows over millions of rows). Dates are bound in WHERE so
    the scans skip row groups (order_days is sorted by date). Without a customer filter the order
    rows are not pre-filtered (a semi-join over millions of rows for nothing).

    dialect: "duckdb" (default) or "spark": Spark has no list slicing, so there each order day's
    neighbours come from LAG and LEAD over the customer's days (order_steps); nothing else differs.
-#}
{% set spark = (dialect | default('duckdb')) == 'spark' %}
{% import "shared/scope.sql" as scope %}
WITH scope AS (
    SELECT c.customer_id FROM customers c WHERE {{ scope.customers(filters, "c") }}
),
months AS (
    SELECT CAST(g.m AS DATE) AS month
    FROM generate_series(CAST($first_month AS DATE), CAST($last_month AS DATE), INTERVAL 1 MONTH) AS g(m)
),
active AS (
    SELECT o.month, count(DISTINCT o.customer_id) AS active
    FROM order_months o SEMI JOIN scope s ON s.customer_id = o.customer_id
    WHERE o.month BETWEEN CAST($first_month AS DATE) AND CAST($last_month AS DATE)
    GROUP BY o.month
),
won AS (
    SELECT first_month AS month, count(*) AS won
    FROM (
        SELECT o.customer_id, min(o.month) AS first_month
        FROM order_months o
        WHERE o.month <= CAST($known AS DATE)
        {%- if filters.scoped %} AND o.customer_id IN (SELECT customer_id FROM scope){% endif %}

        GROUP BY o.customer_id
    ) f SEMI JOIN scope s ON s.customer_id = f.customer_id
    GROUP BY first_month
),
{% if spark %}
order_steps AS (
    SELECT o.order_date,
           lag(o.order_date) OVER (PARTITION BY o.customer_id ORDER BY o.order_date) AS previous_order,
           lead(o.order_date) OVER (PARTITION BY o.customer_id ORDER BY o.order_date) AS next_order
    FROM order_days o
    WHERE o.order_date BETWEEN CAST($orders_from AS DATE) AND CAST($orders_to AS DATE)
      AND o.customer_id IN (SELECT customer_id FROM scope)
),
{% else %}
order_lists AS (
    SELECT o.customer_id, list(o.order_date ORDER BY o.order_date) AS d
    FROM order_days o
    WHERE o.order_date BETWEEN CAST($orders_from AS DATE) AND CAST($orders_to AS DATE)
    {%- if filters.scoped %} AND o.customer_id IN (SELECT customer_id FROM scope){% endif %}

    GROUP BY o.customer_id
),
order_steps AS (
    SELECT unnest(d) AS order_date,
           unnest(list_prepend(NULL, d[1:len(d) - 1])) AS previous_order,
           unnest(list_append(d[2:], NULL)) AS next_order
    FROM order_lists l SEMI JOIN scope s ON s.customer_id = l.customer_id
),
{% endif %}
run_events AS (
    SELECT CAST(date_trunc('month', order_date) AS DATE) AS month, 'start' AS event
    FROM order_steps
    WHERE previous_order IS NULL OR order_date - previous_order > CAST($lost_after AS INTEGER)
    UNION ALL
    SELECT CAST(date_trunc('month', order_date + CAST($lost_after AS INTEGER)) AS DATE),
           CASE WHEN order_date + CAST($lost_after AS INTEGER) <= CAST($known AS DATE) THEN 'lost'
                ELSE 'lost_later' END
    FROM order_steps
    WHERE next_order IS NULL OR next_order - order_date > CAST($lost_after AS INTEGER)
),
by_month AS (
    SELECT month, count(*) FILTER (WHERE event = 'start') AS started,
           count(*) FILTER (WHERE event <> 'start') AS ended,
           count(*) FILTER (WHERE event = 'lost') AS lost
    FROM run_events GROUP BY month
),
losses AS (
    SELECT month, lost FROM by_month
),
at_start AS (
    SELECT m.month, CAST(sum(b.started) - sum(b.ended) AS BIGINT) AS active_at_start
    FROM months m JOIN by_month b ON b.month < m.month
    GROUP BY m.month
)
SELECT m.month, coalesce(a.active, 0) AS active, coalesce(w.won, 0) AS won, coalesce(l.lost, 0) AS lost,
       coalesce(s.active_at_start, 0) AS active_at_start,
       CASE WHEN coalesce(s.active_at_start, 0) > 0 THEN coalesce(l.lost, 0) / s.active_at_start END AS loss_rate
FROM months m
LEFT JOIN active a USING (month)
LEFT JOIN won w USING (month)
LEFT JOIN losses l USING (month)
LEFT JOIN at_start s USING (month)
ORDER BY m.month
