-- Issue 13 (SPEC 3.1): every account's documents. One table holds folders and files (`items`),
-- so one unique index keeps every name in a folder unique, folders and files alike, compared
-- by entente_core's ItemName::sibling_key (case-insensitive). A file's bytes are in the blob
-- store under their SHA-256 (`blobs`, one row per content); each version points at one.
--
-- Keep this file identical in meaning to ../sqlite/0015_documents.sql.

CREATE TABLE blobs (
    sha256     TEXT   NOT NULL PRIMARY KEY,    -- lowercase hex SHA-256: the key in the blob store
    size       BIGINT NOT NULL,
    created_at BIGINT NOT NULL,                -- unix seconds
    CONSTRAINT blobs_sha256_check CHECK (length(sha256) = 64),
    CONSTRAINT blobs_size_check CHECK (size >= 0)
);

CREATE TABLE items (
    id            TEXT    NOT NULL PRIMARY KEY,
    account_id    TEXT    NOT NULL,
    parent_id     TEXT,                        -- NULL only for the account's root folder
    kind          TEXT    NOT NULL,            -- 'folder' or 'file'
    name          TEXT    NOT NULL,
    name_key      TEXT    NOT NULL,            -- ItemName::sibling_key(name)
    created_by    TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    deleted_at    BIGINT,                      -- moved to the trash (this item itself) at
    deleted_by    TEXT,
    size          BIGINT,                      -- files: the current version's size
    content_type  TEXT,                        -- files: the current version's sniffed type
    version_count INTEGER,                     -- files: how many versions it has
    CONSTRAINT items_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id),
    -- A parent is always in the same account: the pair is the foreign key.
    CONSTRAINT items_id_account_key UNIQUE (id, account_id),
    CONSTRAINT items_parent_fkey FOREIGN KEY (parent_id, account_id) REFERENCES items (id, account_id),
    CONSTRAINT items_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id),
    CONSTRAINT items_deleted_by_fkey FOREIGN KEY (deleted_by) REFERENCES users (id),
    CONSTRAINT items_kind_check CHECK (kind IN ('folder', 'file')),
    CONSTRAINT items_root_is_a_folder_check CHECK (parent_id IS NOT NULL OR kind = 'folder'),
    CONSTRAINT items_root_not_deleted_check CHECK (parent_id IS NOT NULL OR deleted_at IS NULL),
    CONSTRAINT items_parent_not_self_check CHECK (parent_id IS NULL OR parent_id <> id),
    CONSTRAINT items_file_facts_check CHECK (
        (kind = 'file') = (size IS NOT NULL AND content_type IS NOT NULL AND version_count IS NOT NULL)
    ),
    CONSTRAINT items_size_check CHECK (size IS NULL OR size >= 0),
    CONSTRAINT items_version_count_check CHECK (version_count IS NULL OR version_count >= 1),
    CONSTRAINT items_deleted_check CHECK ((deleted_at IS NULL) = (deleted_by IS NULL))
);

-- One root per account; names unique among the live items of a folder.
CREATE UNIQUE INDEX items_one_root_idx ON items (account_id) WHERE parent_id IS NULL;
CREATE UNIQUE INDEX items_sibling_name_idx ON items (parent_id, name_key) WHERE deleted_at IS NULL;
-- A folder's listing, one keyset page at a time, in each order the page offers (folders first).
CREATE INDEX items_by_name_idx ON items (parent_id, kind, name_key, id);
CREATE INDEX items_by_modified_idx ON items (parent_id, kind, updated_at, id);
CREATE INDEX items_by_size_idx ON items (parent_id, kind, size, id);
-- The trash of an account, and the purge of what has been there 30 days.
CREATE INDEX items_trash_idx ON items (account_id, deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE file_versions (
    id           TEXT    NOT NULL PRIMARY KEY,
    file_id      TEXT    NOT NULL,
    number       INTEGER NOT NULL,             -- 1, 2, 3… per file
    blob_sha256  TEXT    NOT NULL,
    size         BIGINT  NOT NULL,
    content_type TEXT    NOT NULL,
    uploaded_by  TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    CONSTRAINT file_versions_file_id_fkey FOREIGN KEY (file_id) REFERENCES items (id),
    CONSTRAINT file_versions_blob_fkey FOREIGN KEY (blob_sha256) REFERENCES blobs (sha256),
    CONSTRAINT file_versions_uploaded_by_fkey FOREIGN KEY (uploaded_by) REFERENCES users (id),
    CONSTRAINT file_versions_number_key UNIQUE (file_id, number),
    CONSTRAINT file_versions_number_check CHECK (number >= 1),
    CONSTRAINT file_versions_size_check CHECK (size >= 0)
);

-- Whether a blob is still used, asked by the purge before it removes one.
CREATE INDEX file_versions_blob_idx ON file_versions (blob_sha256);
