-- Issue 14 (notifications): the daily digest of what partners add to folders shared with a
-- person. Each user chooses it (off or daily); one run a day, whichever instance makes it,
-- recorded with the window it covered; the emails go through the outbox in the run's
-- transaction. Which items a person's digest lists is decided by entente_core
-- (documents::digest::in_digest), never here.
--
-- Keep this file identical in meaning to ../sqlite/0019_share_digest.sql.

ALTER TABLE users ADD COLUMN share_digest TEXT NOT NULL DEFAULT 'daily'
    CONSTRAINT users_share_digest_check CHECK (share_digest IN ('off', 'daily'));

-- One row per day a digest ran: the primary key lets exactly one instance make a day's run.
CREATE TABLE digest_runs (
    day        BIGINT  NOT NULL PRIMARY KEY,   -- days since 1970-01-01 (UTC)
    since      BIGINT  NOT NULL,               -- additions created after this (unix seconds)...
    until      BIGINT  NOT NULL,               -- ...up to this, included
    emails     INTEGER NOT NULL,               -- how many digest emails the run enqueued
    created_at BIGINT  NOT NULL,
    CONSTRAINT digest_runs_window_check CHECK (since < until),
    CONSTRAINT digest_runs_emails_check CHECK (emails >= 0)
);

-- The run reads the items created in its window, one keyset page at a time.
CREATE INDEX items_created_idx ON items (created_at, id);

-- The outbox learns the digest email.
ALTER TABLE email_outbox
    DROP CONSTRAINT email_outbox_kind_check,
    ADD CONSTRAINT email_outbox_kind_check CHECK (
        kind IN ('user_invitation', 'password_reset', 'partner_invitation', 'partner_rejected',
                 'partner_accepted', 'email_verification', 'item_shared', 'share_digest')
    );
