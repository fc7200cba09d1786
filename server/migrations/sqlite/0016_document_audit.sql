-- Issue 13 (SPEC 3.3, last bullet): changes to documents in the owner account's audit log;
-- SQLite flavour.
--
-- Keep this file identical in meaning to ../postgres/0016_document_audit.sql.
--
-- A document entry names its item and keeps the names it happened under (entente_core's
-- documents::audit::DocumentAuditKind), so it reads the same after later renames and purges:
-- `item_id` is therefore no foreign key (a purged item's entries stay). The CHECK constraints
-- tie each document action to exactly the columns it keeps, and keep those columns empty on
-- every other entry. SQLite cannot add named constraints to a table, so the table is rebuilt
-- with every row, as 0009 did.
CREATE TABLE audit_log_documents (
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
            'document_renamed', 'document_moved', 'document_trashed', 'document_restored'
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
    )
) STRICT;

INSERT INTO audit_log_documents
    (id, account_id, actor_user_id, action, partner_request_id, side, status_before, created_at)
SELECT id, account_id, actor_user_id, action, partner_request_id, side, status_before, created_at
FROM audit_log;

DROP TABLE audit_log;
ALTER TABLE audit_log_documents RENAME TO audit_log;
CREATE INDEX audit_log_account_created_idx ON audit_log (account_id, created_at DESC, id);
