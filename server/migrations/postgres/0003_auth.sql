-- Sessions and failed sign-ins, PostgreSQL flavour.
--
-- Keep this file identical in meaning to ../sqlite/0003_auth.sql.
--
-- `sessions` has exactly the shape tower-sessions-sqlx-store's PostgresStore expects
-- (configured for schema `public`, table `sessions`; its own `migrate()` is not used).

CREATE TABLE sessions (
    id          TEXT        PRIMARY KEY NOT NULL,
    data        BYTEA       NOT NULL,  -- MessagePack record written by the session store
    expiry_date TIMESTAMPTZ NOT NULL
);

CREATE INDEX sessions_expiry_date_idx ON sessions (expiry_date);

-- One row per failed sign-in, by normalized address, so the throttle holds across
-- server instances. Rows older than the 15-minute window are deleted as new ones come.
CREATE TABLE sign_in_failures (
    email     TEXT   NOT NULL,         -- normalized: trimmed, lowercase (may match no user)
    failed_at BIGINT NOT NULL          -- unix seconds
);

CREATE INDEX sign_in_failures_email_idx ON sign_in_failures (email, failed_at);
