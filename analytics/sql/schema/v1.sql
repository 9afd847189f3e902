-- Schema version 1: the data contract's five tables, the import log and meta.
CREATE TABLE IF NOT EXISTS meta (
        key VARCHAR PRIMARY KEY,
        value VARCHAR
    );
CREATE TABLE IF NOT EXISTS managers (
        manager_id VARCHAR PRIMARY KEY,
        manager_name VARCHAR,
        team VARCHAR,
        region VARCHAR,
        active BOOLEAN
    );
CREATE TABLE IF NOT EXISTS customers (
        customer_id VARCHAR PRIMARY KEY,
        customer_name VARCHAR,
        manager_id VARCHAR,
        region VARCHAR,
        market_type VARCHAR,
        retail_format VARCHAR,
        tier INTEGER,
        modern_terminal VARCHAR,
        customer_class VARCHAR,
        violation_date DATE,
        low_income BOOLEAN,
        disabled BOOLEAN,
        open_date DATE,
        status VARCHAR
    );
CREATE TABLE IF NOT EXISTS visits (
        visit_id VARCHAR,
        customer_id VARCHAR NOT NULL,
        manager_id VARCHAR NOT NULL,
        visit_date TIMESTAMP NOT NULL,
        duration_min DOUBLE,
        method VARCHAR,
        appointment_date TIMESTAMP,
        notes VARCHAR,
        import_id INTEGER
    );
CREATE TABLE IF NOT EXISTS orders (
        order_id VARCHAR,
        customer_id VARCHAR NOT NULL,
        order_date DATE NOT NULL,
        product VARCHAR,
        quantity DOUBLE,
        amount DOUBLE NOT NULL,
        import_id INTEGER
    );
CREATE TABLE IF NOT EXISTS targets (
        manager_id VARCHAR NOT NULL,
        month VARCHAR NOT NULL,
        sales_target DOUBLE NOT NULL,
        import_id INTEGER
    );
CREATE TABLE IF NOT EXISTS import_log (
        import_id INTEGER PRIMARY KEY,
        file_name VARCHAR,
        sha256 VARCHAR,
        table_name VARCHAR,
        rows_added BIGINT,
        rows_updated BIGINT,
        rows_unchanged BIGINT,
        rows_rejected BIGINT,
        imported_at TIMESTAMP
    )
