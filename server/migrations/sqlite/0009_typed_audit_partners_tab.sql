-- The audit log as typed data, and the Partners tab read in keyset pages; SQLite flavour.
--
-- Keep this file identical in meaning to ../postgres/0009_typed_audit_partners_tab.sql.
--
-- 1. audit_log: the free-text `subject` and `detail` give way to typed columns, so the
--    Activity page reads what happened without parsing text and later kinds of entry (shares,
--    uploads, review decisions) add columns, not parsers. Existing rows are carried over: the
--    subject of a partner entry was its request's id, and the detail of a deletion said
--    "by sender|recipient; was pending|accepted|rejected". SQLite cannot add named
--    constraints to a table, so the table is rebuilt with every row.
CREATE TABLE audit_log_typed (
    id                 TEXT    NOT NULL PRIMARY KEY,  -- UUID, hyphenated lowercase text
    account_id         TEXT    NOT NULL,              -- whose log holds the entry
    actor_user_id      TEXT,                          -- NULL when the service acted on its own
    action             TEXT    NOT NULL,              -- what happened, e.g. partner_request_sent
    partner_request_id TEXT,                          -- partner entries: the request
    side               TEXT,                          -- partner deletions: the side that deleted
    status_before      TEXT,                          -- partner deletions: the status it had
    created_at         INTEGER NOT NULL,              -- unix seconds
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
    )
) STRICT;

INSERT INTO audit_log_typed
    (id, account_id, actor_user_id, action, partner_request_id, side, status_before, created_at)
SELECT id, account_id, actor_user_id, action,
       CASE WHEN action LIKE 'partner_request_%' THEN subject END,
       CASE WHEN action = 'partner_request_deleted' THEN
           CASE WHEN detail LIKE '%by sender%' THEN 'sender' ELSE 'recipient' END
       END,
       CASE WHEN action = 'partner_request_deleted' THEN
           CASE WHEN detail LIKE '%was accepted%' THEN 'accepted'
                WHEN detail LIKE '%was pending%' THEN 'pending'
                ELSE 'rejected' END
       END,
       created_at
FROM audit_log;

DROP TABLE audit_log;
ALTER TABLE audit_log_typed RENAME TO audit_log;
CREATE INDEX audit_log_account_created_idx ON audit_log (account_id, created_at DESC, id);

-- 2. The Partners tab searches the other organization's name in any case. SQLite's lower()
--    folds ASCII only, so the server writes the Unicode lowercase name here with every account
--    (existing names are folded by lower(), which is the same for ASCII names).
ALTER TABLE accounts ADD COLUMN name_search TEXT NOT NULL DEFAULT '';
UPDATE accounts SET name_search = lower(name);

-- 3. The Partners tab in keyset pages: one range scan per side, over the rows that side still
--    sees, newest change first; and the badge's count of requests awaiting approval.
CREATE INDEX partner_requests_tab_sender_idx
    ON partner_requests (sender_account_id, updated_at DESC, id)
    WHERE archived = FALSE AND deleted_by_sender = FALSE;
CREATE INDEX partner_requests_tab_recipient_idx
    ON partner_requests (recipient_account_id, updated_at DESC, id)
    WHERE archived = FALSE AND deleted_by_recipient = FALSE;
CREATE INDEX partner_requests_awaiting_idx
    ON partner_requests (recipient_account_id)
    WHERE status = 'pending' AND archived = FALSE AND deleted_by_recipient = FALSE;
