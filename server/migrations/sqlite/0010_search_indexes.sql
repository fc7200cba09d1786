-- Indexed substring search, SQLite flavour: a search costs the same at a million rows as at a
-- hundred (issue 11). Keep identical in meaning to ../postgres/0010_search_indexes.sql.
--
-- Each searched table gets an FTS5 index with the trigram tokenizer (case-insensitive,
-- Unicode case folding), kept in step with its table by triggers ("external content": the
-- text lives once, in the table). A search of three characters or more finds its rows through
-- the index; shorter ones scan, as before. The Contacts page searches users and contacts by
-- name and address; the Partners tab searches the other organization's name and the invited
-- address.

CREATE VIRTUAL TABLE users_search USING fts5(
    name, email, content='users', content_rowid='rowid', tokenize='trigram'
);
INSERT INTO users_search (rowid, name, email) SELECT rowid, name, email FROM users;
CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, name, email) VALUES (new.rowid, new.name, new.email);
END;
CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_search (users_search, rowid, name, email)
        VALUES ('delete', old.rowid, old.name, old.email);
END;
CREATE TRIGGER users_search_update AFTER UPDATE OF name, email ON users BEGIN
    INSERT INTO users_search (users_search, rowid, name, email)
        VALUES ('delete', old.rowid, old.name, old.email);
    INSERT INTO users_search (rowid, name, email) VALUES (new.rowid, new.name, new.email);
END;

CREATE VIRTUAL TABLE contacts_search USING fts5(
    name, email, content='contacts', content_rowid='rowid', tokenize='trigram'
);
INSERT INTO contacts_search (rowid, name, email) SELECT rowid, name, email FROM contacts;
CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_search (rowid, name, email) VALUES (new.rowid, new.name, new.email);
END;
CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_search (contacts_search, rowid, name, email)
        VALUES ('delete', old.rowid, old.name, old.email);
END;
CREATE TRIGGER contacts_search_update AFTER UPDATE OF name, email ON contacts BEGIN
    INSERT INTO contacts_search (contacts_search, rowid, name, email)
        VALUES ('delete', old.rowid, old.name, old.email);
    INSERT INTO contacts_search (rowid, name, email) VALUES (new.rowid, new.name, new.email);
END;

CREATE VIRTUAL TABLE accounts_search USING fts5(
    name, content='accounts', content_rowid='rowid', tokenize='trigram'
);
INSERT INTO accounts_search (rowid, name) SELECT rowid, name FROM accounts;
CREATE TRIGGER accounts_search_insert AFTER INSERT ON accounts BEGIN
    INSERT INTO accounts_search (rowid, name) VALUES (new.rowid, new.name);
END;
CREATE TRIGGER accounts_search_delete AFTER DELETE ON accounts BEGIN
    INSERT INTO accounts_search (accounts_search, rowid, name) VALUES ('delete', old.rowid, old.name);
END;
CREATE TRIGGER accounts_search_update AFTER UPDATE OF name ON accounts BEGIN
    INSERT INTO accounts_search (accounts_search, rowid, name) VALUES ('delete', old.rowid, old.name);
    INSERT INTO accounts_search (rowid, name) VALUES (new.rowid, new.name);
END;

CREATE VIRTUAL TABLE partner_requests_search USING fts5(
    recipient_email, content='partner_requests', content_rowid='rowid', tokenize='trigram'
);
INSERT INTO partner_requests_search (rowid, recipient_email)
    SELECT rowid, recipient_email FROM partner_requests;
CREATE TRIGGER partner_requests_search_insert AFTER INSERT ON partner_requests BEGIN
    INSERT INTO partner_requests_search (rowid, recipient_email)
        VALUES (new.rowid, new.recipient_email);
END;
CREATE TRIGGER partner_requests_search_delete AFTER DELETE ON partner_requests BEGIN
    INSERT INTO partner_requests_search (partner_requests_search, rowid, recipient_email)
        VALUES ('delete', old.rowid, old.recipient_email);
END;

-- The requests between an account and the organizations whose names match, from the sending
-- side (the receiving side has partner_requests_recipient_sender_idx).
CREATE INDEX partner_requests_sender_recipient_idx
    ON partner_requests (sender_account_id, recipient_account_id);
