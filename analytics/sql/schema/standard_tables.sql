-- The rest of the service standard (domain guide §2, §4): stock checks recorded on visits,
-- complaints and receivables. Optional tables: every metric reading them says "import X first"
-- while a store has none (analytics.optional_tables).
CREATE TABLE IF NOT EXISTS stock_checks (
        customer_id VARCHAR NOT NULL,
        check_date DATE NOT NULL,
        product VARCHAR NOT NULL,
        stock_qty DOUBLE NOT NULL,
        import_id INTEGER
    );
CREATE TABLE IF NOT EXISTS complaints (
        complaint_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        received_at TIMESTAMP NOT NULL,
        first_contact_at TIMESTAMP,
        replied_at TIMESTAMP,
        category VARCHAR,
        note VARCHAR,
        import_id INTEGER
    );
CREATE TABLE IF NOT EXISTS receivables (
        invoice_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        invoice_date DATE NOT NULL,
        due_date DATE NOT NULL,
        amount DOUBLE NOT NULL,
        paid_amount DOUBLE,
        paid_date DATE,
        import_id INTEGER
    )
