-- Issue 12: failed sign-ins are counted per client as well as per address, so one client
-- trying many addresses is slowed down (entente_core::sign_in::check_sign_in_attempt).
-- `client` is entente_core::sign_in::client_key of the client's IP address (an IPv6 address
-- by its /64); NULL when the request's address was not known. Old rows keep NULL.
ALTER TABLE sign_in_failures ADD COLUMN client TEXT;

CREATE INDEX sign_in_failures_client_idx ON sign_in_failures (client, failed_at);
