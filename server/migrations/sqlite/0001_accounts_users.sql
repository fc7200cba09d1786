-- Accounts (organizations) and their users, SQLite flavour.
--
-- Keep this file identical in meaning to ../postgres/0001_accounts_users.sql:
-- same tables, columns, constraint names and checks. The differences are only
-- spelling: STRICT tables, INTEGER for booleans (0/1, checked) and for unix
-- seconds (BIGINT on PostgreSQL).
--
-- Note: SQLite's lower() folds ASCII letters only, PostgreSQL's folds Unicode.
-- The application stores emails already lowercased (Rust `to_lowercase`), so
-- both engines accept what the application writes; the CHECK is a safety net.

CREATE TABLE accounts (
    id         TEXT    NOT NULL PRIMARY KEY,  -- UUID, hyphenated lowercase text
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL               -- unix seconds
) STRICT;

CREATE TABLE users (
    id            TEXT    NOT NULL PRIMARY KEY,
    account_id    TEXT    NOT NULL,
    email         TEXT    NOT NULL,           -- normalized: trimmed, lowercase
    name          TEXT    NOT NULL,
    profile       TEXT    NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    password_hash TEXT,                       -- NULL until the user sets a password
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    CONSTRAINT users_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id),
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_email_lowercase_check CHECK (email = lower(email)),
    CONSTRAINT users_profile_check CHECK (
        profile IN ('administrator', 'billing_administrator', 'manager', 'standard', 'reviewer')
    ),
    CONSTRAINT users_active_check CHECK (active IN (0, 1))
) STRICT;

CREATE INDEX users_account_id_idx ON users (account_id);
