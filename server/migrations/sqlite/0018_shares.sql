-- Issue 14 (SPEC 3.3): shares of an account's items with a partner account as a whole or with
-- one of its people. Who a share reaches and what it lets them do is decided by entente_core
-- (documents::access::role) from these rows, the item's ancestry, the partnership and the
-- owner's contacts; the rows here only keep what was shared, never who may see it.
--
-- SQLite flavour. Keep this file identical in meaning to ../postgres/0018_shares.sql.

-- A person's share names a user of the recipient account: the pair is the foreign key.
CREATE UNIQUE INDEX users_id_account_key ON users (id, account_id);

CREATE TABLE shares (
    id                   TEXT    NOT NULL PRIMARY KEY,
    item_id              TEXT    NOT NULL,
    account_id           TEXT    NOT NULL,     -- the owner: the item's account
    recipient_account_id TEXT    NOT NULL,     -- the partner account (a person's own account)
    recipient_user_id    TEXT,                 -- NULL: the account as a whole
    recipient_key        TEXT    NOT NULL,     -- recipient_user_id, or '' for the account
    role                 TEXT    NOT NULL,     -- ShareRole: 'viewer' or 'reviewer'
    downloads            INTEGER NOT NULL,
    created_by           TEXT    NOT NULL,
    created_at           INTEGER NOT NULL,     -- unix seconds
    updated_at           INTEGER NOT NULL,
    CONSTRAINT shares_item_fkey FOREIGN KEY (item_id, account_id) REFERENCES items (id, account_id),
    CONSTRAINT shares_recipient_account_fkey
        FOREIGN KEY (recipient_account_id) REFERENCES accounts (id),
    CONSTRAINT shares_recipient_user_fkey
        FOREIGN KEY (recipient_user_id, recipient_account_id) REFERENCES users (id, account_id),
    CONSTRAINT shares_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id),
    CONSTRAINT shares_other_account_check CHECK (recipient_account_id <> account_id),
    CONSTRAINT shares_role_check CHECK (role IN ('viewer', 'reviewer')),
    CONSTRAINT shares_recipient_key_check CHECK (recipient_key = COALESCE(recipient_user_id, '')),
    CONSTRAINT shares_downloads_check CHECK (downloads IN (0, 1))
) STRICT;

-- One share per item and recipient: sharing again changes the role or downloads.
CREATE UNIQUE INDEX shares_one_per_recipient_key
    ON shares (item_id, recipient_account_id, recipient_key);
-- "Shared with us" (a recipient account's shares, newest first, one keyset page at a time).
CREATE INDEX shares_by_recipient_idx ON shares (recipient_account_id, updated_at DESC, id);
-- "Shared by us" per partner, and the Delete confirmation's lists.
CREATE INDEX shares_by_owner_idx ON shares (account_id, recipient_account_id, updated_at DESC, id);

-- The outbox learns the email a share sends its recipients; SQLite rebuilds a table to change a CHECK.
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
                 'partner_accepted', 'email_verification', 'item_shared')
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

-- Shares, changes and revokes in the audit logs of the owner and of the recipient account:
-- with whom (as it read then), and for a share or a change the role and downloads. SQLite
-- rebuilds the table to add CHECK constraints, as 0016 did.
CREATE TABLE audit_log_shares (
    id                 TEXT    NOT NULL PRIMARY KEY,  -- UUID, hyphenated lowercase text
    account_id         TEXT    NOT NULL,              -- whose log holds the entry
    actor_user_id      TEXT,                          -- NULL when the service acted on its own
    action             TEXT    NOT NULL,              -- what happened, e.g. partner_request_sent
    partner_request_id TEXT,                          -- partner entries: the request
    side               TEXT,                          -- partner deletions: the side that deleted
    status_before      TEXT,                          -- partner deletions: the status it had
    created_at         INTEGER NOT NULL,              -- unix seconds
    item_id            TEXT,                          -- document entries: the folder or file
    item_kind          TEXT,                          -- document entries: 'folder' or 'file'
    item_name          TEXT,                          -- document entries: its name after the change
    other_name         TEXT,                          -- the folder uploaded to, created in or moved
                                                      -- to; the name before a rename; the name in
                                                      -- the trash when a restore had to change it
    version            INTEGER,                       -- new versions: the version's number
    share_with         TEXT,                          -- sharing entries: the recipient as it read then
    share_role         TEXT,                          -- shares and changes: 'viewer' or 'reviewer'
    share_downloads    INTEGER,                       -- shares and changes: downloads on (1) or off (0)
    CONSTRAINT audit_log_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id),
    CONSTRAINT audit_log_actor_user_id_fkey FOREIGN KEY (actor_user_id) REFERENCES users (id),
    CONSTRAINT audit_log_partner_request_id_fkey
        FOREIGN KEY (partner_request_id) REFERENCES partner_requests (id),
    CONSTRAINT audit_log_side_check CHECK (side IS NULL OR side IN ('sender', 'recipient')),
    CONSTRAINT audit_log_status_before_check
        CHECK (status_before IS NULL OR status_before IN ('pending', 'accepted', 'rejected')),
    CONSTRAINT audit_log_partner_entry_check
        CHECK (action NOT LIKE 'partner_request_%' OR partner_request_id IS NOT NULL),
    CONSTRAINT audit_log_deletion_check CHECK (
        (action = 'partner_request_deleted') = (side IS NOT NULL AND status_before IS NOT NULL)
    ),
    CONSTRAINT audit_log_document_action_check CHECK (
        action NOT LIKE 'document_%' OR action IN (
            'document_uploaded', 'document_version_uploaded', 'document_folder_created',
            'document_renamed', 'document_moved', 'document_trashed', 'document_restored',
            'document_shared', 'document_share_changed', 'document_unshared'
        )
    ),
    CONSTRAINT audit_log_document_entry_check CHECK (
        CASE WHEN action LIKE 'document_%'
            THEN item_id IS NOT NULL AND item_kind IS NOT NULL AND item_name IS NOT NULL
                 AND partner_request_id IS NULL
            ELSE item_id IS NULL AND item_kind IS NULL AND item_name IS NULL
                 AND other_name IS NULL AND version IS NULL
        END
    ),
    CONSTRAINT audit_log_document_item_kind_check CHECK (
        (item_kind IS NULL OR item_kind IN ('folder', 'file'))
        AND (action NOT IN ('document_uploaded', 'document_version_uploaded') OR item_kind = 'file')
        AND (action <> 'document_folder_created' OR item_kind = 'folder')
    ),
    CONSTRAINT audit_log_document_other_name_check CHECK (
        CASE
            WHEN action IN ('document_uploaded', 'document_folder_created', 'document_renamed',
                            'document_moved') THEN other_name IS NOT NULL
            WHEN action = 'document_restored' THEN TRUE
            ELSE other_name IS NULL
        END
    ),
    CONSTRAINT audit_log_document_version_check CHECK (
        (action = 'document_version_uploaded') = (version IS NOT NULL)
        AND (version IS NULL OR version >= 2)
    ),
    CONSTRAINT audit_log_document_share_check CHECK (
        (action IN ('document_shared', 'document_share_changed', 'document_unshared'))
            = (share_with IS NOT NULL)
        AND (action IN ('document_shared', 'document_share_changed'))
            = (share_role IS NOT NULL AND share_downloads IS NOT NULL)
        AND (share_role IS NULL OR share_role IN ('viewer', 'reviewer'))
        AND (share_downloads IS NULL OR share_downloads IN (0, 1))
    )
) STRICT;


INSERT INTO audit_log_shares
    (id, account_id, actor_user_id, action, partner_request_id, side, status_before, created_at,
     item_id, item_kind, item_name, other_name, version)
SELECT id, account_id, actor_user_id, action, partner_request_id, side, status_before, created_at,
     item_id, item_kind, item_name, other_name, version
FROM audit_log;

DROP TABLE audit_log;
ALTER TABLE audit_log_shares RENAME TO audit_log;
CREATE INDEX audit_log_account_created_idx ON audit_log (account_id, created_at DESC, id);
