-- Issue 14 (SPEC 3.3): shares of an account's items with a partner account as a whole or with
-- one of its people. Who a share reaches and what it lets them do is decided by entente_core
-- (documents::access::role) from these rows, the item's ancestry, the partnership and the
-- owner's contacts; the rows here only keep what was shared, never who may see it.
--
-- Keep this file identical in meaning to ../sqlite/0018_shares.sql.

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
    downloads            BOOLEAN NOT NULL,
    created_by           TEXT    NOT NULL,
    created_at           BIGINT  NOT NULL,     -- unix seconds
    updated_at           BIGINT  NOT NULL,
    CONSTRAINT shares_item_fkey FOREIGN KEY (item_id, account_id) REFERENCES items (id, account_id),
    CONSTRAINT shares_recipient_account_fkey
        FOREIGN KEY (recipient_account_id) REFERENCES accounts (id),
    CONSTRAINT shares_recipient_user_fkey
        FOREIGN KEY (recipient_user_id, recipient_account_id) REFERENCES users (id, account_id),
    CONSTRAINT shares_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id),
    CONSTRAINT shares_other_account_check CHECK (recipient_account_id <> account_id),
    CONSTRAINT shares_role_check CHECK (role IN ('viewer', 'reviewer')),
    CONSTRAINT shares_recipient_key_check CHECK (recipient_key = COALESCE(recipient_user_id, ''))
);

-- One share per item and recipient: sharing again changes the role or downloads.
CREATE UNIQUE INDEX shares_one_per_recipient_key
    ON shares (item_id, recipient_account_id, recipient_key);
-- "Shared with us" (a recipient account's shares, newest first, one keyset page at a time).
CREATE INDEX shares_by_recipient_idx ON shares (recipient_account_id, updated_at DESC, id);
-- "Shared by us" per partner, and the Delete confirmation's lists.
CREATE INDEX shares_by_owner_idx ON shares (account_id, recipient_account_id, updated_at DESC, id);

-- The outbox learns the email a share sends its recipients.
ALTER TABLE email_outbox
    DROP CONSTRAINT email_outbox_kind_check,
    ADD CONSTRAINT email_outbox_kind_check CHECK (
        kind IN ('user_invitation', 'password_reset', 'partner_invitation', 'partner_rejected',
                 'partner_accepted', 'email_verification', 'item_shared')
    );

-- Shares, changes and revokes in the audit logs of the owner and of the recipient account:
-- with whom (as it read then), and for a share or a change the role and downloads.
ALTER TABLE audit_log
    ADD COLUMN share_with TEXT,          -- sharing entries: the recipient as it read then
    ADD COLUMN share_role TEXT,          -- shares and changes: 'viewer' or 'reviewer'
    ADD COLUMN share_downloads BOOLEAN,  -- shares and changes: downloads on or off
    DROP CONSTRAINT audit_log_document_action_check,
    ADD CONSTRAINT audit_log_document_action_check CHECK (
        action NOT LIKE 'document_%' OR action IN (
            'document_uploaded', 'document_version_uploaded', 'document_folder_created',
            'document_renamed', 'document_moved', 'document_trashed', 'document_restored',
            'document_shared', 'document_share_changed', 'document_unshared'
        )
    ),
    ADD CONSTRAINT audit_log_document_share_check CHECK (
        (action IN ('document_shared', 'document_share_changed', 'document_unshared'))
            = (share_with IS NOT NULL)
        AND (action IN ('document_shared', 'document_share_changed'))
            = (share_role IS NOT NULL AND share_downloads IS NOT NULL)
        AND (share_role IS NULL OR share_role IN ('viewer', 'reviewer'))
        AND (share_downloads IS NULL OR share_role IS NOT NULL)
    );
