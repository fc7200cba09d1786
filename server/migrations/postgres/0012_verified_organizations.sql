-- Organizations confirm their email address before they take part in partnerships (issue 12),
-- PostgreSQL flavour. Keep identical in meaning to ../sqlite/0012_verified_organizations.sql.
--
-- `accounts.verified_at` says when a link sent to an Administrator's address was used, and
-- `verified_domain` the domain of that address, which partners see beside the name.
-- Organizations that existed before this rule keep taking part: they are counted verified
-- with the domain of their first Administrator.

ALTER TABLE accounts
    ADD COLUMN verified_at BIGINT,   -- unix seconds, NULL until confirmed
    ADD COLUMN verified_domain TEXT
        CONSTRAINT accounts_verified_domain_lowercase_check
        CHECK (verified_domain IS NULL OR verified_domain = lower(verified_domain));

UPDATE accounts SET
    verified_at = created_at,
    verified_domain = (
        SELECT split_part(u.email, '@', 2) FROM users u
        WHERE u.account_id = accounts.id AND u.profile = 'administrator'
        ORDER BY u.created_at, u.id LIMIT 1
    );

-- Single-use links that confirm a user's address. Only the SHA-256 of the token is kept.
CREATE TABLE email_verifications (
    token_hash TEXT   NOT NULL PRIMARY KEY,  -- hex SHA-256 of the token
    user_id    TEXT   NOT NULL,
    created_at BIGINT NOT NULL,              -- unix seconds
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,                       -- NULL until used
    CONSTRAINT email_verifications_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE INDEX email_verifications_user_created_idx ON email_verifications (user_id, created_at);

-- The outbox learns the new kind of email.
ALTER TABLE email_outbox
    DROP CONSTRAINT email_outbox_kind_check,
    ADD CONSTRAINT email_outbox_kind_check CHECK (
        kind IN ('user_invitation', 'password_reset', 'partner_invitation', 'partner_rejected',
                 'partner_accepted', 'email_verification')
    );
