-- The exchange with participants: who they are, what each may send and
-- read, which certificate subjects speak for them, the signed batches kept
-- as evidence with the answer given, and webhook subscriptions.

CREATE TABLE participants (
    code       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('operator', 'participant', 'commission')),
    name_az    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    name_ru    TEXT NOT NULL,
    voen       TEXT NOT NULL,
    district   TEXT NOT NULL DEFAULT '',
    active     SMALLINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);

-- What a participant may send (its competence) and read, per category.
CREATE TABLE participant_rights (
    participant TEXT NOT NULL REFERENCES participants (code),
    category    TEXT NOT NULL,
    access      TEXT NOT NULL CHECK (access IN ('send', 'read')),
    PRIMARY KEY (participant, access, category)
);

-- A certificate subject (RFC 4514) speaks for one participant.
CREATE TABLE certificate_bindings (
    subject     TEXT PRIMARY KEY,
    participant TEXT NOT NULL REFERENCES participants (code),
    fingerprint TEXT NOT NULL,
    bound_at    BIGINT NOT NULL,
    bound_by    TEXT NOT NULL
);

-- Each signed batch, byte for byte, with its signature and the answer
-- given, so that a re-sent batch gets the first answer and the operator
-- can re-verify what was sent.
CREATE TABLE batches (
    participant    TEXT NOT NULL REFERENCES participants (code),
    batch_id       TEXT NOT NULL,
    received_at    BIGINT NOT NULL,
    body           TEXT NOT NULL,
    signature      TEXT NOT NULL,
    signer_subject TEXT NOT NULL,
    client_subject TEXT NOT NULL,
    response       TEXT,
    PRIMARY KEY (participant, batch_id)
);

CREATE TABLE webhooks (
    participant  TEXT PRIMARY KEY REFERENCES participants (code),
    url          TEXT NOT NULL,
    secret       TEXT NOT NULL,
    cursor       BIGINT NOT NULL DEFAULT 0,
    failures     INTEGER NOT NULL DEFAULT 0,
    next_attempt BIGINT NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT ''
);

-- The feed finds the children a participant has sent data about.
CREATE INDEX facts_sender_child ON facts (sender, child_id);
