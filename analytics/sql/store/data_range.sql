-- The first and the last order or visit date in the store (NULLs when it is empty).
SELECT min(d), max(d)
FROM (
    SELECT min(order_date) AS d FROM order_days
    UNION ALL SELECT max(order_date) FROM order_days
    UNION ALL SELECT min(visit_date)::DATE FROM visits
    UNION ALL SELECT max(visit_date)::DATE FROM visits
)
