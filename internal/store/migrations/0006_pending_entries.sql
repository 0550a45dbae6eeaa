-- Records typed in the e-cabinet awaiting their person's signature: kept
-- in the database, not in one server's memory, so that the confirmation
-- may reach any server, and a restart loses nothing. An entry is kept
-- for a day, then removed.
CREATE TABLE pending_entries (
    id          TEXT PRIMARY KEY,
    fin         TEXT NOT NULL,
    org         TEXT NOT NULL,
    child_key   TEXT NOT NULL,
    category    TEXT NOT NULL,
    body        TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    code        TEXT NOT NULL,
    expires_at  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    done        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pending_entries_created ON pending_entries (created_at);
