-- The correspondence module (regulation §3.2.1): threads between
-- organisations, about a child or general; immutable messages (an edit is
-- a new version pointing at the first); attachments; per-organisation
-- read receipts; notices for organisations (new threads, mentions,
-- messages, overdue answers) that the e-cabinet shows and participants'
-- systems read through the exchange; and the signal rules that open
-- threads by themselves, once per child and rule.

CREATE TABLE threads (
    id          {{identity}},
    subject     TEXT NOT NULL,
    child_id    BIGINT REFERENCES children (id),
    opened_by   TEXT NOT NULL,
    opened_fin  TEXT NOT NULL DEFAULT '',
    -- open | awaiting (an answer from the organisation in awaiting) | resolved
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'awaiting', 'resolved')),
    awaiting    TEXT NOT NULL DEFAULT '',
    -- When the awaited answer is due, and when the last reminder of it
    -- went out; 0 for none.
    due_at      BIGINT NOT NULL DEFAULT 0,
    reminded_at BIGINT NOT NULL DEFAULT 0,
    signal_rule TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX threads_child ON threads (child_id);
CREATE INDEX threads_due ON threads (state, due_at);

CREATE TABLE thread_members (
    thread_id BIGINT NOT NULL REFERENCES threads (id),
    org       TEXT NOT NULL,
    added_at  BIGINT NOT NULL,
    added_by  TEXT NOT NULL,
    -- The read receipt: the last message someone of the organisation saw.
    read_upto BIGINT NOT NULL DEFAULT 0,
    read_at   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (thread_id, org)
);
CREATE INDEX thread_members_org ON thread_members (org, thread_id);

CREATE TABLE messages (
    id          {{identity}},
    thread_id   BIGINT NOT NULL REFERENCES threads (id),
    org         TEXT NOT NULL,
    author_fin  TEXT NOT NULL,
    author_name TEXT NOT NULL,
    -- message | event (what changed in the thread) | signal
    kind        TEXT NOT NULL DEFAULT 'message',
    body        TEXT NOT NULL,
    edit_of     BIGINT REFERENCES messages (id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX messages_thread ON messages (thread_id, id);

CREATE TABLE attachments (
    id           {{identity}},
    message_id   BIGINT NOT NULL REFERENCES messages (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    data         {{blob}} NOT NULL
);
CREATE INDEX attachments_message ON attachments (message_id);

CREATE TABLE notices (
    id         {{identity}},
    org        TEXT NOT NULL,
    -- thread | message | mention | reminder | overdue
    kind       TEXT NOT NULL,
    thread_id  BIGINT NOT NULL REFERENCES threads (id),
    message_id BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX notices_org ON notices (org, id);

CREATE TABLE signal_rules (
    code        TEXT PRIMARY KEY,
    enabled     SMALLINT NOT NULL,
    responsible TEXT NOT NULL,
    months      INTEGER NOT NULL DEFAULT 0,
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL
);

CREATE TABLE signal_hits (
    rule       TEXT NOT NULL,
    child_id   BIGINT NOT NULL REFERENCES children (id),
    thread_id  BIGINT NOT NULL REFERENCES threads (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (rule, child_id)
);

-- Webhooks deliver notices too, from their own cursor.
ALTER TABLE webhooks ADD COLUMN notice_cursor BIGINT NOT NULL DEFAULT 0;
