-- Accounts (organizations) and their users, PostgreSQL flavour.
--
-- Keep this file identical in meaning to ../sqlite/0001_accounts_users.sql:
-- same tables, columns, constraint names and checks. Ids are UUIDs stored as
-- TEXT and times are unix seconds on both engines, so the same SQL and the
-- same Rust types serve both.

CREATE TABLE accounts (
    id         TEXT   NOT NULL PRIMARY KEY,  -- UUID, hyphenated lowercase text
    name       TEXT   NOT NULL,
    created_at BIGINT NOT NULL               -- unix seconds
);

CREATE TABLE users (
    id            TEXT    NOT NULL PRIMARY KEY,
    account_id    TEXT    NOT NULL,
    email         TEXT    NOT NULL,          -- normalized: trimmed, lowercase
    name          TEXT    NOT NULL,
    profile       TEXT    NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash TEXT,                      -- NULL until the user sets a password
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    CONSTRAINT users_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id),
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_email_lowercase_check CHECK (email = lower(email)),
    CONSTRAINT users_profile_check CHECK (
        profile IN ('administrator', 'billing_administrator', 'manager', 'standard', 'reviewer')
    )
);

CREATE INDEX users_account_id_idx ON users (account_id);
