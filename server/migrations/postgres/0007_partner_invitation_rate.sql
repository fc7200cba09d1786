-- The invitations one organization sent recently, for the hourly limit against unwanted email
-- (entente_core::partnership::check_invitation_rate). Archived requests count too: an
-- invitation withdrawn at once still sent its email. Same on both engines.
CREATE INDEX partner_requests_sender_created_idx
    ON partner_requests (sender_account_id, created_at);
