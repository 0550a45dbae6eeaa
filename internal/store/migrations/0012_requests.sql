-- Requests answered by the operator, each with a deadline and a history
-- (§6.1.18, §7.1.6, §7.2.1, §8.1.3–8.1.6): a participant's report that a
-- record is wrong, a person's appeal, proposal or complaint through the
-- e-cabinet, and a participant's request to the operator. And the e-mail
-- outbox: notices to send through the configured SMTP server, kept until
-- they are sent.
CREATE TABLE requests (
    id          {{identity}},
    kind        TEXT NOT NULL CHECK (kind IN ('error_report', 'appeal', 'proposal', 'complaint', 'org_request')),
    from_fin    TEXT NOT NULL,
    from_org    TEXT NOT NULL DEFAULT '',
    reply_email TEXT NOT NULL DEFAULT '',
    child_id    BIGINT REFERENCES children (id),
    fact_id     BIGINT REFERENCES facts (id),
    fact_sender TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    file_name   TEXT NOT NULL DEFAULT '',
    file_type   TEXT NOT NULL DEFAULT '',
    file_data   {{blob}},
    -- open | answered
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'answered')),
    due_on      TEXT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL DEFAULT '',
    answered_at BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL
);
CREATE INDEX requests_state ON requests (state, due_on);
CREATE INDEX requests_from ON requests (from_fin, id);
CREATE INDEX requests_org ON requests (from_org, id);
CREATE INDEX requests_sender ON requests (fact_sender, id);

CREATE TABLE request_events (
    id         {{identity}},
    request_id BIGINT NOT NULL REFERENCES requests (id),
    at         BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    what       TEXT NOT NULL,
    text       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX request_events_request ON request_events (request_id, id);

-- The e-mail address notices to an organisation go to.
ALTER TABLE participants ADD COLUMN email TEXT NOT NULL DEFAULT '';

CREATE TABLE outbox (
    id         {{identity}},
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at    BIGINT NOT NULL DEFAULT 0,
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (sent_at, next_at);
