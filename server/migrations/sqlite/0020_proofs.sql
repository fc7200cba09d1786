-- Issue 15 (SPEC 3.2): proofs and their review. A proof is a file of the account sent for
-- review: one row in `proofs`, its reviewers per version in `proof_reviews` (a new version
-- copies the current reviewers, every one Pending; earlier versions keep theirs), comments per
-- version, optionally pinned to a page or a point of it, and the deadline reminders sent (one
-- per reviewer and deadline, whichever instance sends it). Who may decide, comment, resolve,
-- lock and name reviewers, and a version's overall status, are entente_core's (`proofs`); the
-- stored `status` is core's `overall` of the current version, written in the transaction of
-- every change to it, so lists filter and page by it in SQL.
--
-- SQLite flavour. Keep this file identical in meaning to ../postgres/0020_proofs.sql.

CREATE TABLE proofs (
    item_id         TEXT    NOT NULL PRIMARY KEY,  -- the file
    account_id      TEXT    NOT NULL,              -- the owner: the file's account
    sent_by         TEXT    NOT NULL,
    sent_at         INTEGER NOT NULL,              -- unix seconds
    deadline        INTEGER,                       -- unix seconds, optional
    locked          INTEGER NOT NULL DEFAULT 0,
    current_version INTEGER NOT NULL,              -- the file's version under review
    status          TEXT    NOT NULL,              -- core's overall status of current_version
    updated_at      INTEGER NOT NULL,              -- the last decision, version or change
    CONSTRAINT proofs_item_fkey FOREIGN KEY (item_id, account_id) REFERENCES items (id, account_id),
    CONSTRAINT proofs_sent_by_fkey FOREIGN KEY (sent_by) REFERENCES users (id),
    CONSTRAINT proofs_locked_check CHECK (locked IN (0, 1)),
    CONSTRAINT proofs_version_check CHECK (current_version >= 1),
    CONSTRAINT proofs_status_check CHECK (status IN
        ('pending', 'changes_required', 'approved_with_changes', 'approved', 'not_relevant'))
) STRICT;

-- The owner's proofs, newest change first, all or by status.
CREATE INDEX proofs_by_account_idx ON proofs (account_id, updated_at DESC, item_id);
CREATE INDEX proofs_by_status_idx ON proofs (account_id, status, updated_at DESC, item_id);
-- The reminder job: proofs with a deadline.
CREATE INDEX proofs_deadline_idx ON proofs (deadline) WHERE deadline IS NOT NULL;

CREATE TABLE proof_reviews (
    proof_id   TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    user_id    TEXT    NOT NULL,                   -- the reviewer
    decision   TEXT    NOT NULL DEFAULT 'pending',
    decided_at INTEGER,                            -- NULL while pending
    added_by   TEXT    NOT NULL,
    added_at   INTEGER NOT NULL,
    position   INTEGER NOT NULL,                   -- the order reviewers were named in, from 1
    PRIMARY KEY (proof_id, version, user_id),
    CONSTRAINT proof_reviews_proof_fkey FOREIGN KEY (proof_id) REFERENCES proofs (item_id),
    CONSTRAINT proof_reviews_user_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT proof_reviews_added_by_fkey FOREIGN KEY (added_by) REFERENCES users (id),
    CONSTRAINT proof_reviews_version_check CHECK (version >= 1),
    CONSTRAINT proof_reviews_decision_check CHECK (decision IN
        ('pending', 'approved', 'approved_with_changes', 'changes_required', 'not_relevant')),
    CONSTRAINT proof_reviews_decided_check CHECK ((decision = 'pending') = (decided_at IS NULL)),
    CONSTRAINT proof_reviews_position_key UNIQUE (proof_id, version, position),
    CONSTRAINT proof_reviews_position_check CHECK (position >= 1)
) STRICT;

-- "My reviews": a person's proofs.
CREATE INDEX proof_reviews_by_user_idx ON proof_reviews (user_id, proof_id, version);

CREATE TABLE proof_comments (
    id          TEXT    NOT NULL PRIMARY KEY,
    proof_id    TEXT    NOT NULL,
    number      INTEGER NOT NULL,                  -- the order comments were written in, per proof
    version     INTEGER NOT NULL,
    author_id   TEXT    NOT NULL,
    body        TEXT    NOT NULL,                  -- entente_core's CommentText: shown escaped
    page        INTEGER,                           -- pinned to this page (from 1)...
    x           INTEGER,                           -- ...at this point, thousandths of its width
    y           INTEGER,                           -- ...and height from the top left corner
    reply_to    TEXT,                              -- a reply: the comment it answers
    resolved_at INTEGER,
    resolved_by TEXT,
    created_at  INTEGER NOT NULL,
    CONSTRAINT proof_comments_proof_fkey FOREIGN KEY (proof_id) REFERENCES proofs (item_id),
    CONSTRAINT proof_comments_author_fkey FOREIGN KEY (author_id) REFERENCES users (id),
    CONSTRAINT proof_comments_reply_fkey FOREIGN KEY (reply_to) REFERENCES proof_comments (id),
    CONSTRAINT proof_comments_resolved_by_fkey FOREIGN KEY (resolved_by) REFERENCES users (id),
    CONSTRAINT proof_comments_version_check CHECK (version >= 1),
    CONSTRAINT proof_comments_body_check CHECK (length(body) BETWEEN 1 AND 20000),
    CONSTRAINT proof_comments_page_check CHECK (page IS NULL OR page >= 1),
    CONSTRAINT proof_comments_point_check CHECK (
        (x IS NULL) = (y IS NULL) AND (x IS NULL OR page IS NOT NULL)
        AND (x IS NULL OR x BETWEEN 0 AND 1000) AND (y IS NULL OR y BETWEEN 0 AND 1000)
    ),
    CONSTRAINT proof_comments_reply_check CHECK (reply_to IS NULL OR reply_to <> id),
    CONSTRAINT proof_comments_resolved_check CHECK ((resolved_at IS NULL) = (resolved_by IS NULL)),
    CONSTRAINT proof_comments_number_key UNIQUE (proof_id, number),
    CONSTRAINT proof_comments_number_check CHECK (number >= 1)
) STRICT;

-- A version's thread, oldest first.
CREATE INDEX proof_comments_thread_idx ON proof_comments (proof_id, version, number);

-- Each deadline reminder once per reviewer and deadline: the primary key lets exactly one
-- instance send it.
CREATE TABLE proof_reminders (
    proof_id TEXT    NOT NULL,
    user_id  TEXT    NOT NULL,
    deadline INTEGER NOT NULL,
    sent_at  INTEGER NOT NULL,
    PRIMARY KEY (proof_id, user_id, deadline),
    CONSTRAINT proof_reminders_proof_fkey FOREIGN KEY (proof_id) REFERENCES proofs (item_id),
    CONSTRAINT proof_reminders_user_fkey FOREIGN KEY (user_id) REFERENCES users (id)
) STRICT;

-- The outbox learns the proofs' emails; SQLite rebuilds a table to change a CHECK.
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
                 'partner_accepted', 'email_verification', 'item_shared', 'share_digest',
                 'proof_review_requested', 'proof_new_version', 'proof_decision',
                 'proof_status_final', 'proof_reminder')
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

-- Proofs in the audit log (SPEC 3.3's last bullet: decisions and comments; issue 15: also new
-- versions, reviewer changes and locks): the file as it was named then, the version, the
-- decision, the reviewer named or removed as it read then. SQLite rebuilds the table to change
-- its CHECK constraints, as 0018 did.
CREATE TABLE audit_log_proofs (
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
    decision           TEXT,                          -- proof decisions: the decision made
    person             TEXT,                          -- reviewers named or removed: who, as it read then
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
    CONSTRAINT audit_log_proof_action_check CHECK (
        action NOT LIKE 'proof_%' OR action IN (
            'proof_sent', 'proof_reviewer_added', 'proof_reviewer_removed', 'proof_decided',
            'proof_commented', 'proof_locked', 'proof_unlocked'
        )
    ),
    CONSTRAINT audit_log_document_entry_check CHECK (
        CASE WHEN action LIKE 'document_%' OR action LIKE 'proof_%'
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
        CASE
            WHEN action = 'document_version_uploaded' THEN version IS NOT NULL AND version >= 2
            WHEN action IN ('proof_sent', 'proof_decided', 'proof_commented')
                THEN version IS NOT NULL AND version >= 1
            ELSE version IS NULL
        END
    ),
    CONSTRAINT audit_log_proof_check CHECK (
        (action = 'proof_decided') = (decision IS NOT NULL)
        AND (decision IS NULL OR decision IN
            ('approved', 'approved_with_changes', 'changes_required', 'not_relevant'))
        AND (action IN ('proof_reviewer_added', 'proof_reviewer_removed')) = (person IS NOT NULL)
        AND (action NOT LIKE 'proof_%' OR item_kind = 'file')
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

INSERT INTO audit_log_proofs
    (id, account_id, actor_user_id, action, partner_request_id, side, status_before, created_at,
     item_id, item_kind, item_name, other_name, version, share_with, share_role, share_downloads)
SELECT id, account_id, actor_user_id, action, partner_request_id, side, status_before, created_at,
     item_id, item_kind, item_name, other_name, version, share_with, share_role, share_downloads
FROM audit_log;

DROP TABLE audit_log;
ALTER TABLE audit_log_proofs RENAME TO audit_log;
CREATE INDEX audit_log_account_created_idx ON audit_log (account_id, created_at DESC, id);
