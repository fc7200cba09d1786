-- Sessions and failed sign-ins, SQLite flavour.
--
-- Keep this file identical in meaning to ../postgres/0003_auth.sql.
--
-- `sessions` has exactly the shape tower-sessions-sqlx-store's SqliteStore expects
-- (its own `migrate()` is not used, so every table comes from our migrations). It is
-- deliberately not STRICT: the store writes `expiry_date` as RFC 3339 text, which a
-- STRICT INTEGER column would refuse; text compares correctly against the store's bound
-- "now", also text.

CREATE TABLE sessions (
    id          TEXT    PRIMARY KEY NOT NULL,
    data        BLOB    NOT NULL,     -- MessagePack record written by the session store
    expiry_date INTEGER NOT NULL
);

CREATE INDEX sessions_expiry_date_idx ON sessions (expiry_date);

-- One row per failed sign-in, by normalized address, so the throttle holds across
-- server instances. Rows older than the 15-minute window are deleted as new ones come.
CREATE TABLE sign_in_failures (
    email     TEXT    NOT NULL,       -- normalized: trimmed, lowercase (may match no user)
    failed_at INTEGER NOT NULL        -- unix seconds
) STRICT;

CREATE INDEX sign_in_failures_email_idx ON sign_in_failures (email, failed_at);
