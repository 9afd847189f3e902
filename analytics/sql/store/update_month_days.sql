-- Only new order days change a month's day count and can move its first or last day (a day
-- already stored lies between them): the other months keep those columns as they are.
UPDATE order_months m
SET order_days = COALESCE(m.order_days, 0) + k.order_days,
    first_day = least(m.first_day, k.first_day),
    last_day = greatest(m.last_day, k.last_day)
FROM (SELECT * FROM agg_months WHERE order_days > 0) k
WHERE k.customer_no = m.customer_no AND k.month = m.month
