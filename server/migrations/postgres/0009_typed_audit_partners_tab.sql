-- The audit log as typed data, and the Partners tab read in keyset pages; PostgreSQL flavour.
--
-- Keep this file identical in meaning to ../sqlite/0009_typed_audit_partners_tab.sql.
--
-- 1. audit_log: the free-text `subject` and `detail` give way to typed columns, so the
--    Activity page reads what happened without parsing text and later kinds of entry (shares,
--    uploads, review decisions) add columns, not parsers. Existing rows are carried over: the
--    subject of a partner entry was its request's id, and the detail of a deletion said
--    "by sender|recipient; was pending|accepted|rejected".
ALTER TABLE audit_log
    ADD COLUMN partner_request_id TEXT,  -- partner entries: the request
    ADD COLUMN side TEXT,                -- partner deletions: the side that deleted
    ADD COLUMN status_before TEXT;       -- partner deletions: the status it had

UPDATE audit_log SET partner_request_id = subject WHERE action LIKE 'partner_request_%';
UPDATE audit_log SET
    side = CASE WHEN detail LIKE '%by sender%' THEN 'sender' ELSE 'recipient' END,
    status_before = CASE WHEN detail LIKE '%was accepted%' THEN 'accepted'
                         WHEN detail LIKE '%was pending%' THEN 'pending'
                         ELSE 'rejected' END
WHERE action = 'partner_request_deleted';

ALTER TABLE audit_log
    DROP COLUMN subject,
    DROP COLUMN detail,
    ADD CONSTRAINT audit_log_partner_request_id_fkey
        FOREIGN KEY (partner_request_id) REFERENCES partner_requests (id),
    ADD CONSTRAINT audit_log_side_check CHECK (side IS NULL OR side IN ('sender', 'recipient')),
    ADD CONSTRAINT audit_log_status_before_check
        CHECK (status_before IS NULL OR status_before IN ('pending', 'accepted', 'rejected')),
    ADD CONSTRAINT audit_log_partner_entry_check
        CHECK (action NOT LIKE 'partner_request_%' OR partner_request_id IS NOT NULL),
    ADD CONSTRAINT audit_log_deletion_check CHECK (
        (action = 'partner_request_deleted') = (side IS NOT NULL AND status_before IS NOT NULL)
    );

-- 2. The Partners tab searches the other organization's name in any case: the server writes
--    the Unicode lowercase name here with every account (PostgreSQL's lower() folds Unicode
--    too, for the names already stored).
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
