-- Counts the times a user's password was set. A session remembers the count it signed in
-- with, and the per-request check ends a session whose count is no longer current: setting a
-- new password (a reset link) signs every other session out. (PostgreSQL: BIGINT.)
ALTER TABLE users ADD COLUMN password_version INTEGER NOT NULL DEFAULT 0;
