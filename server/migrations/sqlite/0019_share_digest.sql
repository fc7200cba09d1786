-- Issue 14 (notifications): the daily digest of what partners add to folders shared with a
-- person. Each user chooses it (off or daily); one run a day, whichever instance makes it,
-- recorded with the window it covered; the emails go through the outbox in the run's
-- transaction. Which items a person's digest lists is decided by entente_core
-- (documents::digest::in_digest), never here.
--
-- SQLite flavour. Keep this file identical in meaning to ../postgres/0019_share_digest.sql.

ALTER TABLE users ADD COLUMN share_digest TEXT NOT NULL DEFAULT 'daily'
    CONSTRAINT users_share_digest_check CHECK (share_digest IN ('off', 'daily'));

-- One row per day a digest ran: the primary key lets exactly one instance make a day's run.
CREATE TABLE digest_runs (
    day        INTEGER NOT NULL PRIMARY KEY,   -- days since 1970-01-01 (UTC)
    since      INTEGER NOT NULL,               -- additions created after this (unix seconds)...
    until      INTEGER NOT NULL,               -- ...up to this, included
    emails     INTEGER NOT NULL,               -- how many digest emails the run enqueued
    created_at INTEGER NOT NULL,
    CONSTRAINT digest_runs_window_check CHECK (since < until),
    CONSTRAINT digest_runs_emails_check CHECK (emails >= 0)
) STRICT;

-- The run reads the items created in its window, one keyset page at a time.
CREATE INDEX items_created_idx ON items (created_at, id);

-- The outbox learns the digest email; SQLite rebuilds a table to change a CHECK.
CREATE TABLE email_outbox_new (
    id              TEXT    NOT NULL PRIMARY KEY,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    leased_until    INTEGER,
    lease_owner     TEXT,
    sent_at         INTEGER,
    last_error      TEXT,
    CONSTRAINT email_outbox_kind_check CHECK (
        kind IN ('user_invitation', 'password_reset', 'partner_invitation', 'partner_rejected',
                 'partner_accepted', 'email_verification', 'item_shared', 'share_digest')
    ),
    CONSTRAINT email_outbox_attempts_check CHECK (attempts >= 0),
    CONSTRAINT email_outbox_lease_check CHECK ((leased_until IS NULL) = (lease_owner IS NULL))
) STRICT;
INSERT INTO email_outbox_new
    (id, recipient, subject, text_body, html_body, kind, created_at, attempts, next_attempt_at,
     leased_until, lease_owner, sent_at, last_error)
SELECT id, recipient, subject, text_body, html_body, kind, created_at, attempts, next_attempt_at,
       leased_until, lease_owner, sent_at, last_error
FROM email_outbox;
DROP TABLE email_outbox;
ALTER TABLE email_outbox_new RENAME TO email_outbox;
CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX email_outbox_created_at_idx ON email_outbox (created_at);
