-- The email outbox, PostgreSQL flavour: every email is written here in the transaction
-- that causes it, and the mail worker delivers it over SMTP (SPEC 4.5).
--
-- Keep this file identical in meaning to ../sqlite/0002_outbox.sql. Times are unix
-- seconds. A row is due when it is not sent, its next attempt has come and it is not
-- leased (or its lease ran out). A worker claims rows with
-- `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)`, so two workers never claim
-- the same row and neither waits for the other.

CREATE TABLE email_outbox (
    id              TEXT    NOT NULL PRIMARY KEY,  -- UUID, hyphenated lowercase text
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,    -- claims so far: each claim is one delivery attempt
    next_attempt_at BIGINT  NOT NULL,              -- not claimed before this time (backoff after a failure)
    leased_until    BIGINT,                        -- claimed by lease_owner until then; NULL when free
    lease_owner     TEXT,
    sent_at         BIGINT,                        -- NULL until the SMTP server accepted it
    last_error      TEXT,                          -- why the last attempt failed, for the mailbox page and logs
    CONSTRAINT email_outbox_kind_check CHECK (
        kind IN ('user_invitation', 'password_reset', 'partner_invitation', 'partner_rejected', 'partner_accepted')
    ),
    CONSTRAINT email_outbox_attempts_check CHECK (attempts >= 0),
    CONSTRAINT email_outbox_lease_check CHECK ((leased_until IS NULL) = (lease_owner IS NULL))
);

-- The worker's claim: unsent rows in order of their next attempt.
CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at) WHERE sent_at IS NULL;
-- The mailbox page: the most recent emails first.
CREATE INDEX email_outbox_created_at_idx ON email_outbox (created_at);
