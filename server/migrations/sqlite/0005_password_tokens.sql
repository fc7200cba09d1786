-- Single-use set-password tokens (user invitations and password resets), SQLite flavour.
--
-- Keep this file identical in meaning to ../postgres/0005_password_tokens.sql.
-- Only the SHA-256 hash of a token is stored (hex, lowercase): the token itself exists
-- only in the emailed link. A token works while `used_at` is NULL and `expires_at` is
-- in the future; using it sets `used_at` in the same transaction as the new password.

CREATE TABLE password_tokens (
    token_hash TEXT    NOT NULL PRIMARY KEY,  -- hex SHA-256 of the token
    user_id    TEXT    NOT NULL,
    purpose    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,              -- unix seconds
    expires_at INTEGER NOT NULL,              -- unix seconds
    used_at    INTEGER,                       -- unix seconds, NULL until used
    CONSTRAINT password_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT password_tokens_purpose_check CHECK (purpose IN ('invitation', 'reset'))
) STRICT;

CREATE INDEX password_tokens_user_id_idx ON password_tokens (user_id);
