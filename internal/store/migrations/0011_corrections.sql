-- People's requests to correct a fact about themselves or their child
-- (§6.1.16, §8.1.2): the proposed value and an attachment, decided by the
-- operator before a deadline; an approval records a correction fact,
-- which the record's sender sees in its feed and fixes at the source.
CREATE TABLE corrections (
    id              {{identity}},
    requester_fin   TEXT NOT NULL,
    child_id        BIGINT NOT NULL REFERENCES children (id),
    fact_id         BIGINT NOT NULL REFERENCES facts (id),
    category        TEXT NOT NULL,
    proposed        TEXT NOT NULL,
    note            TEXT NOT NULL,
    file_name       TEXT NOT NULL DEFAULT '',
    file_type       TEXT NOT NULL DEFAULT '',
    file_data       {{blob}},
    -- submitted | approved | rejected
    state           TEXT NOT NULL DEFAULT 'submitted' CHECK (state IN ('submitted', 'approved', 'rejected')),
    due_at          BIGINT NOT NULL,
    decided_at      BIGINT NOT NULL DEFAULT 0,
    decided_by      TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    correction_fact BIGINT REFERENCES facts (id),
    created_at      BIGINT NOT NULL
);
CREATE INDEX corrections_state ON corrections (state, due_at);
CREATE INDEX corrections_requester ON corrections (requester_fin, id);
