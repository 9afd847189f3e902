{#- The dashboard's own accounts and its audit log (issue 17; domain guide §2, users).
    Applied by accounts.ensure_schema(cur); every statement is idempotent. -#}
CREATE TABLE IF NOT EXISTS users (
    user_name VARCHAR PRIMARY KEY,
    display_name VARCHAR,
    role VARCHAR NOT NULL,              -- admin, supervisor, manager
    teams VARCHAR[] NOT NULL DEFAULT [], -- the teams a supervisor sees
    manager_id VARCHAR,                 -- the manager_id a manager account is
    password_hash VARCHAR NOT NULL,     -- argon2id, never the password
    active BOOLEAN NOT NULL DEFAULT TRUE,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_log (
    recorded_at TIMESTAMP NOT NULL,
    user_name VARCHAR,                  -- who acted (NULL: nobody known, e.g. an unknown sign-in name)
    action VARCHAR NOT NULL,            -- audit.AuditAction
    detail VARCHAR                      -- JSON
)
