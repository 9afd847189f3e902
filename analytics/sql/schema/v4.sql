-- Version 3 -> 4: a small integer per customer (customer_keys; customer_no in order_days,
-- order_months and visits). The customers are numbered and the rows given their numbers next
-- (db._migrate_3_to_4).
CREATE TABLE IF NOT EXISTS customer_keys (
            customer_no INTEGER NOT NULL,
            customer_id VARCHAR NOT NULL
        );
ALTER TABLE order_days ADD COLUMN IF NOT EXISTS customer_no INTEGER;
ALTER TABLE order_months ADD COLUMN IF NOT EXISTS customer_no INTEGER;
ALTER TABLE visits ADD COLUMN IF NOT EXISTS customer_no INTEGER
