-- Issue 13 (SPEC 3.1): previews of images and PDFs, made in the background after an upload.
-- One job per file version that can have a preview, claimed with a lease like the email
-- outbox (several instances, a crash mid-render: the lease runs out and another takes it).
-- The images themselves are in the blob store under previews/<version id>/.
--
-- Keep this file identical in meaning to ../postgres/0017_previews.sql.

CREATE TABLE preview_jobs (
    version_id   TEXT    NOT NULL PRIMARY KEY,
    kind         TEXT    NOT NULL,             -- 'image' or 'pdf' (PreviewKind)
    state        TEXT    NOT NULL,             -- 'pending', 'ready' or 'failed'
    attempts     INTEGER NOT NULL DEFAULT 0,
    available_at INTEGER NOT NULL,             -- not tried again before (unix seconds)
    lease_until  INTEGER,                       -- a worker holds it until
    pages        INTEGER,                      -- ready: how many views (1 for an image)
    failure      TEXT,                         -- failed: why, for the logs
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    CONSTRAINT preview_jobs_version_id_fkey FOREIGN KEY (version_id) REFERENCES file_versions (id),
    CONSTRAINT preview_jobs_kind_check CHECK (kind IN ('image', 'pdf')),
    CONSTRAINT preview_jobs_state_check CHECK (state IN ('pending', 'ready', 'failed')),
    CONSTRAINT preview_jobs_ready_check CHECK ((state = 'ready') = (pages IS NOT NULL)),
    CONSTRAINT preview_jobs_pages_check CHECK (pages IS NULL OR pages >= 1)
) STRICT;

-- The worker's next job: pending and due.
CREATE INDEX preview_jobs_due_idx ON preview_jobs (state, available_at);
