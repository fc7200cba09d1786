-- Issue 13 (SPEC 3.3, last bullet): changes to documents in the owner account's audit log;
-- PostgreSQL flavour.
--
-- Keep this file identical in meaning to ../sqlite/0016_document_audit.sql.
--
-- A document entry names its item and keeps the names it happened under (entente_core's
-- documents::audit::DocumentAuditKind), so it reads the same after later renames and purges:
-- `item_id` is therefore no foreign key (a purged item's entries stay). The CHECK constraints
-- tie each document action to exactly the columns it keeps, and keep those columns empty on
-- every other entry.
ALTER TABLE audit_log
    ADD COLUMN item_id TEXT,        -- document entries: the folder or file
    ADD COLUMN item_kind TEXT,      -- document entries: 'folder' or 'file'
    ADD COLUMN item_name TEXT,      -- document entries: its name after the change
    ADD COLUMN other_name TEXT,     -- the folder uploaded to, created in or moved to; the name
                                    -- before a rename; the name in the trash when a restore
                                    -- had to change it
    ADD COLUMN version INTEGER,     -- new versions: the version's number
    ADD CONSTRAINT audit_log_document_action_check CHECK (
        action NOT LIKE 'document_%' OR action IN (
            'document_uploaded', 'document_version_uploaded', 'document_folder_created',
            'document_renamed', 'document_moved', 'document_trashed', 'document_restored'
        )
    ),
    ADD CONSTRAINT audit_log_document_entry_check CHECK (
        CASE WHEN action LIKE 'document_%'
            THEN item_id IS NOT NULL AND item_kind IS NOT NULL AND item_name IS NOT NULL
                 AND partner_request_id IS NULL
            ELSE item_id IS NULL AND item_kind IS NULL AND item_name IS NULL
                 AND other_name IS NULL AND version IS NULL
        END
    ),
    ADD CONSTRAINT audit_log_document_item_kind_check CHECK (
        (item_kind IS NULL OR item_kind IN ('folder', 'file'))
        AND (action NOT IN ('document_uploaded', 'document_version_uploaded') OR item_kind = 'file')
        AND (action <> 'document_folder_created' OR item_kind = 'folder')
    ),
    ADD CONSTRAINT audit_log_document_other_name_check CHECK (
        CASE
            WHEN action IN ('document_uploaded', 'document_folder_created', 'document_renamed',
                            'document_moved') THEN other_name IS NOT NULL
            WHEN action = 'document_restored' THEN TRUE
            ELSE other_name IS NULL
        END
    ),
    ADD CONSTRAINT audit_log_document_version_check CHECK (
        (action = 'document_version_uploaded') = (version IS NOT NULL)
        AND (version IS NULL OR version >= 2)
    );
