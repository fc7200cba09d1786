-- Indexed substring search, PostgreSQL flavour: a search costs the same at a million rows as
-- at a hundred (issue 11). Keep identical in meaning to ../sqlite/0010_search_indexes.sql.
--
-- Trigram GIN indexes (pg_trgm, a trusted extension shipped with PostgreSQL's contrib
-- modules) serve `LIKE '%…%'` on the searched columns: a search of three characters or more
-- finds its rows through them; shorter ones scan, as before. The Contacts page searches users
-- and contacts by name and address; the Partners tab searches the other organization's name
-- and the invited address.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX users_name_search_idx ON users USING gin (name_sort gin_trgm_ops);
CREATE INDEX users_email_search_idx ON users USING gin (email gin_trgm_ops);
CREATE INDEX contacts_name_search_idx ON contacts USING gin (name_sort gin_trgm_ops);
CREATE INDEX contacts_email_search_idx ON contacts USING gin (email gin_trgm_ops);
CREATE INDEX accounts_name_search_idx ON accounts USING gin (name_search gin_trgm_ops);
CREATE INDEX partner_requests_email_search_idx
    ON partner_requests USING gin (recipient_email gin_trgm_ops);

-- The requests between an account and the organizations whose names match, from the sending
-- side (the receiving side has partner_requests_recipient_sender_idx).
CREATE INDEX partner_requests_sender_recipient_idx
    ON partner_requests (sender_account_id, recipient_account_id);
