-- What an organization's name looks like (entente-core's `names::skeleton`), so the Partners
-- tab finds the partners a request's organization may pass for by an index lookup, instead
-- of reading every partner's name on each view. Written by the service (the rule is in Rust):
-- at account creation, and for older rows right after the migrations run.
ALTER TABLE accounts ADD COLUMN name_skeleton TEXT;
CREATE INDEX accounts_name_skeleton_idx ON accounts (name_skeleton);
