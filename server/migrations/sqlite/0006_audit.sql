-- The audit log of partner decisions (SPEC 4.6), SQLite flavour.
--
-- Keep this file identical in meaning to ../postgres/0006_audit.sql.
-- One row per account concerned by a decision: both sides of a partner request get their own
-- entry, so each account reads its log by `account_id` alone, newest first.

CREATE TABLE audit_log (
    id            TEXT    NOT NULL PRIMARY KEY,  -- UUID, hyphenated lowercase text
    account_id    TEXT    NOT NULL,
    actor_user_id TEXT,                          -- NULL when the service acted on its own
    action        TEXT    NOT NULL,
    subject       TEXT    NOT NULL,              -- what was acted on, e.g. a partner request id
    detail        TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,              -- unix seconds
    CONSTRAINT audit_log_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id),
    CONSTRAINT audit_log_actor_user_id_fkey FOREIGN KEY (actor_user_id) REFERENCES users (id)
) STRICT;

CREATE INDEX audit_log_account_created_idx ON audit_log (account_id, created_at DESC, id);
