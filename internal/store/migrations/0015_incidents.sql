-- Incidents (§6.1.6–6.1.7, §6.1.9): failures and security events the
-- server records by itself (database unreachable, a failed backup check,
-- a spike of signature failures, a disk nearly full, the intrusion rules
-- over the audit stream) and those the operator enters, among them the
-- security service's requests, to be answered within 24 hours. dedupe
-- keeps one entry per cause and period.
CREATE TABLE incidents (
    id          {{identity}},
    opened_at   BIGINT NOT NULL,
    source      TEXT NOT NULL,
    severity    TEXT NOT NULL CHECK (severity IN ('low', 'high', 'critical')),
    title       TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL DEFAULT '',
    dedupe      TEXT NOT NULL UNIQUE,
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
    due_at      BIGINT NOT NULL DEFAULT 0,
    resolved_at BIGINT NOT NULL DEFAULT 0,
    resolved_by TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX incidents_state ON incidents (state, opened_at);

-- Where a watcher of the audit stream stopped.
CREATE TABLE watch_cursors (
    name TEXT PRIMARY KEY,
    seq  BIGINT NOT NULL
);
