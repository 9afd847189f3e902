-- The stored risk ranking (analytics.risk.store): one row per data version, as-of date and the
-- settings that shape it (`model_key`), with the fitted ranking (pickled) and its backtest (JSON).
CREATE TABLE IF NOT EXISTS risk_models (
    model_key VARCHAR PRIMARY KEY,
    data_version BIGINT NOT NULL,
    as_of DATE,
    chosen VARCHAR,
    ranker BLOB,
    backtest JSON,
    seconds DOUBLE,
    created_at TIMESTAMP NOT NULL
);
-- The stored ranking's risk per customer as of its date.
CREATE TABLE IF NOT EXISTS risk_scores (
    model_key VARCHAR NOT NULL,
    customer_id VARCHAR NOT NULL,
    risk_score DOUBLE
);
-- Who recorded a follow-up (the account, once accounts exist; a free "by" text until then).
ALTER TABLE warning_followups ADD COLUMN IF NOT EXISTS made_by VARCHAR;
