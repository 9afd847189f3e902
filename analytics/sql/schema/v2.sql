-- Version 1 -> 2: gross profit (orders.cost), undo of imports, warning follow-ups, and the
-- pre-aggregated order tables that keep metrics fast at province scale.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS cost DOUBLE;
ALTER TABLE import_log ADD COLUMN IF NOT EXISTS mode VARCHAR;
ALTER TABLE import_log ADD COLUMN IF NOT EXISTS undone_at TIMESTAMP;
ALTER TABLE import_log ADD COLUMN IF NOT EXISTS rows_created_customers BIGINT;
-- Rows of customers/managers as they were before an import changed them, so the import can be
-- undone. `row_json` holds the old row; NULL means the import created it.
CREATE TABLE IF NOT EXISTS import_undo (
            import_id INTEGER NOT NULL,
            table_name VARCHAR NOT NULL,
            key VARCHAR NOT NULL,
            row_json VARCHAR
        );
CREATE TABLE IF NOT EXISTS warning_followups (
            customer_id VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            note VARCHAR,
            warned_on DATE,
            updated_at TIMESTAMP NOT NULL
        );
-- One row per customer and order day / month: what most metrics read instead of the order
-- lines. Rebuilt by refresh_aggregates() after every write to orders.
CREATE TABLE IF NOT EXISTS order_days (
            customer_id VARCHAR,
            order_date DATE,
            amount DOUBLE,
            quantity DOUBLE,
            cost DOUBLE,
            lines BIGINT
        );
CREATE TABLE IF NOT EXISTS order_months (
            customer_id VARCHAR,
            month DATE,
            amount DOUBLE,
            quantity DOUBLE,
            cost DOUBLE,
            order_days BIGINT,
            lines BIGINT
        )
