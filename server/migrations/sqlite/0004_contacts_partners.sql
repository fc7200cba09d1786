-- Partner requests (SPEC 4.1) and contacts (SPEC 2), SQLite flavour.
--
-- Keep this file identical in meaning to ../postgres/0004_contacts_partners.sql: same
-- tables, columns, constraint and index names. Booleans are INTEGER 0/1 (checked); the
-- partial indexes say `archived = FALSE`, which both engines read the same way, so the
-- portable queries in server/src/store repeat that exact term and can use them.
--
-- `name_sort` (lower(name)) orders and searches the Contacts page. SQLite's lower() folds
-- ASCII letters only; PostgreSQL's folds Unicode. Order and search of non-ASCII capitals
-- therefore differ slightly between engines; nothing else depends on it.

CREATE TABLE partner_requests (
    id                   TEXT    NOT NULL PRIMARY KEY,
    sender_account_id    TEXT    NOT NULL,
    sending_user_id      TEXT    NOT NULL,
    recipient_email      TEXT    NOT NULL,            -- normalized: trimmed, lowercase
    recipient_account_id TEXT    NOT NULL,
    status               TEXT    NOT NULL,
    deleted_by_sender    INTEGER NOT NULL DEFAULT 0,
    deleted_by_recipient INTEGER NOT NULL DEFAULT 0,
    archived             INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL,            -- unix seconds
    updated_at           INTEGER NOT NULL,
    CONSTRAINT partner_requests_sender_account_id_fkey
        FOREIGN KEY (sender_account_id) REFERENCES accounts (id),
    CONSTRAINT partner_requests_sending_user_id_fkey
        FOREIGN KEY (sending_user_id) REFERENCES users (id),
    CONSTRAINT partner_requests_recipient_account_id_fkey
        FOREIGN KEY (recipient_account_id) REFERENCES accounts (id),
    CONSTRAINT partner_requests_recipient_email_lowercase_check
        CHECK (recipient_email = lower(recipient_email)),
    CONSTRAINT partner_requests_status_check
        CHECK (status IN ('pending', 'accepted', 'rejected')),
    CONSTRAINT partner_requests_two_accounts_check
        CHECK (sender_account_id <> recipient_account_id),
    -- Core: a request both sides deleted is archived.
    CONSTRAINT partner_requests_archived_when_both_deleted_check
        CHECK (NOT (deleted_by_sender AND deleted_by_recipient) OR archived),
    -- Core (`PartnerRequest::restore`): a live pending or accepted request is deleted by no side.
    CONSTRAINT partner_requests_open_not_deleted_check
        CHECK (status = 'rejected' OR archived OR NOT (deleted_by_sender OR deleted_by_recipient)),
    CONSTRAINT partner_requests_updated_after_created_check CHECK (updated_at >= created_at),
    CONSTRAINT partner_requests_flags_check CHECK (
        deleted_by_sender IN (0, 1) AND deleted_by_recipient IN (0, 1) AND archived IN (0, 1)
    )
) STRICT;

-- At most one live partnership per unordered pair of accounts, in either direction.
CREATE UNIQUE INDEX partner_requests_one_partnership_per_pair_key ON partner_requests (
    min(sender_account_id, recipient_account_id),
    max(sender_account_id, recipient_account_id)
) WHERE status = 'accepted' AND archived = FALSE;

-- No second open (not archived) request from one account to the same address.
CREATE UNIQUE INDEX partner_requests_one_open_request_per_address_key
    ON partner_requests (sender_account_id, recipient_email) WHERE archived = FALSE;

-- The current partners of an account, from either side.
CREATE INDEX partner_requests_partnership_sender_idx
    ON partner_requests (sender_account_id) WHERE status = 'accepted' AND archived = FALSE;
CREATE INDEX partner_requests_partnership_recipient_idx
    ON partner_requests (recipient_account_id) WHERE status = 'accepted' AND archived = FALSE;
-- Every request between two accounts (history, the next issue's partners tab).
CREATE INDEX partner_requests_recipient_sender_idx
    ON partner_requests (recipient_account_id, sender_account_id);

-- Users are listed on the Contacts page beside contacts, in the same order.
ALTER TABLE users ADD COLUMN name_sort TEXT GENERATED ALWAYS AS (lower(name)) VIRTUAL;
CREATE INDEX users_account_name_sort_idx ON users (account_id, name_sort, id);

-- Members (copies of partner users, kept in sync) and hand-added contacts of an account.
-- Users of the account itself are never copied here.
CREATE TABLE contacts (
    id                 TEXT    NOT NULL PRIMARY KEY,
    account_id         TEXT    NOT NULL,               -- the owner
    email              TEXT    NOT NULL,               -- normalized: trimmed, lowercase
    name               TEXT    NOT NULL,
    name_sort          TEXT    GENERATED ALWAYS AS (lower(name)) STORED,
    kind               TEXT    NOT NULL,
    partner_account_id TEXT,                           -- members: the account they come from
    partner_user_id    TEXT,                           -- members: the user they copy
    active             INTEGER NOT NULL DEFAULT 1,
    synced             INTEGER NOT NULL DEFAULT 0,     -- members: still following the partner
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    CONSTRAINT contacts_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id),
    CONSTRAINT contacts_partner_account_id_fkey
        FOREIGN KEY (partner_account_id) REFERENCES accounts (id),
    CONSTRAINT contacts_partner_user_id_fkey FOREIGN KEY (partner_user_id) REFERENCES users (id),
    CONSTRAINT contacts_account_email_key UNIQUE (account_id, email),
    CONSTRAINT contacts_email_lowercase_check CHECK (email = lower(email)),
    CONSTRAINT contacts_kind_check CHECK (kind IN ('contact', 'member')),
    CONSTRAINT contacts_partner_matches_kind_check CHECK (
        (kind = 'member' AND partner_account_id IS NOT NULL AND partner_user_id IS NOT NULL
            AND partner_account_id <> account_id)
        OR (kind = 'contact' AND partner_account_id IS NULL AND partner_user_id IS NULL
            AND synced = FALSE)
    ),
    CONSTRAINT contacts_flags_check CHECK (active IN (0, 1) AND synced IN (0, 1))
) STRICT;

CREATE INDEX contacts_account_name_sort_idx ON contacts (account_id, name_sort, id);
CREATE INDEX contacts_partner_user_id_idx ON contacts (partner_user_id);
CREATE INDEX contacts_account_partner_account_idx ON contacts (account_id, partner_account_id);
