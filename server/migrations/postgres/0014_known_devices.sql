-- Issue 12, item 3: a browser that signed in to an address before is a known device of its
-- user (a long-lived cookie whose secret's SHA-256 is kept here). Failed sign-ins from other
-- devices do not lock the address for it: entente_core::sign_in::check_sign_in_attempt counts
-- only its own failures (`sign_in_failures.device`).
CREATE TABLE known_devices (
    token_hash   TEXT    NOT NULL PRIMARY KEY,           -- hex SHA-256 of the cookie's secret
    user_id      TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT  NOT NULL,                       -- unix seconds
    last_used_at BIGINT  NOT NULL
);

CREATE INDEX known_devices_user_idx ON known_devices (user_id);

-- The known device a failed sign-in came from (its token_hash); NULL for any other.
ALTER TABLE sign_in_failures ADD COLUMN device TEXT;
