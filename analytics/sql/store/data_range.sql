-- The first and the last order or visit date in the store (NULLs when it is empty), counting only
-- dates inside [$first_plausible, $last_plausible]: an impossible date already stored (9999-12-31)
-- never becomes the default period, whose date arithmetic would overflow.
SELECT min(d), max(d)
FROM (
    SELECT min(order_date) AS d FROM order_days WHERE order_date BETWEEN $first_plausible AND $last_plausible
    UNION ALL SELECT max(order_date) FROM order_days WHERE order_date BETWEEN $first_plausible AND $last_plausible
    UNION ALL SELECT min(visit_date)::DATE FROM visits
        WHERE visit_date::DATE BETWEEN $first_plausible AND $last_plausible
    UNION ALL SELECT max(visit_date)::DATE FROM visits
        WHERE visit_date::DATE BETWEEN $first_plausible AND $last_plausible
)
