-- Organizations confirm their email address before they take part in partnerships (issue 12),
-- SQLite flavour. Keep identical in meaning to ../postgres/0012_verified_organizations.sql.
--
-- `accounts.verified_at` says when a link sent to an Administrator's address was used, and
-- `verified_domain` the domain of that address, which partners see beside the name.
-- Organizations that existed before this rule keep taking part: they are counted verified
-- with the domain of their first Administrator.

ALTER TABLE accounts ADD COLUMN verified_at INTEGER;   -- unix seconds, NULL until confirmed
ALTER TABLE accounts ADD COLUMN verified_domain TEXT
    CONSTRAINT accounts_verified_domain_lowercase_check
    CHECK (verified_domain IS NULL OR verified_domain = lower(verified_domain));

UPDATE accounts SET
    verified_at = created_at,
    verified_domain = (
        SELECT substr(u.email, instr(u.email, '@') + 1) FROM users u
        WHERE u.account_id = accounts.id AND u.profile = 'administrator'
        ORDER BY u.created_at, u.id LIMIT 1
    );

-- Single-use links that confirm a user's address. Only the SHA-256 of the token is kept.
CREATE TABLE email_verifications (
    token_hash TEXT    NOT NULL PRIMARY KEY,  -- hex SHA-256 of the token
    user_id    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,              -- unix seconds
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,                       -- NULL until used
    CONSTRAINT email_verifications_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
) STRICT;
CREATE INDEX email_verifications_user_created_idx ON email_verifications (user_id, created_at);

-- The outbox learns the new kind of email; SQLite rebuilds a table to change a CHECK.
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
                 'partner_accepted', 'email_verification')
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
