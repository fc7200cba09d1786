-- Issue 15 (SPEC 3.2): proofs and their review. A proof is a file of the account sent for
-- review: one row in `proofs`, its reviewers per version in `proof_reviews` (a new version
-- copies the current reviewers, every one Pending; earlier versions keep theirs), comments per
-- version, optionally pinned to a page or a point of it, and the deadline reminders sent (one
-- per reviewer and deadline, whichever instance sends it). Who may decide, comment, resolve,
-- lock and name reviewers, and a version's overall status, are entente_core's (`proofs`); the
-- stored `status` is core's `overall` of the current version, written in the transaction of
-- every change to it, so lists filter and page by it in SQL.
--
-- Keep this file identical in meaning to ../sqlite/0020_proofs.sql.

CREATE TABLE proofs (
    item_id         TEXT    NOT NULL PRIMARY KEY,  -- the file
    account_id      TEXT    NOT NULL,              -- the owner: the file's account
    sent_by         TEXT    NOT NULL,
    sent_at         BIGINT  NOT NULL,              -- unix seconds
    deadline        BIGINT,                       -- unix seconds, optional
    locked          BOOLEAN NOT NULL DEFAULT FALSE,
    current_version INTEGER NOT NULL,              -- the file's version under review
    status          TEXT    NOT NULL,              -- core's overall status of current_version
    updated_at      BIGINT  NOT NULL,              -- the last decision, version or change
    CONSTRAINT proofs_item_fkey FOREIGN KEY (item_id, account_id) REFERENCES items (id, account_id),
    CONSTRAINT proofs_sent_by_fkey FOREIGN KEY (sent_by) REFERENCES users (id),
    CONSTRAINT proofs_version_check CHECK (current_version >= 1),
    CONSTRAINT proofs_status_check CHECK (status IN
        ('pending', 'changes_required', 'approved_with_changes', 'approved', 'not_relevant'))
);

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
    decided_at BIGINT,                            -- NULL while pending
    added_by   TEXT    NOT NULL,
    added_at   BIGINT  NOT NULL,
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
);

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
    resolved_at BIGINT,
    resolved_by TEXT,
    created_at  BIGINT  NOT NULL,
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
);

-- A version's thread, oldest first.
CREATE INDEX proof_comments_thread_idx ON proof_comments (proof_id, version, number);

-- Each deadline reminder once per reviewer and deadline: the primary key lets exactly one
-- instance send it.
CREATE TABLE proof_reminders (
    proof_id TEXT    NOT NULL,
    user_id  TEXT    NOT NULL,
    deadline BIGINT  NOT NULL,
    sent_at  BIGINT  NOT NULL,
    PRIMARY KEY (proof_id, user_id, deadline),
    CONSTRAINT proof_reminders_proof_fkey FOREIGN KEY (proof_id) REFERENCES proofs (item_id),
    CONSTRAINT proof_reminders_user_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);

-- The outbox learns the proofs' emails.
ALTER TABLE email_outbox
    DROP CONSTRAINT email_outbox_kind_check,
    ADD CONSTRAINT email_outbox_kind_check CHECK (
        kind IN ('user_invitation', 'password_reset', 'partner_invitation', 'partner_rejected',
                 'partner_accepted', 'email_verification', 'item_shared', 'share_digest',
                 'proof_review_requested', 'proof_new_version', 'proof_decision',
                 'proof_status_final', 'proof_reminder')
    );

-- Proofs in the audit log (SPEC 3.3's last bullet: decisions and comments; issue 15: also new
-- versions, reviewer changes and locks): the file as it was named then, the version, the
-- decision, the reviewer named or removed as it read then.
ALTER TABLE audit_log
    ADD COLUMN decision TEXT,  -- proof decisions: the decision made
    ADD COLUMN person TEXT,    -- reviewers named or removed: who, as it read then
    ADD CONSTRAINT audit_log_proof_action_check CHECK (
        action NOT LIKE 'proof_%' OR action IN (
            'proof_sent', 'proof_reviewer_added', 'proof_reviewer_removed', 'proof_decided',
            'proof_commented', 'proof_locked', 'proof_unlocked'
        )
    ),
    DROP CONSTRAINT audit_log_document_entry_check,
    ADD CONSTRAINT audit_log_document_entry_check CHECK (
        CASE WHEN action LIKE 'document_%' OR action LIKE 'proof_%'
            THEN item_id IS NOT NULL AND item_kind IS NOT NULL AND item_name IS NOT NULL
                 AND partner_request_id IS NULL
            ELSE item_id IS NULL AND item_kind IS NULL AND item_name IS NULL
                 AND other_name IS NULL AND version IS NULL
        END
    ),
    DROP CONSTRAINT audit_log_document_version_check,
    ADD CONSTRAINT audit_log_document_version_check CHECK (
        CASE
            WHEN action = 'document_version_uploaded' THEN version IS NOT NULL AND version >= 2
            WHEN action IN ('proof_sent', 'proof_decided', 'proof_commented')
                THEN version IS NOT NULL AND version >= 1
            ELSE version IS NULL
        END
    ),
    ADD CONSTRAINT audit_log_proof_check CHECK (
        (action = 'proof_decided') = (decision IS NOT NULL)
        AND (decision IS NULL OR decision IN
            ('approved', 'approved_with_changes', 'changes_required', 'not_relevant'))
        AND (action IN ('proof_reviewer_added', 'proof_reviewer_removed')) = (person IS NOT NULL)
        AND (action NOT LIKE 'proof_%' OR item_kind = 'file')
    );
