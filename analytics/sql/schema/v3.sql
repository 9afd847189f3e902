-- Version 2 -> 3: order_months gains each customer-month's first and last order date, so the
-- warnings read whole months instead of their days (first/last order dates, the value windows).
ALTER TABLE order_months ADD COLUMN IF NOT EXISTS first_day DATE;
ALTER TABLE order_months ADD COLUMN IF NOT EXISTS last_day DATE;
UPDATE order_months m SET first_day = d.first_day, last_day = d.last_day
           FROM (SELECT customer_id, date_trunc('month', order_date)::DATE AS month,
                        min(order_date) AS first_day, max(order_date) AS last_day
                 FROM order_days GROUP BY customer_id, month) d
           WHERE d.customer_id = m.customer_id AND d.month = m.month
