-- The import's period (agg_days) as day numbers: first and last day, their months, how many
-- customer-days and how many of them have no customer number yet.
SELECT min(order_date) - DATE '1970-01-01',
       max(order_date) - DATE '1970-01-01',
       date_trunc('month', min(order_date))::DATE - DATE '1970-01-01',
       date_trunc('month', max(order_date))::DATE - DATE '1970-01-01',
       count(*),
       count(*) FILTER (WHERE customer_no IS NULL)
FROM agg_days
